import { randomBytes } from 'node:crypto';
import { concat, dataSlice } from 'ethers';
import { createLogger } from '@oracle/logger';
import { describe, expect, it } from 'vitest';
import { err, ok } from '@oracle/core';
import {
  configDigest,
  decodeReport,
  decryptSharedSecret,
  generateOracleKeys,
  parsePublicConfig,
  recoverReportSigner,
} from '@oracle/evm';
import { buildContractConfig } from '../cli/oracle-config.js';
import { NodeMetrics } from '../metrics/node-metrics.js';
import type { ChainReader, ContractTransmitter, TransmitRequest } from '../ports/chain.js';
import type { Clock } from '../ports/clock.js';
import type { Store, StoreResult } from '../ports/store.js';
import type { InboundMessage, Transport } from '../ports/transport.js';
import { answerGuard, type FeedGuardSettings } from './feed-guard.js';
import { ocrContext, protocolConfig } from './ocr-context.js';
import { ProtocolInstance } from './protocol-instance.js';

const logger = createLogger({ service: 'protocol-instance-test', level: 'silent' });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock that moves only when told to. */
class ManualClock implements Clock {
  now = 1_700_000_000_000;
  #tasks: { at: number; fn: () => void }[] = [];
  nowMs(): number {
    return this.now;
  }
  after(afterMs: number, fn: () => void): () => void {
    const task = { at: this.now + afterMs, fn };
    this.#tasks.push(task);
    return () => (this.#tasks = this.#tasks.filter((t) => t !== task));
  }
  /** Moves time forward in steps, running what falls due and letting promises settle in between. */
  async advance(ms: number, stepMs = 10): Promise<void> {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      for (;;) {
        const due = this.#tasks.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        this.#tasks = this.#tasks.filter((t) => t !== due);
        due.fn();
      }
      await flush();
    }
  }
}

/** The parts of the Store an instance uses, in memory; `savePacemaker` can be replaced to delay or fail. */
class MemoryStore {
  readonly highest = new Map<string, { epoch: number; round: number }>();
  savePacemaker: () => Promise<StoreResult<void>> = async () => ok(undefined);
  asStore(): Store {
    const done = async (): Promise<StoreResult<void>> => ok(undefined);
    return {
      loadPacemakerState: async () => ok(undefined),
      highestSigned: async (digest: string) => ok(this.highest.get(digest)),
      pendingTransmissions: async () => ok([]),
      savePacemakerState: () => this.savePacemaker(),
      advanceHighestSigned: async (digest: string, at: { epoch: number; round: number }) => {
        const before = this.highest.get(digest);
        if (before && (before.epoch > at.epoch || (before.epoch === at.epoch && before.round >= at.round)))
          return ok(false);
        this.highest.set(digest, at);
        return ok(true);
      },
      savePendingTransmission: done,
      deletePendingTransmission: done,
    } as unknown as Store;
  }
}

/** Four oracles' keys and one real config (real crypto, real digest). */
function don() {
  const keys = Array.from({ length: 4 }, () => generateOracleKeys((n) => new Uint8Array(randomBytes(n))));
  const peerIds = keys.map((_, i) => `peer-${i}`);
  const contract = '0x' + '11'.repeat(20);
  const raw = buildContractConfig({
    oracles: keys.map((k, i) => ({ ...k.publicKeys(), peerId: peerIds[i] as string })),
    f: 1,
    deltaProgressMs: 3_000,
    deltaResendMs: 1_000,
    deltaRoundMs: 1_000,
    deltaGraceMs: 200,
    deltaStageMs: 500,
    rMax: 10,
    heartbeatSeconds: 3_600,
    deviationPpb: 1_000_000,
  });
  const parsed = parsePublicConfig(raw, { chainId: 1337n });
  if (!parsed.ok) throw new Error(parsed.error);
  const digest = configDigest(contract, 1n, raw).toLowerCase();
  return { keys, peerIds, contract, digest, publicConfig: parsed.value };
}

