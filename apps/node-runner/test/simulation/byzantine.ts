import {
  encodeMessage,
  INT192_MAX,
  MAX_MESSAGE_BYTES,
  sameObservations,
  sortObservations,
  type AttestedReport,
  type AttributedSignedObservation,
  type Message,
  type OcrContext,
  type ProtocolConfig,
} from '../../src/ocr/index.js';
import type { Prng } from './prng.js';
import type { Behaviour, SimNode } from './sim-node.js';

/**
 * Ways a byzantine oracle misbehaves. It runs the honest core (so it stays in step with the
 * protocol) and distorts what goes on the wire, using only its own keys.
 * - lie: its data source reports absurd prices (validly signed).
 * - malformed: sprinkles undecodable or schema-breaking bytes among its messages.
 * - badSignatures: corrupts signatures and signer lists in its messages.
 * - equivocate: as leader, sends each follower a different valid ReportReq.
 * - replay: as leader, when a follower (re)announces itself, replays earlier rounds of the epoch
 *   to it with a different ReportReq, hoping a restarted follower signs twice.
 * - epochSpam: votes for absurd epochs.
 */
export type ByzantineTrait = 'lie' | 'malformed' | 'badSignatures' | 'equivocate' | 'replay' | 'epochSpam';

type ReportReq = Extract<Message, { type: 'ReportReq' }>;

export function byzantineBehaviour(
  traits: readonly ByzantineTrait[],
  config: ProtocolConfig,
  ctx: OcrContext,
  prng: Prng,
): Behaviour {
  const has = (trait: ByzantineTrait): boolean => traits.includes(trait);
  const me = config.oracleId;
  const sentReportReqs = new Map<string, ReportReq>();

  const lie = (): bigint => prng.pick([0n, -1n, 1n, INT192_MAX, 10n ** 30n, 65_000n * 10n ** 8n * 1000n]);

  /** A different ReportReq that still passes every follower check. */
  const variant = (req: ReportReq): ReportReq => {
    let observations: AttributedSignedObservation[] = [...req.observations];
    const minimum = 2 * config.f + 1;
    if (observations.length > minimum && prng.chance(0.5)) {
      observations = sortObservations(
        prng.shuffle(observations).slice(0, prng.int(minimum, observations.length - 1)),
      );
    }
    if (sameObservations(observations, req.observations) || prng.chance(0.5)) {
      const value = lie();
      const own = { observer: me, value, signature: ctx.signObservation(req.epoch, req.round, value) };
      observations = sortObservations([...observations.filter((o) => o.observer !== me), own]);
    }
    return { ...req, observations };
  };

  const flip = (bytes: Uint8Array): Uint8Array => {
    const copy = new Uint8Array(bytes);
    const i = prng.int(0, copy.length - 1);
    copy[i] = (copy[i] ?? 0) ^ (1 << prng.int(0, 7));
    return copy;
  };

  const corruptReport = (report: AttestedReport): AttestedReport => {
    const signatures = [...report.signatures];
    const i = prng.int(0, signatures.length - 1);
    const target = signatures[i];
    if (!target) return report;
    switch (prng.int(0, 3)) {
      case 0:
        signatures[i] = { ...target, signature: flip(target.signature) };
        return { ...report, signatures };
      case 1:
        signatures[i] = { ...target, signer: (target.signer + 1) % config.n };
        return { ...report, signatures };
      case 2:
        return { ...report, signatures: [...signatures, target] };
      default:
        return {
          ...report,
          observations: report.observations.map((o, j) => (j === 0 ? { ...o, value: o.value - 1n } : o)),
        };
    }
  };

  const corrupt = (message: Message): Message => {
    switch (message.type) {
      case 'Observe':
      case 'Report':
        return { ...message, signature: flip(message.signature) };
      case 'ReportReq': {
        const i = prng.int(0, message.observations.length - 1);
        return {
          ...message,
          observations: message.observations.map((o, j) =>
            j === i ? { ...o, signature: flip(o.signature) } : o,
          ),
        };
      }
      case 'Final':
      case 'FinalEcho':
        return { ...message, report: corruptReport(message.report) };
      default:
        return message;
    }
  };

  const text = new TextEncoder();
  const garbage = (message: Message): Uint8Array => {
    const encoded = encodeMessage(message);
    switch (prng.int(0, 5)) {
      case 0:
        return prng.bytes(prng.int(1, 200));
      case 1:
        return encoded.slice(0, prng.int(0, encoded.length - 1));
      case 2:
        return text.encode(JSON.stringify({ type: message.type, epoch: 'one', round: -1 }));
      case 3:
        return text.encode('null');
      case 4:
        return new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(0x20);
      default:
        // Decodes fine but is nonsense: a ReportReq for a later round with an unsorted, unsigned list.
        return encodeMessage({
          type: 'ReportReq',
          epoch: 'epoch' in message ? message.epoch : 1,
          round: 200,
          observations: [2n, 1n, 0n].map((value, observer) => ({
            observer,
            value,
            signature: prng.bytes(64),
          })),
        });
    }
  };

  const replayTo = (node: SimNode, to: number): void => {
    const rg = node.current?.reportGeneration;
    if (!rg || rg.leader !== me) return;
    for (const req of sentReportReqs.values()) {
      if (req.epoch !== rg.epoch) continue;
      node.sendLater(to, encodeMessage({ type: 'ObserveReq', epoch: req.epoch, round: req.round }), 0);
      node.sendLater(to, encodeMessage(variant(req)), 200);
    }
  };

  return {
    ...(has('lie')
      ? { observe: (value: bigint | undefined) => (value === undefined ? undefined : lie()) }
      : {}),
    incoming: (node, from, message) => {
      if (has('replay') && message.type === 'NewEpoch' && from !== me) replayTo(node, from);
    },
    outgoing: (_node, recipients, message) => {
      if (message.type === 'ReportReq') sentReportReqs.set(`${message.epoch}:${message.round}`, message);
      const deliveries: { to: number; bytes: Uint8Array }[] = [];
      for (const to of recipients) {
        let out = message;
        if (to !== me) {
          if (has('equivocate') && out.type === 'ReportReq') out = variant(out);
          if (has('epochSpam') && out.type === 'NewEpoch' && prng.chance(0.5))
            out = { type: 'NewEpoch', epoch: prng.int(out.epoch, 0xffff_ffff) };
          if (has('badSignatures') && prng.chance(0.3)) out = corrupt(out);
          if (has('malformed') && prng.chance(0.15)) deliveries.push({ to, bytes: garbage(out) });
        }
        deliveries.push({ to, bytes: encodeMessage(out) });
      }
      return deliveries;
    },
  };
}
