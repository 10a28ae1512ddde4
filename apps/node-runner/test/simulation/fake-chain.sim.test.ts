import { describe, expect, it } from 'vitest';
import type { AttributedObservation, ProtocolConfig } from '../../src/ocr/index.js';
import { FakeChain, type TransmitCall } from './fake-chain.js';
import { Prng } from './prng.js';
import { evmCrypto } from './sim-crypto.js';

// The invariants trust the fake contract to reject what OffchainAggregator rejects; check it with real signatures.
const DIGEST = '0x0102030405060708090a0b0c0d0e0f10';
const config: ProtocolConfig = {
  configDigest: DIGEST,
  n: 4,
  f: 1,
  oracleId: 0,
  deltaProgressMs: 3_000,
  deltaResendMs: 1_500,
  deltaRoundMs: 1_000,
  deltaGraceMs: 200,
  deltaStageMs: 600,
  deltaCMs: 8_000,
  rMax: 5,
  s: [1, 1, 1, 1],
  alphaPpb: 0n,
};
const crypto = evmCrypto(config, new Prng(7));
const chain = (): FakeChain =>
  new FakeChain({ configDigest: DIGEST, n: 4, f: 1, minAnswer: 1n, maxAnswer: 1_000n }, crypto.recoverSigner);
const obs = (...values: bigint[]): AttributedObservation[] =>
  values.map((value, observer) => ({ observer, value }));
const sign = (
  signers: number[],
  observations: readonly AttributedObservation[],
  epoch = 1,
  round = 1,
): Uint8Array[] => signers.map((id) => crypto.contextFor(id).signReport(epoch, round, observations));

function call(overrides: Partial<TransmitCall> = {}): TransmitCall {
  const observations = overrides.observations ?? obs(10n, 20n, 30n);
  return {
    transmitter: 0,
    configDigest: DIGEST,
    epoch: 1,
    round: 1,
    observations,
    signatures: sign([0, 1], observations),
    ...overrides,
  };
}

describe('fake OCR1 contract', () => {
  it('accepts a valid report and stores its median with the block time', () => {
    const c = chain();
    expect(c.transmit(call(), 5_000)).toEqual({ ok: true });
    expect(c.latestTransmission()).toEqual({
      configDigest: DIGEST,
      epoch: 1,
      round: 1,
      answer: 20n,
      timestampMs: 5_000,
    });
  });

  const unsorted = obs(30n, 20n, 10n);
  const repeated = [...obs(10n, 20n), { observer: 1, value: 30n }];
  const rejections: [string, Partial<TransmitCall>][] = [
    ['configDigest mismatch', { configDigest: `0x${'00'.repeat(16)}` }],
    ['stale report', { epoch: 0, round: 0 }],
    ['not enough signatures', { signatures: sign([0], obs(10n, 20n, 30n)) }],
    [
      'too few values to trust median',
      { observations: obs(10n, 20n), signatures: sign([0, 1], obs(10n, 20n)) },
    ],
    ['observer index repeated', { observations: repeated, signatures: sign([0, 1], repeated) }],
    ['unauthorized transmitter', { transmitter: 4 }],
    [
      'address not authorized to sign',
      { signatures: [...sign([0], obs(10n, 20n, 30n)), ...sign([1], obs(10n, 20n, 31n))] },
    ],
    ['non-unique signature', { signatures: sign([2, 2], obs(10n, 20n, 30n)) }],
    ['observations not sorted', { observations: unsorted, signatures: sign([0, 1], unsorted) }],
    [
      'median is out of min-max range',
      { observations: obs(10n, 2_000n, 3_000n), signatures: sign([0, 1], obs(10n, 2_000n, 3_000n)) },
    ],
  ];

  it.each(rejections)('reverts with "%s"', (reason, overrides) => {
    const c = chain();
    expect(c.transmit(call(overrides), 0)).toEqual({ ok: false, reason });
    expect(c.accepted).toEqual([]);
  });

  it('accepts each (epoch, round) once, in increasing order', () => {
    const c = chain();
    expect(c.transmit(call(), 0).ok).toBe(true);
    expect(c.transmit(call(), 1)).toEqual({ ok: false, reason: 'stale report' });
    const later = obs(11n, 21n, 31n);
    expect(
      c.transmit(call({ epoch: 2, round: 0, observations: later, signatures: sign([2, 3], later, 2, 0) }), 2)
        .ok,
    ).toBe(true);
    expect(c.accepted.map((a) => [a.epoch, a.round])).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });
});
