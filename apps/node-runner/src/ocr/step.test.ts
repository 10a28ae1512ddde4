import { describe, expect, it } from 'vitest';
import {
  attested,
  chainState,
  Driver,
  fakeContext,
  observationSignature,
  ofType,
  reportSignature,
  testConfig,
  withoutLogs,
} from './fixtures/harness.js';
import type { Effect } from './effects.js';
import type { OcrEvent } from './events.js';
import { initialState, type OcrState } from './state.js';
import { step } from './step.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Node 0 leads epoch 1 of four; it plays a whole round, with every state frozen before each step. */
function leaderRound(): { states: OcrState[]; steps: Effect[][] } {
  const config = testConfig();
  const ctx = fakeContext(config, { leader: () => 0 });
  let state = initialState(config);
  const states: OcrState[] = [];
  const steps: Effect[][] = [];
  const apply = (event: OcrEvent): Effect[] => {
    states.push(deepFreeze(state));
    const result = step(state, event, ctx);
    state = result.state;
    steps.push([...result.effects]);
    return [...result.effects];
  };
  const nowMs = 0;
  const receive = (from: number, message: Extract<OcrEvent, { type: 'MessageReceived' }>['message']) =>
    apply({ type: 'MessageReceived', nowMs, from, message });
  apply({ type: 'Started', nowMs, restored: { pendingTransmissions: [] } });
  receive(0, { type: 'NewEpoch', epoch: 1 });
  receive(0, { type: 'ObserveReq', epoch: 1, round: 1 });
  apply({ type: 'ObservationReady', nowMs, epoch: 1, round: 1, value: 10n });
  for (const [from, value] of [
    [0, 10n],
    [1, 20n],
    [2, 30n],
  ] as const) {
    receive(from, {
      type: 'Observe',
      epoch: 1,
      round: 1,
      value,
      signature: observationSignature(from, 1, 1, value),
    });
  }
  const [reportReq] = ofType(
    apply({ type: 'TimerFired', nowMs, timer: { kind: 'grace', epoch: 1, round: 1 } }),
    'Broadcast',
  );
  if (!reportReq) throw new Error('no ReportReq');
  const readChain = ofType(receive(0, reportReq.message), 'ReadChain')[0];
  apply({
    type: 'ChainStateRead',
    nowMs,
    requestId: readChain?.requestId ?? -1,
    latestTransmission: chainState(),
  });
  const list = [10n, 20n, 30n].map((value, observer) => ({ observer, value }));
  for (const from of [0, 1])
    receive(from, {
      type: 'Report',
      epoch: 1,
      round: 1,
      observations: list,
      signature: reportSignature(from, 1, 1, list),
    });
  const report = attested(1, 1, list, [0, 1]);
  receive(0, { type: 'Final', epoch: 1, round: 1, report });
  let accept: Effect[] = [];
  for (const from of [0, 1]) accept = receive(from, { type: 'FinalEcho', epoch: 1, round: 1, report });
  const acceptRead = ofType(accept, 'ReadChain')[0];
  apply({
    type: 'ChainStateRead',
    nowMs,
    requestId: acceptRead?.requestId ?? -1,
    latestTransmission: chainState(),
  });
  return { states, steps };
}

describe('step', () => {
  it('never modifies the state it is given', () => {
    const { states, steps } = leaderRound();
    expect(states.length).toBeGreaterThan(10);
    // The round went all the way: the last step scheduled the transmission.
    expect(ofType(steps.at(-1) ?? [], 'SetTimer')).toEqual([
      { type: 'SetTimer', timer: { kind: 'transmit', epoch: 1, round: 1 }, afterMs: 0 },
    ]);
  });

  it('puts Persist effects before all others in every step', () => {
    const { steps } = leaderRound();
    const withPersist = steps.filter((effects) => effects.some((e) => e.type === 'Persist'));
    expect(withPersist.length).toBe(4);
    for (const effects of steps) {
      const persists = effects.filter((e) => e.type === 'Persist').length;
      expect(effects.slice(0, persists).every((e) => e.type === 'Persist')).toBe(true);
    }
  });

  it('ignores everything before Started, and a second Started', () => {
    const node = new Driver();
    const before = node.state;
    expect(withoutLogs(node.receive(1, { type: 'NewEpoch', epoch: 5 }))).toEqual([]);
    expect(node.state).toBe(before);
    node.start();
    const started = node.state;
    expect(withoutLogs(node.start())).toEqual([]);
    expect(node.state).toBe(started);
  });

  it('drops messages from oracles outside the config and unknown chain answers', () => {
    const node = new Driver();
    node.start();
    const state = node.state;
    expect(ofType(node.receive(4, { type: 'NewEpoch', epoch: 5 }), 'Log')).toMatchObject([{ level: 'warn' }]);
    expect(
      ofType(
        node.apply({ type: 'ChainStateRead', nowMs: 0, requestId: 99, latestTransmission: 'timeout' }),
        'Log',
      ),
    ).toMatchObject([{ level: 'warn' }]);
    expect(node.state).toBe(state);
  });

  it('refuses to guess around a corrupt signing guard', () => {
    const node = new Driver();
    expect(() => node.start({ highestSigned: { epoch: -1, round: 0 }, pendingTransmissions: [] })).toThrow(
      /malformed/,
    );
  });

  it('is deterministic: the same events give the same effects', () => {
    const a = leaderRound();
    const b = leaderRound();
    expect(b.steps).toEqual(a.steps);
  });
});
