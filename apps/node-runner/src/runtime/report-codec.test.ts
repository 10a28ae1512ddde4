import { randomBytes } from 'node:crypto';
import { getBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { encodeReport, generateOracleKeys, signReport } from '@oracle/evm';
import type { PendingTransmission } from '../ocr/index.js';
import { deserializePendingTransmission, serializePendingTransmission } from './report-codec.js';

const keys = Array.from({ length: 4 }, () => generateOracleKeys((n) => new Uint8Array(randomBytes(n))));
const signers = keys.map((k) => k.onchainSigningAddress);
const digest = '0x' + 'ab'.repeat(16);
const observations = [
  { observer: 2, value: 100n },
  { observer: 0, value: 101n },
  { observer: 3, value: 105n },
];
const report = encodeReport({ configDigest: digest, epoch: 7, round: 3 }, observations);
const signedBy = (i: number) => ({
  signer: i,
  signature: getBytes(signReport(report, keys[i]!.reveal().onchainSigningKey)),
});
const pending: PendingTransmission = {
  epoch: 7,
  round: 3,
  transmitAtMs: 1_700_000_000_000,
  median: 101n,
  report: { observations, signatures: [signedBy(3), signedBy(1)] },
};

describe('pending transmissions in the store form', () => {
  it('round-trips: observations from the report bytes, signer indices from the signatures', () => {
    const row = serializePendingTransmission(digest, pending);
    expect(row.serializedReport).toBe(report);
    expect(row.rs).toHaveLength(2);
    expect(deserializePendingTransmission(row, signers)).toEqual(pending);
  });

  it('drops a row whose signatures are not from the configured signers', () => {
    const row = serializePendingTransmission(digest, pending);
    expect(deserializePendingTransmission(row, [...signers].reverse().slice(0, 2))).toBeUndefined();
    expect(deserializePendingTransmission({ ...row, serializedReport: '0x1234' }, signers)).toBeUndefined();
  });
});
