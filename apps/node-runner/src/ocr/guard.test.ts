import { describe, expect, it } from 'vitest';
import { configProblems } from './config.js';
import {
  attested,
  chainState,
  Driver,
  fakeContext,
  ofType,
  signedObservations,
  testConfig,
  withoutLogs,
} from './fixtures/harness.js';
import { changeExceeds, checkGuard, guardReference, type AnswerGuard } from './guard.js';
import type { Message } from './messages.js';

const PPB = 1_000_000_000n;
const HALF = PPB / 2n; // 50 %

describe('changeExceeds', () => {
  it('compares |value − reference| / |reference| with the limit exactly, the limit itself allowed', () => {
    expect(changeExceeds(150n, 100n, HALF)).toBe(false);
    expect(changeExceeds(151n, 100n, HALF)).toBe(true);
    expect(changeExceeds(50n, 100n, HALF)).toBe(false);
    expect(changeExceeds(49n, 100n, HALF)).toBe(true);
    // One unit in 10^18 beyond the limit is seen: no floating point.
    expect(changeExceeds(1_500_000_000_000_000_001n, 10n ** 18n, HALF)).toBe(true);
    expect(changeExceeds(1_500_000_000_000_000_000n, 10n ** 18n, HALF)).toBe(false);
  });

  it('measures against the magnitude of a negative reference, and not at all from zero', () => {
    expect(changeExceeds(-150n, -100n, HALF)).toBe(false);
    expect(changeExceeds(-151n, -100n, HALF)).toBe(true);
    expect(changeExceeds(10n ** 30n, 0n, 1n)).toBe(false);
  });
});

describe('checkGuard', () => {
  const band: AnswerGuard = { band: { min: 1_000n, max: 2_000n } };
  const both: AnswerGuard = { maxChangePpb: HALF, band: { min: 1_000n, max: 100_000n } };

  it('trips on a median outside the band, its bounds included in it', () => {
    expect(checkGuard(band, 1_000n, 'none')).toEqual({ kind: 'pass' });
    expect(checkGuard(band, 2_000n, 'none')).toEqual({ kind: 'pass' });
    expect(checkGuard(band, 999n, 'none')).toEqual({ kind: 'trip', reason: 'band' });
    expect(checkGuard(band, 2_001n, 'none')).toEqual({ kind: 'trip', reason: 'band' });
  });

  it('trips on a change beyond maxChangePpb of the last on-chain answer, up or down', () => {
    const guard: AnswerGuard = { maxChangePpb: HALF };
    expect(checkGuard(guard, 65_000n, 65_000n)).toEqual({ kind: 'pass' });
    expect(checkGuard(guard, 650_000n, 65_000n)).toEqual({ kind: 'trip', reason: 'max_change' });
    expect(checkGuard(guard, 6_500n, 65_000n)).toEqual({ kind: 'trip', reason: 'max_change' });
  });

  it('checks the band first, and only the band while the contract has no answer yet', () => {
    expect(checkGuard(both, 200_000n, 1_000n)).toEqual({ kind: 'trip', reason: 'band' });
    expect(checkGuard(both, 90_000n, 'none')).toEqual({ kind: 'pass' });
    expect(checkGuard(both, 200_000n, 'none')).toEqual({ kind: 'trip', reason: 'band' });
  });

  it('cannot vouch for a change when the contract could not be read', () => {
    expect(checkGuard(both, 2_000n, 'unreadable')).toEqual({ kind: 'unknown' });
    expect(checkGuard(both, 200_000n, 'unreadable')).toEqual({ kind: 'trip', reason: 'band' });
    expect(checkGuard(band, 1_500n, 'unreadable')).toEqual({ kind: 'pass' });
  });

  it('takes the reference from the contract read: no answer before the first transmit (timestamp 0)', () => {
    expect(guardReference('timeout')).toBe('unreadable');
    expect(guardReference(chainState())).toBe('none');
    expect(guardReference(chainState({ answer: 7n, timestampMs: 1 }))).toBe(7n);
    // After a setConfig the contract's epoch and round restart at 0 but its answer stays.
    expect(guardReference(chainState({ epoch: 0, round: 0, answer: 7n, timestampMs: 5 }))).toBe(7n);
  });
});

