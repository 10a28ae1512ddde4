import { describe, expect, it } from 'vitest';
import {
  attested,
  chainState,
  Driver,
  observationSignature,
  ofType,
  reportSignature,
  signedObservations,
  testConfig,
  fakeContext,
  withoutLogs,
} from './fixtures/harness.js';
import type { Message } from './messages.js';
import type { AttributedSignedObservation } from './observation.js';

// Node 0 follows; the leader of epoch 1 is oracle 1.
const LEADER = 1;
const good = signedObservations(1, 1, [
  [0, 100n],
  [1, 200n],
  [2, 300n],
]);
const plain = good.map(({ observer, value }) => ({ observer, value }));
const reportReq = (observations: readonly AttributedSignedObservation[] = good, round = 1): Message => ({
  type: 'ReportReq',
  epoch: 1,
  round,
  observations,
});

/** A follower in round `round` of epoch 1. */
function follower(round = 1): Driver {
  const node = new Driver();
  node.start();
  node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round });
  return node;
}

/** A follower that got the ReportReq and whose chain read says the answer is stale. */
function signedFollower(): Driver {
  const node = follower();
  node.receive(LEADER, reportReq());
  node.answerChain(chainState({ epoch: 0, round: 0, answer: 1n, configDigest: `0x${'99'.repeat(16)}` }));
  return node;
}

describe('report generation, follower: observing', () => {
  it('observes when the leader asks, and sends its signed observation to the leader', () => {
    const node = new Driver();
    node.start();
    expect(withoutLogs(node.receive(2, { type: 'ObserveReq', epoch: 1, round: 1 }))).toEqual([]);
    expect(withoutLogs(node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 1 }))).toEqual([
      { type: 'RequestObservation', epoch: 1, round: 1 },
    ]);
    expect(withoutLogs(node.observe(1, 1, 123n))).toEqual([
      {
        type: 'Send',
        to: LEADER,
        message: {
          type: 'Observe',
          epoch: 1,
          round: 1,
          value: 123n,
          signature: observationSignature(0, 1, 1, 123n),
        },
      },
    ]);
    expect(withoutLogs(node.observe(1, 1, 124n))).toEqual([]);
  });

  it('sends nothing without a value or for a round that moved on', () => {
    const node = follower();
    expect(withoutLogs(node.observe(1, 1, undefined))).toEqual([]);
    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 2 });
    expect(withoutLogs(node.observe(1, 1, 5n))).toEqual([]);
    expect(withoutLogs(node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 2 }))).toEqual([]);
  });

  it('asks for a new leader at round rMax + 1 and ignores rounds beyond it', () => {
    const node = new Driver();
    node.start();
    expect(withoutLogs(node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 5 }))).toEqual([]);
    const effects = withoutLogs(node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 4 }));
    expect(effects).toContainEqual({ type: 'Broadcast', message: { type: 'NewEpoch', epoch: 2 } });
    expect(ofType(effects, 'RequestObservation')).toEqual([]);
  });
});

describe('report generation, follower: ReportReq', () => {
  const swap = <T>(list: readonly T[], i: number, j: number): T[] => {
    const copy = [...list];
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    return copy;
  };
  const invalid: [string, Message, number?][] = [
    ['unsorted', reportReq(swap(good, 0, 2))],
    [
      'a repeated observer',
      reportReq([...good.slice(0, 2), { ...good[1]!, signature: observationSignature(1, 1, 1, 200n) }]),
    ],
    [
      'an observer out of range',
      reportReq([
        ...good.slice(0, 2),
        { observer: 4, value: 300n, signature: observationSignature(4, 1, 1, 300n) },
      ]),
    ],
    ['only 2f observations', reportReq(good.slice(0, 2))],
    ['a bad observation signature', reportReq([...good.slice(0, 2), { ...good[2]!, value: 301n }])],
    [
      'a signature from another round',
      reportReq(
        signedObservations(1, 2, [
          [0, 1n],
          [1, 2n],
          [2, 3n],
        ]),
      ),
    ],
    ['another round', reportReq(good, 2)],
    ['a non-leader', reportReq(), 2],
  ];

  it.each(invalid)('rejects a ReportReq with %s', (_name, message, from = LEADER) => {
    const node = follower();
    expect(ofType(node.receive(from, message), 'ReadChain')).toEqual([]);
    expect(node.state.reportGeneration.follower.reportStatus).toBe('awaitingRequest');
  });

  it('reads the contract, then persists the signed round before sending its signature', () => {
    const node = follower();
    expect(ofType(node.receive(LEADER, reportReq()), 'ReadChain')).toHaveLength(1);
    const effects = withoutLogs(node.answerChain(chainState({ epoch: 0, round: 0, answer: 0n })));
    expect(effects).toEqual([
      { type: 'Persist', record: { kind: 'highestSigned', epochRound: { epoch: 1, round: 1 } } },
      {
        type: 'Send',
        to: LEADER,
        message: {
          type: 'Report',
          epoch: 1,
          round: 1,
          observations: plain,
          signature: reportSignature(0, 1, 1, plain),
        },
      },
    ]);
  });

  it('takes only the first ReportReq of a round (an equivocating leader gets one signature)', () => {
    const node = signedFollower();
    const other = signedObservations(1, 1, [
      [1, 200n],
      [2, 300n],
      [3, 400n],
    ]);
    expect(withoutLogs(node.receive(LEADER, reportReq(other)))).toEqual([]);
  });

  it('completes the round without signing when there is nothing to report', () => {
    const node = follower();
    node.receive(LEADER, reportReq());
    const effects = withoutLogs(
      node.answerChain(chainState({ epoch: 1, round: 0, answer: 200n, timestampMs: node.nowMs })),
    );
    expect(effects).toEqual([{ type: 'SetTimer', timer: { kind: 'progress' }, afterMs: 10_000 }]);
    expect(node.state.highestSigned).toBeUndefined();
    expect(node.state.reportGeneration.follower.completed).toBe(true);
  });

  it('never signs at or below a restored highest signed round, even in a fresh round counter', () => {
    const node = new Driver();
    node.start({ highestSigned: { epoch: 1, round: 1 }, pendingTransmissions: [] });
    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 1 });
    expect(ofType(node.receive(LEADER, reportReq()), 'ReadChain')).toEqual([]);

    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 2 });
    const next = signedObservations(1, 2, [
      [0, 1n],
      [1, 2n],
      [2, 3n],
    ]);
    node.receive(LEADER, reportReq(next, 2));
    const effects = node.answerChain('timeout');
    expect(ofType(effects, 'Persist')).toEqual([
      { type: 'Persist', record: { kind: 'highestSigned', epochRound: { epoch: 1, round: 2 } } },
    ]);
    expect(ofType(effects, 'Send')).toHaveLength(1);
  });
});

