import { describe, expect, it } from 'vitest';
import {
  Driver,
  fakeContext,
  observationSignature,
  ofType,
  reportSignature,
  signedObservations,
  testConfig,
  withoutLogs,
} from './fixtures/harness.js';
import type { Message } from './messages.js';

function leaderNode(): Driver {
  const config = testConfig({ oracleId: 0 });
  const node = new Driver(config, fakeContext(config, { leader: () => 0 }));
  node.start();
  return node;
}

type ObserveMessage = Extract<Message, { type: 'Observe' }>;
type ReportMessage = Extract<Message, { type: 'Report' }>;

const observe = (from: number, round: number, value: bigint): ObserveMessage => ({
  type: 'Observe',
  epoch: 1,
  round,
  value,
  signature: observationSignature(from, 1, round, value),
});

describe('report generation, leader', () => {
  it('starts a round every deltaRound and stops after round rMax + 1', () => {
    const node = leaderNode();
    expect(ofType(node.effects, 'SetTimer')).toContainEqual({
      type: 'SetTimer',
      timer: { kind: 'round', epoch: 1 },
      afterMs: 4_000,
    });
    for (const round of [2, 3]) {
      expect(withoutLogs(node.fire({ kind: 'round', epoch: 1 }))).toEqual([
        { type: 'Broadcast', message: { type: 'ObserveReq', epoch: 1, round } },
        { type: 'SetTimer', timer: { kind: 'round', epoch: 1 }, afterMs: 4_000 },
      ]);
    }
    // Round rMax + 1 = 4 tells followers to change leader; no timer follows it.
    expect(withoutLogs(node.fire({ kind: 'round', epoch: 1 }))).toEqual([
      { type: 'Broadcast', message: { type: 'ObserveReq', epoch: 1, round: 4 } },
    ]);
    expect(withoutLogs(node.fire({ kind: 'round', epoch: 1 }))).toEqual([]);
    // A round timer of another epoch does nothing.
    expect(withoutLogs(node.fire({ kind: 'round', epoch: 7 }))).toEqual([]);
  });

  it('collects valid observations, starts grace after 2f+1, and sends them sorted', () => {
    const node = leaderNode();
    expect(withoutLogs(node.receive(1, observe(1, 1, 300n)))).toEqual([]);
    node.receive(2, { ...observe(2, 1, 100n), signature: observationSignature(3, 1, 1, 100n) }); // signed by someone else
    node.receive(2, observe(2, 1, 100n));
    node.receive(2, observe(2, 1, 999n)); // second observation from the same oracle
    node.receive(0, observe(0, 2, 5n)); // another round
    expect(node.state.reportGeneration.leaderState?.phase).toBe('observe');
    expect(withoutLogs(node.receive(0, observe(0, 1, 200n)))).toEqual([
      { type: 'SetTimer', timer: { kind: 'grace', epoch: 1, round: 1 }, afterMs: 500 },
    ]);
    node.receive(3, observe(3, 1, 100n)); // accepted during grace
    expect(withoutLogs(node.fire({ kind: 'grace', epoch: 1, round: 1 }))).toEqual([
      {
        type: 'Broadcast',
        message: {
          type: 'ReportReq',
          epoch: 1,
          round: 1,
          observations: signedObservations(1, 1, [
            [2, 100n],
            [3, 100n],
            [0, 200n],
            [1, 300n],
          ]),
        },
      },
    ]);
    expect(withoutLogs(node.receive(1, observe(1, 1, 300n)))).toEqual([]);
  });

  it('sends Final once f+1 followers signed the identical report', () => {
    const node = leaderNode();
    for (const [from, value] of [
      [0, 10n],
      [1, 20n],
      [2, 30n],
    ] as const) {
      node.receive(from, observe(from, 1, value));
    }
    node.fire({ kind: 'grace', epoch: 1, round: 1 });
    const list = signedObservations(1, 1, [
      [0, 10n],
      [1, 20n],
      [2, 30n],
    ]).map(({ observer, value }) => ({ observer, value }));
    const other = list.map((o) => (o.observer === 2 ? { ...o, value: 31n } : o));
    const report = (from: number, observations = list): ReportMessage => ({
      type: 'Report',
      epoch: 1,
      round: 1,
      observations,
      signature: reportSignature(from, 1, 1, observations),
    });
    expect(withoutLogs(node.receive(1, report(1)))).toEqual([]);
    expect(withoutLogs(node.receive(2, { ...report(2), signature: reportSignature(3, 1, 1, list) }))).toEqual(
      [],
    ); // forged
    expect(withoutLogs(node.receive(3, report(3, other)))).toEqual([]); // a different list does not count
    expect(withoutLogs(node.receive(2, report(2)))).toEqual([
      {
        type: 'Broadcast',
        message: {
          type: 'Final',
          epoch: 1,
          round: 1,
          report: {
            observations: list,
            signatures: [
              { signer: 1, signature: reportSignature(1, 1, 1, list) },
              { signer: 2, signature: reportSignature(2, 1, 1, list) },
            ],
          },
        },
      },
    ]);
    expect(node.state.reportGeneration.leaderState?.phase).toBe('final');
    expect(withoutLogs(node.receive(0, report(0)))).toEqual([]);
  });

  it('rejects a Report whose list the contract would reject, even if signed', () => {
    const node = leaderNode();
    for (const from of [0, 1, 2]) node.receive(from, observe(from, 1, 10n));
    node.fire({ kind: 'grace', epoch: 1, round: 1 });
    const unsorted = [
      { observer: 0, value: 30n },
      { observer: 1, value: 20n },
      { observer: 2, value: 10n },
    ];
    const effects = node.receive(1, {
      type: 'Report',
      epoch: 1,
      round: 1,
      observations: unsorted,
      signature: reportSignature(1, 1, 1, unsorted),
    });
    expect(ofType(effects, 'Log')).toMatchObject([
      { level: 'warn', fields: { problem: 'observations not sorted' } },
    ]);
    expect(node.state.reportGeneration.leaderState?.reports[1]).toBeUndefined();
  });

  it('drops leader messages when it does not lead the epoch', () => {
    const node = new Driver();
    node.start();
    expect(ofType(node.receive(2, observe(2, 1, 10n)), 'Log')).toMatchObject([{ level: 'warn' }]);
    expect(node.state.reportGeneration.leaderState).toBeUndefined();
  });
});