describe('configProblems of a guard', () => {
  it('wants a positive max change and a band with min below max', () => {
    expect(configProblems(testConfig({ guard: { maxChangePpb: HALF, band: { min: 1n, max: 2n } } }))).toEqual(
      [],
    );
    expect(configProblems(testConfig({ guard: { maxChangePpb: 0n } }))).toEqual([
      'guard.maxChangePpb must be positive',
    ]);
    expect(configProblems(testConfig({ guard: { band: { min: 2n, max: 2n } } }))).toEqual([
      'guard.band.min must be below its max',
    ]);
  });
});

// Node 0 follows; the leader of epoch 1 is oracle 1. The contract's last answer is 65 000 (no
// decimals here), 10 minutes old: older than deltaC (1 minute), so the heartbeat wants a report.
const LEADER = 1;
const LAST = 65_000n;
const TEN_X = 650_000n;
const guarded = testConfig({ guard: { maxChangePpb: HALF } });

function reportReq(round: number, value: bigint): Message {
  return {
    type: 'ReportReq',
    epoch: 1,
    round,
    observations: signedObservations(1, round, [
      [0, value],
      [1, value],
      [2, value],
    ]),
  };
}

/** The follower's decision in `round` on observations all equal to `value`. */
function decide(node: Driver, round: number, value: bigint, answer = LAST) {
  node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round });
  node.receive(LEADER, reportReq(round, value));
  return node.answerChain(chainState({ epoch: 1, round: 0, answer, timestampMs: node.nowMs - 600_000 }));
}

describe('the guard in the follower', () => {
  it('without a guard (the default) signs a 10x median the heartbeat asks for', () => {
    const node = new Driver(testConfig());
    node.start();
    expect(ofType(decide(node, 1, TEN_X), 'Send').map((s) => s.message.type)).toEqual(['Report']);
    expect(node.state.guardTrip).toBeUndefined();
  });

  it('holds a 10x median: no signature although the heartbeat is due, and the round completes', () => {
    const node = new Driver(guarded);
    node.start();
    const effects = decide(node, 1, TEN_X);
    expect(ofType(effects, 'Send')).toEqual([]);
    expect(ofType(effects, 'Persist')).toEqual([]);
    expect(ofType(effects, 'SetTimer')).toEqual([
      { type: 'SetTimer', timer: { kind: 'progress' }, afterMs: guarded.deltaProgressMs },
    ]);
    expect(ofType(effects, 'Log')).toContainEqual(
      expect.objectContaining({
        msg: 'Decided whether to report',
        fields: expect.objectContaining({
          report: false,
          reasons: 'deviation,heartbeat',
          heldByGuard: 'max_change',
        }),
      }),
    );
    expect(node.state.highestSigned).toBeUndefined();
    expect(node.state.guardTrip).toEqual({
      reason: 'max_change',
      median: TEN_X,
      lastAnswer: LAST,
      sinceMs: node.nowMs,
    });
  });

  it('keeps the trip (and when it began) while it lasts, and clears it on the first median that passes', () => {
    const node = new Driver(guarded);
    node.start();
    const since = node.nowMs;
    decide(node, 1, TEN_X);
    node.nowMs += 1_000;
    decide(node, 2, TEN_X + 1n);
    expect(node.state.guardTrip).toMatchObject({ median: TEN_X + 1n, sinceMs: since });
    node.nowMs += 1_000;
    const effects = decide(node, 3, LAST + 100n);
    expect(ofType(effects, 'Send').map((s) => s.message.type)).toEqual(['Report']);
    expect(node.state.guardTrip).toBeUndefined();
  });

  it('lets a feed without an answer yet report on the band alone', () => {
    const node = new Driver(
      testConfig({ guard: { maxChangePpb: HALF, band: { min: 1_000n, max: 100_000n } } }),
    );
    node.start();
    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 1 });
    node.receive(LEADER, reportReq(1, TEN_X));
    node.answerChain(chainState());
    expect(ofType(node.effects, 'Send')).toEqual([]);
    expect(node.state.guardTrip).toMatchObject({ reason: 'band', median: TEN_X });
    expect(node.state.guardTrip?.lastAnswer).toBeUndefined();

    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 2 });
    node.receive(LEADER, reportReq(2, LAST));
    expect(ofType(node.answerChain(chainState()), 'Send').map((s) => s.message.type)).toEqual(['Report']);
    expect(node.state.guardTrip).toBeUndefined();
  });

  it('does not sign when the contract read times out and the change cannot be checked', () => {
    const node = new Driver(guarded);
    node.start();
    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 1 });
    node.receive(LEADER, reportReq(1, LAST));
    const effects = node.answerChain('timeout');
    expect(ofType(effects, 'Send')).toEqual([]);
    expect(ofType(effects, 'Log')).toContainEqual(
      expect.objectContaining({ fields: expect.objectContaining({ heldByGuard: 'unchecked' }) }),
    );
    expect(node.state.guardTrip).toBeUndefined();
  });
});