interface Harness {
  readonly instances: ProtocolInstance[];
  readonly sent: { from: number; to: string; tag: string }[];
  readonly transmitted: TransmitRequest[];
  readonly failures: string[];
  readonly metrics: NodeMetrics[];
  readonly clock: ManualClock;
  readonly stores: MemoryStore[];
  readonly world: ReturnType<typeof don>;
  /** Each instance's JSON log lines (only with `logs`). */
  readonly logs: Record<string, unknown>[][];
  /** What every data source reports, times 10^8 (each oracle adds its id). */
  readonly price: { value: bigint };
}

interface HarnessOptions {
  readonly connected?: boolean;
  readonly guard?: FeedGuardSettings;
  /** Age of the contract's answer (64 123.5) at the start; default 10 s (the heartbeat is 1 h). */
  readonly answerAgeMs?: number;
  /** Keep the instances' log lines. */
  readonly logs?: boolean;
}

function harness(options: HarnessOptions = {}): Harness {
  const world = don();
  const { keys, peerIds, contract, digest, publicConfig } = world;
  const clock = new ManualClock();
  const sent: Harness['sent'] = [];
  const transmitted: TransmitRequest[] = [];
  const failures: string[] = [];
  const instances: ProtocolInstance[] = [];
  const price = { value: 6_500_000_000_000n };
  const logs: Record<string, unknown>[][] = keys.map(() => []);
  const answeredAtMs = clock.now - (options.answerAgeMs ?? 10_000);
  const chain = {
    latestTransmissionDetails: async () => ({
      configDigest: digest,
      epoch: 0,
      round: 0,
      answer: 6_412_350_000_000n,
      timestampMs: answeredAtMs,
    }),
  } as unknown as ChainReader;
  const feed = {
    name: 'BTC / USD',
    pair: 'BTC/USD',
    decimals: 8,
    contract,
    ...(options.guard ? { guard: options.guard } : {}),
  };
  const stores = keys.map(() => new MemoryStore());
  const metrics = keys.map(() => new NodeMetrics());
  keys.forEach((k, me) => {
    const transport = {
      peerId: peerIds[me],
      send(to: string, tag: string, payload: Uint8Array) {
        sent.push({ from: me, to, tag });
        const target = instances[peerIds.indexOf(to)];
        const message: InboundMessage = { from: peerIds[me] as string, tag, payload };
        if (options.connected !== false) setImmediate(() => target?.deliver(message.from, message.payload));
        return true;
      },
    } as unknown as Transport;
    const transmitter: ContractTransmitter = {
      address: k.transmitterAddress,
      transmit: async (request) => {
        transmitted.push(request);
        return { status: 'confirmed', txHash: '0x01', gasUsed: 90_000n };
      },
    };
    const sharedSecret = decryptSharedSecret(
      publicConfig.sharedSecretEncryptions,
      me,
      k.reveal().configPrivateKey,
    );
    if (!sharedSecret.ok) throw new Error(sharedSecret.error);
    const membership = { oracleId: me, sharedSecret: sharedSecret.value };
    instances.push(
      new ProtocolInstance({
        feed,
        protocol: protocolConfig(digest, publicConfig, me, answerGuard(options.guard, feed.decimals)),
        ctx: ocrContext(digest, publicConfig, membership, k),
        peerIds,
        signers: publicConfig.oracles.map((o) => o.signer),
        ports: {
          clock,
          store: (stores[me] as MemoryStore).asStore(),
          transport,
          chain,
          transmitter,
          observer: { observe: async () => price.value + BigInt(me) },
        },
        metrics: metrics[me] as NodeMetrics,
        logger: options.logs
          ? createLogger({
              service: `oracle-${me}`,
              level: 'debug',
              destination: { write: (line) => logs[me]?.push(JSON.parse(line) as Record<string, unknown>) },
            })
          : logger,
        blockchainTimeoutMs: 1_000,
        onFailure: (reason) => failures.push(reason),
      }),
    );
  });
  return { instances, sent, transmitted, failures, metrics, clock, stores, world, logs, price };
}