describe('report generation, follower: Final and FinalEcho', () => {
  const final = (report = attested(1, 1, plain, [0, 2])): Message => ({
    type: 'Final',
    epoch: 1,
    round: 1,
    report,
  });
  const echo = (report = attested(1, 1, plain, [0, 2])): Message => ({
    type: 'FinalEcho',
    epoch: 1,
    round: 1,
    report,
  });

  const badReports: [string, ReturnType<typeof attested>][] = [
    ['f signatures', attested(1, 1, plain, [2])],
    ['a repeated signer', attested(1, 1, plain, [2, 2])],
    [
      'a signer out of range',
      {
        ...attested(1, 1, plain, [2]),
        signatures: [...attested(1, 1, plain, [2]).signatures, { signer: 9, signature: new Uint8Array(16) }],
      },
    ],
    [
      'a signature over another report',
      { observations: plain, signatures: attested(1, 1, plain.slice(0, 2), [0, 2]).signatures },
    ],
    ['too few observations', attested(1, 1, plain.slice(0, 2), [0, 2])],
    ['unsorted observations', attested(1, 1, [...plain].reverse(), [0, 2])],
  ];

  it.each(badReports)('rejects a Final with %s', (_name, report) => {
    const node = signedFollower();
    expect(ofType(node.receive(LEADER, final(report)), 'Broadcast')).toEqual([]);
    expect(node.state.reportGeneration.follower.sentEcho).toBeUndefined();
  });

  it('echoes a valid Final from the leader once', () => {
    const node = signedFollower();
    expect(withoutLogs(node.receive(2, final()))).toEqual([]);
    expect(withoutLogs(node.receive(LEADER, final()))).toEqual([{ type: 'Broadcast', message: echo() }]);
    expect(withoutLogs(node.receive(LEADER, final()))).toEqual([]);
  });

  it('adopts and re-broadcasts the first valid echo, and hands the report on after f+1 echoes', () => {
    const node = signedFollower();
    expect(withoutLogs(node.receive(3, echo()))).toEqual([{ type: 'Broadcast', message: echo() }]);
    expect(withoutLogs(node.receive(3, echo()))).toEqual([]);
    expect(withoutLogs(node.receive(2, echo(attested(1, 1, plain, [2]))))).toEqual([]);
    const effects = withoutLogs(node.receive(2, echo()));
    expect(effects).toEqual([
      { type: 'ReadChain', requestId: 3 },
      { type: 'SetTimer', timer: { kind: 'progress' }, afterMs: 10_000 },
    ]);
    expect(node.state.chainReads.at(-1)?.purpose).toEqual({
      kind: 'acceptReport',
      epoch: 1,
      round: 1,
      report: attested(1, 1, plain, [0, 2]),
    });
    expect(withoutLogs(node.receive(0, echo()))).toEqual([]);
  });

  it('verifies the signatures of a report once per round, not once per identical echo', () => {
    const config = testConfig();
    const ctx = fakeContext(config);
    let verifications = 0;
    const counting = {
      ...ctx,
      verifyReportSignature: (...args: Parameters<typeof ctx.verifyReportSignature>) => {
        verifications++;
        return ctx.verifyReportSignature(...args);
      },
    };
    const node = new Driver(config, counting);
    node.start();
    node.receive(LEADER, { type: 'ObserveReq', epoch: 1, round: 1 });
    node.receive(LEADER, final());
    expect(verifications).toBe(2);
    node.receive(2, echo());
    node.receive(3, echo());
    expect(verifications).toBe(2);
    expect(node.state.reportGeneration.follower.completed).toBe(true);
  });
});