describe('the guard before transmitting', () => {
  const transmitter = (): Driver => {
    const node = new Driver(guarded, fakeContext(guarded, { transmissionDelayMs: () => 3_000 }));
    node.start();
    return node;
  };
  const observations = (median: bigint) =>
    [median - 1n, median, median + 1n].map((value, observer) => ({ observer, value }));
  /** A report other oracles (without the guard, say) finalized; the last step reads the chain. */
  function finalize(node: Driver, round: number, median: bigint) {
    const report = attested(1, round, observations(median), [1, 2]);
    node.receive(1, { type: 'ObserveReq', epoch: 1, round });
    node.receive(2, { type: 'FinalEcho', epoch: 1, round, report });
    node.receive(3, { type: 'FinalEcho', epoch: 1, round, report });
    return report;
  }
  const onChain = (answer: bigint) => chainState({ answer, timestampMs: 1 });

  it('does not accept a finalized report the guard holds, and records the trip', () => {
    const node = transmitter();
    finalize(node, 1, TEN_X);
    const effects = node.answerChain(onChain(LAST));
    expect(withoutLogs(effects)).toEqual([]);
    expect(ofType(effects, 'Log')).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'Not transmitting report: the feed guard holds it' }),
    );
    expect(node.state.transmission.latestAccepted).toBeUndefined();
    expect(node.state.guardTrip).toMatchObject({ reason: 'max_change', median: TEN_X });
  });

  it('re-checks against the contract when its stage comes', () => {
    const node = transmitter();
    finalize(node, 1, LAST + 10n);
    node.answerChain(onChain(LAST));
    node.nowMs += 3_000;
    node.fire({ kind: 'transmit', epoch: 1, round: 1 });
    // Meanwhile the contract's answer moved far away (another config's report, say).
    expect(withoutLogs(node.answerChain(onChain(LAST / 10n)))).toEqual([]);
    expect(node.state.guardTrip).toMatchObject({ reason: 'max_change', lastAnswer: LAST / 10n });
  });

  it('passes a plausible report, which does not clear a trip the follower recorded', () => {
    const node = transmitter();
    node.state = { ...node.state, guardTrip: { reason: 'band', median: 1n, sinceMs: 0 } };
    finalize(node, 1, LAST + 10n);
    expect(ofType(node.answerChain(onChain(LAST)), 'SetTimer')).toHaveLength(1);
    expect(node.state.guardTrip).toMatchObject({ reason: 'band' });
  });
});