describe('ProtocolInstance', () => {
  it('runs the real core between four instances until a correctly signed report is transmitted', async () => {
    const h = harness();
    await Promise.all(h.instances.map((i) => i.start()));
    for (let t = 0; t < 100 && h.transmitted.length === 0; t++) await h.clock.advance(100);
    const request = h.transmitted[0];
    expect(request).toBeDefined();
    const decoded = decodeReport(request!.report);
    expect(decoded.ok && decoded.value.context.configDigest).toBe(h.world.digest);
    const values = decoded.ok ? decoded.value.observations.map((o) => o.value) : [];
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values).toEqual([...values].sort((a, b) => (a < b ? -1 : 1)));
    const signers = request!.rs.map((r, i) =>
      recoverReportSigner(
        request!.report,
        concat([r, request!.ss[i] as string, dataSlice(request!.rawVs, i, i + 1)]),
      ),
    );
    const configured = h.world.publicConfig.oracles.map((o) => o.signer);
    expect(signers.length).toBeGreaterThanOrEqual(2);
    for (const signer of signers) expect(configured).toContain(signer);
    // Every transmitting node persisted its signing guard before its signature left.
    expect([...h.stores].filter((s) => s.highest.size > 0).length).toBeGreaterThanOrEqual(2);
    expect(h.failures).toEqual([]);
    h.instances.forEach((i) => i.stop());
  });

  it('sets the feed gauges from what the instance sees: answer, observation, epoch, round, leader', async () => {
    const h = harness();
    await Promise.all(h.instances.map((i) => i.start()));
    for (let t = 0; t < 100 && h.transmitted.length === 0; t++) await h.clock.advance(100);
    expect(h.transmitted.length).toBeGreaterThan(0);
    const status = (h.instances[1] as ProtocolInstance).status();
    const text = await (h.metrics[1] as NodeMetrics).registry.metrics();
    const feed = '{feed="BTC / USD"}';
    expect(text).toContain(`oracle_feed_answer${feed} 64123.5`);
    expect(text).toContain(`oracle_feed_answer_timestamp_seconds${feed} 1699999990`);
    // Oracle 1 observes 6_500_000_000_001 (8 decimals).
    expect(text).toContain(`oracle_feed_observation${feed} 65000.00000001`);
    expect(text).toContain(`oracle_feed_epoch${feed} ${status.epoch}`);
    expect(text).toContain(`oracle_feed_round${feed} ${status.round}`);
    expect(text).toContain(`oracle_feed_leader${feed} ${status.leader}`);
    expect(status.round).toBeGreaterThan(0);
    h.instances.forEach((i) => i.stop());
  });

  it('counts epoch changes after the start when the leader goes silent', async () => {
    const h = harness();
    await Promise.all(h.instances.map((i) => i.start()));
    for (let t = 0; t < 100 && h.transmitted.length === 0; t++) await h.clock.advance(100);
    const count = async (i: number): Promise<number> =>
      Number(
        /^oracle_epoch_changes_total\{feed="BTC \/ USD"\} (\d+)$/m.exec(
          await (h.metrics[i] as NodeMetrics).registry.metrics(),
        )?.[1] ?? 0,
      );
    const leader = (h.instances[0] as ProtocolInstance).status().leader;
    const follower = (leader + 1) % 4;
    const before = (h.instances[follower] as ProtocolInstance).status().epoch;
    const countedBefore = await count(follower);
    (h.instances[leader] as ProtocolInstance).stop();
    await h.clock.advance(10_000);
    const after = (h.instances[follower] as ProtocolInstance).status();
    expect(after.epoch).toBeGreaterThan(before);
    expect(after.leader).not.toBe(leader);
    expect((await count(follower)) - countedBefore).toBe(after.epoch - before);
    h.instances.forEach((i) => i.stop());
  });

  describe('with a feed guard', () => {
    const FEED = '{feed="BTC / USD"}';
    const TEN_X = 65_000_000_000_000n; // 650 000 at 8 decimals, against 64 123.5 on chain
    /** Runs the DON for `rounds` deltaRound periods (1 s each). */
    const run = async (h: Harness, rounds: number): Promise<void> => {
      for (let t = 0; t < rounds * 10; t++) await h.clock.advance(100);
    };
    const guardLines = (h: Harness, i: number) =>
      (h.logs[i] ?? []).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('Feed guard'));

    it('holds a 10x median for good, heartbeat due, with the gauge, one counted trip and one warning per node', async () => {
      // The on-chain answer is 2 h old: the heartbeat (1 h) asks for a report in every round.
      const h = harness({ guard: { maxChangePpb: 500_000_000 }, answerAgeMs: 7_200_000, logs: true });
      h.price.value = TEN_X;
      await Promise.all(h.instances.map((i) => i.start()));
      await run(h, 12);
      expect(h.transmitted).toEqual([]);
      expect(h.stores.every((s) => s.highest.size === 0)).toBe(true);
      for (const [i, instance] of h.instances.entries()) {
        const status = instance.status();
        expect(status.guard).toEqual({
          maxChangePpb: 500_000_000,
          held: {
            reason: 'max_change',
            // Each oracle observes the price plus its OracleID (in 1e-8): the median of any three.
            median: expect.stringMatching(/^650000\.0000000[12]$/),
            lastAnswer: '64123.5',
            sinceMs: expect.any(Number),
            detail: expect.stringMatching(
              /^median 650000\.0000000[12] is \+913\.67 % from the last on-chain answer 64123\.5 \(guard allows 50 %\)$/,
            ),
          },
        });
        const text = await (h.metrics[i] as NodeMetrics).registry.metrics();
        expect(text).toContain(`oracle_feed_guard_tripped${FEED} 1`);
        expect(
          Number(/^oracle_rounds_total\{feed="BTC \/ USD"\} (\d+)$/m.exec(text)?.[1]),
        ).toBeGreaterThanOrEqual(10);
        expect(text).toContain('oracle_feed_guard_trips_total{feed="BTC / USD",reason="max_change"} 1');
        expect(guardLines(h, i)).toEqual([
          expect.objectContaining({ level: 'warn', reason: 'max_change', lastAnswer: '64123.5' }),
        ]);
      }
      // A held round completes like one with nothing to report: no progress timeouts (3 s), only
      // the leader change after rMax = 10 rounds.
      expect(Math.max(...h.instances.map((i) => i.status().epoch))).toBeLessThanOrEqual(2);

      // The sources recover: the next round passes the guard and its report goes on chain.
      h.price.value = 6_500_000_000_000n;
      for (let t = 0; t < 100 && h.transmitted.length === 0; t++) await h.clock.advance(100);
      expect(h.transmitted.length).toBeGreaterThan(0);
      const decoded = decodeReport(h.transmitted[0]!.report);
      expect(decoded.ok && decoded.value.observations.every((o) => o.value < 6_600_000_000_000n)).toBe(true);
      await run(h, 2);
      for (const [i, instance] of h.instances.entries()) {
        expect(instance.status().guard).toEqual({ maxChangePpb: 500_000_000 });
        expect(await (h.metrics[i] as NodeMetrics).registry.metrics()).toContain(
          `oracle_feed_guard_tripped${FEED} 0`,
        );
        expect(guardLines(h, i).map((l) => l.level)).toEqual(['warn', 'info']);
      }
      expect(h.failures).toEqual([]);
      h.instances.forEach((i) => i.stop());
    });

    it('holds a median outside the band and says so in /status', async () => {
      const h = harness({ guard: { band: { min: '1000', max: '100000' } } });
      h.price.value = TEN_X;
      await Promise.all(h.instances.map((i) => i.start()));
      await run(h, 6);
      expect(h.transmitted).toEqual([]);
      expect(h.instances[2]!.status().guard?.held).toMatchObject({
        reason: 'band',
        detail: expect.stringMatching(
          /^median 650000\.0000000[12] is outside the guard band \[1000, 100000\]$/,
        ),
      });
      expect(await h.metrics[2]!.registry.metrics()).toContain(
        'oracle_feed_guard_trips_total{feed="BTC / USD",reason="band"} 1',
      );
      // A stopped instance (the node left the config, say) holds nothing.
      h.instances.forEach((i) => i.stop());
      expect(await h.metrics[2]!.registry.metrics()).toContain(
        'oracle_feed_guard_tripped{feed="BTC / USD"} 0',
      );
    });

    it('without a guard (the default) transmits the same 10x median; the gauge reads 0', async () => {
      const h = harness({ answerAgeMs: 7_200_000 });
      h.price.value = TEN_X;
      await Promise.all(h.instances.map((i) => i.start()));
      for (let t = 0; t < 100 && h.transmitted.length === 0; t++) await h.clock.advance(100);
      const decoded = decodeReport(h.transmitted[0]!.report);
      expect(decoded.ok && decoded.value.observations.every((o) => o.value >= TEN_X)).toBe(true);
      expect(h.instances[0]!.status().guard).toBeUndefined();
      const text = await h.metrics[0]!.registry.metrics();
      expect(text).toContain(`oracle_feed_guard_tripped${FEED} 0`);
      expect(text).not.toContain('oracle_feed_guard_trips_total{');
      h.instances.forEach((i) => i.stop());
    });
  });

  it('sends nothing of a step before its Persist effect completes', async () => {
    const h = harness({ connected: false });
    let release: (value: StoreResult<void>) => void = () => undefined;
    (h.stores[0] as MemoryStore).savePacemaker = () => new Promise((resolve) => (release = resolve));
    const instance = h.instances[0] as ProtocolInstance;
    await instance.start();
    await h.clock.advance(50);
    expect(h.sent.filter((s) => s.from === 0)).toEqual([]);
    release(ok(undefined));
    await flush();
    // First NEWEPOCH to the three other oracles, tagged with the config digest (then, if this
    // node leads epoch 1, its first ObserveReq).
    expect(h.sent.filter((s) => s.from === 0).slice(0, 3)).toEqual(
      h.world.peerIds.slice(1).map((to) => ({ from: 0, to, tag: h.world.digest })),
    );
    instance.stop();
  });

  it('drops the rest of a step and stops when a Persist fails', async () => {
    const h = harness({ connected: false });
    (h.stores[0] as MemoryStore).savePacemaker = async () => err({ kind: 'unavailable', message: 'db down' });
    const instance = h.instances[0] as ProtocolInstance;
    await instance.start();
    await h.clock.advance(2_000);
    expect(h.failures).toEqual(['could not persist pacemaker: db down']);
    expect(h.sent).toEqual([]);
    expect(instance.running).toBe(false);
  });

  it('drops and counts malformed messages and messages from outside the config', async () => {
    const h = harness({ connected: false });
    const instance = h.instances[0] as ProtocolInstance;
    await instance.start();
    instance.deliver(
      h.world.peerIds[1] as string,
      new TextEncoder().encode('{"type":"NewEpoch","epoch":-1}'),
    );
    instance.deliver(h.world.peerIds[2] as string, new Uint8Array([0xff, 0xfe]));
    instance.deliver('someone-else', new TextEncoder().encode('{"type":"NewEpoch","epoch":2}'));
    const text = await (h.metrics[0] as NodeMetrics).registry.metrics();
    expect(text).toContain('oracle_p2p_messages_dropped_total{direction="inbound",reason="malformed"} 2');
    expect(text).toContain(
      'oracle_p2p_messages_dropped_total{direction="inbound",reason="unknown-sender"} 1',
    );
    instance.stop();
  });
});
