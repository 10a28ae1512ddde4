import { describe, expect, it } from 'vitest';
import { chainState, Driver, fakeContext, ofType, testConfig, withoutLogs } from './fixtures/harness.js';

const pacemakerRecord = (epoch: number, highestSentEpoch: number, highestReceivedEpoch: number[]) => ({
  type: 'Persist',
  record: { kind: 'pacemaker', state: { epoch, highestSentEpoch, highestReceivedEpoch } },
});

describe('pacemaker', () => {
  it('starts in epoch 1: persists, reads the contract, arms the progress timer and votes', () => {
    const node = new Driver();
    expect(withoutLogs(node.start())).toEqual([
      pacemakerRecord(1, 1, [0, 0, 0, 0]),
      { type: 'ReadChain', requestId: 1 },
      { type: 'SetTimer', timer: { kind: 'progress' }, afterMs: 10_000 },
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 1 } },
      { type: 'SetTimer', timer: { kind: 'resend' }, afterMs: 5_000 },
    ]);
    expect(node.state.reportGeneration).toMatchObject({ epoch: 1, leader: 1, leaderState: undefined });
  });

  it('resumes from a sane restored state without persisting it again, and ignores a corrupt one', () => {
    const restored = { epoch: 5, highestSentEpoch: 6, highestReceivedEpoch: [6, 5, 5, 0] };
    const node = new Driver();
    const effects = node.start({ pacemaker: restored, pendingTransmissions: [] });
    expect(ofType(effects, 'Persist')).toEqual([]);
    expect(ofType(effects, 'Broadcast')).toEqual([
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 6 } },
    ]);
    expect(node.state.reportGeneration.epoch).toBe(5);

    const corrupt = new Driver();
    const corruptEffects = corrupt.start({
      pacemaker: { ...restored, highestSentEpoch: 4 },
      pendingTransmissions: [],
    });
    expect(corrupt.state.pacemaker.epoch).toBe(1);
    expect(
      ofType(corruptEffects, 'Log').some((l) => l.msg.includes('Ignoring restored pacemaker state')),
    ).toBe(true);
  });

  it("votes past the contract's epoch when the contract runs our config", () => {
    const node = new Driver();
    node.start();
    expect(withoutLogs(node.answerChain(chainState({ epoch: 5, round: 2 })))).toEqual([
      pacemakerRecord(1, 6, [0, 0, 0, 0]),
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 6 } },
      { type: 'SetTimer', timer: { kind: 'resend' }, afterMs: 5_000 },
    ]);

    const other = new Driver();
    other.start();
    expect(
      withoutLogs(other.answerChain(chainState({ configDigest: `0x${'ab'.repeat(16)}`, epoch: 5 }))),
    ).toEqual([]);
  });

  it('raises its vote to the (f+1)-th highest vote above it, and moves on 2f+1', () => {
    const node = new Driver();
    node.start();
    // One vote above ours could be a faulty node: record it, do nothing else.
    expect(withoutLogs(node.receive(2, { type: 'NewEpoch', epoch: 4 }))).toEqual([
      pacemakerRecord(1, 1, [0, 0, 4, 0]),
    ]);
    // Two (f+1) votes above ours: join the lower of them.
    expect(withoutLogs(node.receive(3, { type: 'NewEpoch', epoch: 3 }))).toEqual([
      pacemakerRecord(1, 3, [0, 0, 4, 3]),
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 3 } },
      { type: 'SetTimer', timer: { kind: 'resend' }, afterMs: 5_000 },
    ]);
    expect(node.state.pacemaker.epoch).toBe(1);
    // Three (2f+1) votes above the epoch: move to the third highest, 3; our vote rises to 4 (f+1-th of 9, 4).
    const effects = withoutLogs(node.receive(1, { type: 'NewEpoch', epoch: 9 }));
    expect(effects[0]).toEqual(pacemakerRecord(3, 4, [0, 9, 4, 3]));
    expect(effects).toContainEqual({ type: 'Broadcast', message: { type: 'NewEpoch', epoch: 4 } });
    expect(effects).toContainEqual({ type: 'SetTimer', timer: { kind: 'progress' }, afterMs: 10_000 });
    expect(node.state.reportGeneration).toMatchObject({ epoch: 3, leader: 3 });
  });

  it('ignores votes that are not higher than what the sender sent before', () => {
    const node = new Driver();
    node.start();
    node.receive(2, { type: 'NewEpoch', epoch: 4 });
    expect(withoutLogs(node.receive(2, { type: 'NewEpoch', epoch: 4 }))).toEqual([]);
    expect(withoutLogs(node.receive(2, { type: 'NewEpoch', epoch: 2 }))).toEqual([]);
    expect(withoutLogs(node.receive(7, { type: 'NewEpoch', epoch: 9 }))).toEqual([]);
  });

  it('votes for the next epoch when no round completes in deltaProgress', () => {
    const node = new Driver();
    node.start();
    expect(withoutLogs(node.fire({ kind: 'progress' }))).toEqual([
      pacemakerRecord(1, 2, [0, 0, 0, 0]),
      { type: 'CancelTimer', timer: { kind: 'progress' } },
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 2 } },
      { type: 'SetTimer', timer: { kind: 'resend' }, afterMs: 5_000 },
    ]);
    // Its own vote comes back through the runtime and counts once.
    expect(withoutLogs(node.loopback())).toEqual([pacemakerRecord(1, 2, [2, 0, 0, 0])]);
  });

  it('re-sends its current vote on the resend timer without persisting', () => {
    const node = new Driver();
    node.start();
    node.fire({ kind: 'progress' });
    expect(withoutLogs(node.fire({ kind: 'resend' }))).toEqual([
      { type: 'Broadcast', message: { type: 'NewEpoch', epoch: 2 } },
      { type: 'SetTimer', timer: { kind: 'resend' }, afterMs: 5_000 },
    ]);
  });

  it('buffers messages for a future epoch and replays them on arrival, dropping older ones', () => {
    const node = new Driver();
    node.start();
    expect(withoutLogs(node.receive(3, { type: 'ObserveReq', epoch: 3, round: 1 }))).toEqual([]);
    node.receive(3, { type: 'ObserveReq', epoch: 2, round: 1 });
    node.receive(1, { type: 'NewEpoch', epoch: 3 });
    node.receive(2, { type: 'NewEpoch', epoch: 3 });
    const effects = node.receive(3, { type: 'NewEpoch', epoch: 3 });
    expect(node.state.pacemaker.epoch).toBe(3);
    expect(ofType(effects, 'RequestObservation')).toEqual([
      { type: 'RequestObservation', epoch: 3, round: 1 },
    ]);
    expect(node.state.futureMessages.flat()).toEqual([]);
  });

  it('keeps at most 10 future messages per sender', () => {
    const node = new Driver();
    node.start();
    for (let round = 1; round <= 15; round++) node.receive(2, { type: 'ObserveReq', epoch: 50, round });
    expect(node.state.futureMessages[2]?.map((m) => m.type === 'ObserveReq' && m.round)).toEqual([
      6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
  });

  it('leads when Leader(e) is this node', () => {
    const config = testConfig();
    const node = new Driver(config, fakeContext(config, { leader: () => 0 }));
    expect(ofType(node.start(), 'Broadcast')).toContainEqual({
      type: 'Broadcast',
      message: { type: 'ObserveReq', epoch: 1, round: 1 },
    });
  });
});
