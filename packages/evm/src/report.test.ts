import { computeAddress, dataLength, getBytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decodeReportContext, encodeReportContext, epochAndRound } from './report-context.js';
import { decodeReport, encodeReport, reportHash, reportMedian } from './report.js';
import { recoverReportSigner, signReport } from './report-signature.js';
import {
  encodeTransmitCalldata,
  expectedTransmitCalldataLength,
  TRANSMIT_SELECTOR,
  transmitArgs,
} from './transmit.js';

const context = { configDigest: '0x18b4601c2db5044ff26fff23f7c04555', epoch: 1, round: 2 };
const observations = [
  { observer: 2, value: -5n },
  { observer: 0, value: 6_543_212_345_678n },
  { observer: 3, value: 6_543_212_345_679n },
  { observer: 1, value: 7_000_000_000_000n },
];
const GOLDEN_REPORT =
  '0x' +
  [
    '000000000000000000000018b4601c2db5044ff26fff23f7c0455500000001' + '02', // context: 11 zero bytes, digest, epoch, round
    '0200030100000000000000000000000000000000000000000000000000000000', // observers 2, 0, 3, 1
    '0000000000000000000000000000000000000000000000000000000000000060', // offset of observations
    '0000000000000000000000000000000000000000000000000000000000000004',
    'fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffb', // -5, sign-extended
    '000000000000000000000000000000000000000000000000000005f375d8f94e',
    '000000000000000000000000000000000000000000000000000005f375d8f94f',
    '0000000000000000000000000000000000000000000000000000065dd0837000',
  ].join('');
const GOLDEN_HASH = '0x98ca5aa0ad33a19b9131225f6e3f0ac3dd2d03d3d0a89fe794af37f9ce44af4b';
// anvil's well-known account 0: a public test key.
const SIGNING_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const GOLDEN_SIGNATURE =
  '0xfdaa626e50718a471d573140f6bcc12474214419e24418ecb885ff27dc6533ab' +
  '2bdbb9b169c46a6813729881b1662d24087e4d85a6248732e58351bd7d3c034e' +
  '01';

describe('report context', () => {
  it('lays out 11 zero bytes, digest, epoch BE, round', () => {
    expect(encodeReportContext({ ...context, epoch: 0x01020304, round: 0xff })).toBe(
      '0x000000000000000000000018b4601c2db5044ff26fff23f7c0455501020304ff',
    );
    expect(decodeReportContext(encodeReportContext(context))).toEqual(context);
    expect(epochAndRound({ epoch: 3, round: 7 })).toBe(3n * 256n + 7n);
  });

  it('rejects values that do not fit', () => {
    expect(() => encodeReportContext({ ...context, round: 256 })).toThrow(/uint8/);
    expect(() => encodeReportContext({ ...context, epoch: -1 })).toThrow(/uint32/);
    expect(() => encodeReportContext({ ...context, configDigest: '0x1234' })).toThrow(/16 bytes/);
  });
});

describe('report', () => {
  it('encodes the golden report, 128 + 32·k bytes', () => {
    const report = encodeReport(context, observations);
    expect(report).toBe(GOLDEN_REPORT);
    expect(dataLength(report)).toBe(256);
    expect(reportHash(report)).toBe(GOLDEN_HASH);
  });

  it('decodes what it encodes and takes observations[k/2] as the median', () => {
    expect(decodeReport(GOLDEN_REPORT)).toEqual({ ok: true, value: { context, observations } });
    expect(reportMedian(observations)).toBe(6_543_212_345_679n);
    expect(reportMedian(observations.slice(0, 3))).toBe(6_543_212_345_678n);
    expect(decodeReport('0xdeadbeef').ok).toBe(false);
  });

  it('refuses values outside int192 and observers that are not bytes', () => {
    expect(() => encodeReport(context, [{ observer: 0, value: 1n << 191n }])).toThrow(/int192/);
    expect(() => encodeReport(context, [{ observer: 256, value: 1n }])).toThrow(/byte/);
    expect(() => encodeReport(context, [{ observer: 0, value: -(1n << 191n) }])).not.toThrow();
  });
});

describe('report signatures', () => {
  it('signs keccak256(report) without prefix; RFC 6979 makes the signature a golden value', () => {
    const signature = signReport(GOLDEN_REPORT, SIGNING_KEY);
    expect(signature).toBe(GOLDEN_SIGNATURE);
    expect(getBytes(signature)[64]).toBeLessThanOrEqual(1);
    expect(recoverReportSigner(GOLDEN_REPORT, signature)).toBe(computeAddress(SIGNING_KEY));
  });

  it('recovers someone else for another report, and nothing for malformed signatures', () => {
    const other = encodeReport({ ...context, round: 3 }, observations);
    expect(recoverReportSigner(other, GOLDEN_SIGNATURE)).not.toBe(computeAddress(SIGNING_KEY));
    expect(recoverReportSigner(GOLDEN_REPORT, GOLDEN_SIGNATURE.slice(0, -2) + '1b')).toBeUndefined();
    expect(recoverReportSigner(GOLDEN_REPORT, '0x1234')).toBeUndefined();
  });
});

describe('transmit arguments', () => {
  it('splits signatures into rs, ss and rawVs and produces the 612-byte calldata of n = 4, f = 1', () => {
    const keys = ['0x' + '11'.repeat(32), '0x' + '22'.repeat(32)];
    const signatures = keys.map((k) => signReport(GOLDEN_REPORT, k));
    const args = transmitArgs(GOLDEN_REPORT, signatures);
    expect(args.rs).toEqual(signatures.map((s) => s.slice(0, 66)));
    expect(args.ss).toEqual(signatures.map((s) => '0x' + s.slice(66, 130)));
    expect(args.rawVs).toBe('0x' + signatures.map((s) => s.slice(130)).join('') + '00'.repeat(30));
    const calldata = encodeTransmitCalldata(args);
    expect(calldata.slice(0, 10)).toBe(TRANSMIT_SELECTOR);
    expect(dataLength(calldata)).toBe(612);
    expect(expectedTransmitCalldataLength(256, 2)).toBe(612);
  });

  it('rejects signatures of the wrong length', () => {
    expect(() => transmitArgs(GOLDEN_REPORT, ['0x1234'])).toThrow(/65 bytes/);
  });
});
