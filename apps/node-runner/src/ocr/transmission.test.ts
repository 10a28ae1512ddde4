import { describe, expect, it } from 'vitest';
import {
  attested,
  chainState,
  Driver,
  fakeContext,
  ofType,
  testConfig,
  withoutLogs,
} from './fixtures/harness.js';
import type { PendingTransmission } from './state.js';

// Node 0 follows the leader of epoch 1 (oracle 1) and transmits after `delay` ms.
function transmitter(stage: { delayMs: number | undefined } = { delayMs: 3_000 }): Driver {
  const config = testConfig({ rMax: 10 });
  const node = new Driver(config, fakeContext(config, { transmissionDelayMs: () => stage.delayMs }));
  node.start();
  return node;
}

const observations = (median: bigint) =>
  [median - 1n, median, median + 1n].map((value, observer) => ({ observer, value }));

/** Drives round `round` of epoch 1 to a finalized report with this median; the last step reads the chain. */
function finalize(node: Driver, round: number, median: bigint) {
  const report = attested(1, round, observations(median), [1, 2]);
  node.receive(1, { type: 'ObserveReq', epoch: 1, round });
  node.receive(2, { type: 'FinalEcho', epoch: 1, round, report });
  node.receive(3, { type: 'FinalEcho', epoch: 1, round, report });
  return report;
}

describe('transmission', () => {
  it('persists the accepted report before arming its stage timer', () => {
    const node = transmitter();
    const report = finalize(node, 1, 1000n);
    const pending: PendingTransmission = {
      epoch: 1,
      round: 1,
      transmitAtMs: node.nowMs + 3_000,
      median: 1000n,
      report,
    };
    expect(withoutLogs(node.answerChain(chainState()))).toEqual([
      { type: 'Persist', record: { kind: 'pendingTransmissionStored', transmission: pending } },
      { type: 'SetTimer', timer: { kind: 'transmit', epoch: 1, round: 1 }, afterMs: 3_000 },
    ]);
  });

  it.each([
    ['the chain read timed out', 'timeout' as const],
    ['the contract runs another config', chainState({ configDigest: `0x${'ee'.repeat(16)}` })],
    ['the contract already has this round', chainState({ epoch: 1, round: 1 })],
    ['the contract is past this round', chainState({ epoch: 2, round: 0 })],
  ])('drops the report when %s', (_name, latest) => {
    const node = transmitter();
    finalize(node, 1, 1000n);
    expect(withoutLogs(node.answerChain(latest))).toEqual([]);
    expect(node.state.transmission.latestAccepted).toBeUndefined();
  });

  it('accepts but does not schedule a report outside its stages', () => {
    const node = transmitter({ delayMs: undefined });
    finalize(node, 1, 1000n);
    expect(withoutLogs(node.answerChain(chainState()))).toEqual([]);
    expect(node.state.transmission.latestAccepted).toEqual({ epoch: 1, round: 1, median: 1000n });
  });

  it('while its last report is in flight, takes a newer one only if the median deviated', () => {
    const node = transmitter();
    finalize(node, 1, 1000n);
    node.answerChain(chainState());
    finalize(node, 2, 1004n); // 0.4 % < alpha, contract still at (0, 0)
    expect(ofType(node.answerChain(chainState()), 'SetTimer')).toEqual([]);
    finalize(node, 3, 1005n); // 0.5 % of the old median, 0.4975 % of the new one: libocr measures against the new one
    expect(ofType(node.answerChain(chainState()), 'SetTimer')).toEqual([]);
    finalize(node, 4, 1006n);
    expect(ofType(node.answerChain(chainState()), 'SetTimer')).toEqual([
      { type: 'SetTimer', timer: { kind: 'transmit', epoch: 1, round: 4 }, afterMs: 3_000 },
    ]);
  });

  it('takes a newer report without deviation once the contract caught up', () => {
    const node = transmitter();
    finalize(node, 1, 1000n);
    node.answerChain(chainState());
    finalize(node, 2, 1000n);
    expect(
      ofType(node.answerChain(chainState({ epoch: 1, round: 1, answer: 1000n })), 'SetTimer'),
    ).toHaveLength(1);
  });

  it('re-reads the contract when its stage comes, then transmits only if still needed', () => {
    const node = transmitter();
    const report = finalize(node, 1, 1000n);
    node.answerChain(chainState());
    node.nowMs += 3_000;
    expect(withoutLogs(node.fire({ kind: 'transmit', epoch: 1, round: 1 }))).toEqual([
      { type: 'Persist', record: { kind: 'pendingTransmissionDeleted', epoch: 1, round: 1 } },
      { type: 'ReadChain', requestId: 3 },
    ]);
    expect(withoutLogs(node.answerChain(chainState()))).toEqual([
      { type: 'Transmit', epoch: 1, round: 1, median: 1000n, report },
    ]);

    const late = transmitter();
    finalize(late, 1, 1000n);
    late.answerChain(chainState());
    late.fire({ kind: 'transmit', epoch: 1, round: 1 });
    expect(withoutLogs(late.answerChain(chainState({ epoch: 1, round: 1 })))).toEqual([]);
  });

  it('restores every future pending transmission and only the newest overdue one', () => {
    const node = transmitter();
    const pending = (round: number, transmitAtMs: number): PendingTransmission => ({
      epoch: 1,
      round,
      transmitAtMs,
      median: 1000n,
      report: attested(1, round, observations(1000n), [1, 2]),
    });
    const restarted = new Driver(node.config, node.ctx);
    const now = restarted.nowMs;
    const effects = restarted.start({
      pendingTransmissions: [pending(1, now - 10), pending(2, now - 5), pending(3, now + 700)],
    });
    expect(ofType(effects, 'Persist').map((p) => p.record)).toContainEqual({
      kind: 'pendingTransmissionDeleted',
      epoch: 1,
      round: 1,
    });
    expect(ofType(effects, 'SetTimer').filter((t) => t.timer.kind === 'transmit')).toEqual([
      { type: 'SetTimer', timer: { kind: 'transmit', epoch: 1, round: 3 }, afterMs: 700 },
      { type: 'SetTimer', timer: { kind: 'transmit', epoch: 1, round: 2 }, afterMs: 0 },
    ]);
  });

  it('logs transmit results', () => {
    const node = transmitter();
    const effects = node.apply({
      type: 'TransmitResult',
      nowMs: node.nowMs,
      epoch: 1,
      round: 1,
      ok: false,
      error: 'reverted: stale report',
    });
    expect(effects).toMatchObject([
      { type: 'Log', level: 'warn', fields: { error: 'reverted: stale report' } },
    ]);
  });
});
