import { describe, expect, it } from 'vitest';
import { attested, signedObservations } from './fixtures/harness.js';
import { decodeMessage, encodeMessage, MAX_MESSAGE_BYTES, type Message } from './messages.js';
import { INT192_MAX, INT192_MIN } from './observation.js';

const text = new TextEncoder();
const decodeJson = (value: unknown) => decodeMessage(text.encode(JSON.stringify(value)));

describe('message wire format', () => {
  const observations = signedObservations(7, 2, [
    [0, 10n],
    [1, INT192_MIN],
    [3, INT192_MAX],
  ]);
  const plain = observations.map(({ observer, value }) => ({ observer, value }));
  const messages: Message[] = [
    { type: 'NewEpoch', epoch: 0xffff_ffff },
    { type: 'ObserveReq', epoch: 7, round: 255 },
    { type: 'Observe', epoch: 7, round: 2, value: -5n, signature: new Uint8Array([0, 1, 255]) },
    { type: 'ReportReq', epoch: 7, round: 2, observations },
    { type: 'Report', epoch: 7, round: 2, observations: plain, signature: new Uint8Array(65).fill(9) },
    { type: 'Final', epoch: 7, round: 2, report: attested(7, 2, plain, [0, 3]) },
    { type: 'FinalEcho', epoch: 7, round: 2, report: attested(7, 2, plain, [1, 2]) },
  ];

  it.each(messages)('round-trips $type', (message) => {
    const decoded = decodeMessage(encodeMessage(message));
    expect(decoded).toEqual({ ok: true, value: message });
  });

  it('rejects bytes that are not a message, without throwing', () => {
    expect(decodeMessage(new Uint8Array([0xff, 0xfe, 0x00]))).toEqual({
      ok: false,
      error: { reason: 'not-utf8' },
    });
    expect(decodeMessage(text.encode('{"type":'))).toEqual({ ok: false, error: { reason: 'not-json' } });
    expect(decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1))).toEqual({
      ok: false,
      error: { reason: 'too-large', bytes: MAX_MESSAGE_BYTES + 1 },
    });
  });

  const valid = { type: 'Observe', epoch: 1, round: 1, value: '5', signature: '0xabcd' };
  const invalid: [string, unknown][] = [
    ['a bare number', 42],
    ['null', null],
    ['an unknown type', { ...valid, type: 'Hello' }],
    ['a missing field', { type: 'Observe', epoch: 1, round: 1, value: '5' }],
    ['an extra field', { ...valid, from: 3 }],
    ['a negative epoch', { ...valid, epoch: -1 }],
    ['a fractional epoch', { ...valid, epoch: 1.5 }],
    ['an epoch beyond uint32', { ...valid, epoch: 2 ** 32 }],
    ['a round beyond uint8', { ...valid, round: 256 }],
    ['a value as a JSON number', { ...valid, value: 5 }],
    ['a decimal value', { ...valid, value: '1.5' }],
    ['a value with a leading zero', { ...valid, value: '05' }],
    ['a value beyond int192', { ...valid, value: (INT192_MAX + 1n).toString() }],
    ['a value below int192', { ...valid, value: (INT192_MIN - 1n).toString() }],
    ['odd-length hex', { ...valid, signature: '0xabc' }],
    ['upper-case hex', { ...valid, signature: '0xABCD' }],
    ['empty signature', { ...valid, signature: '0x' }],
    ['an oversized signature', { ...valid, signature: `0x${'00'.repeat(129)}` }],
    [
      'an observer beyond 30',
      { type: 'Report', epoch: 1, round: 1, observations: [{ observer: 31, value: '1' }], signature: '0x00' },
    ],
    [
      'more than 31 observations',
      {
        type: 'Report',
        epoch: 1,
        round: 1,
        observations: Array.from({ length: 32 }, () => ({ observer: 0, value: '1' })),
        signature: '0x00',
      },
    ],
    ['a Final without signatures', { type: 'Final', epoch: 1, round: 1, report: { observations: [] } }],
  ];

  it.each(invalid)('rejects %s', (_name, value) => {
    const decoded = decodeJson(value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.reason).toBe('invalid');
  });

  it('names the offending field', () => {
    const decoded = decodeJson({ ...valid, round: 300 });
    expect(decoded).toMatchObject({
      ok: false,
      error: { reason: 'invalid', detail: expect.stringContaining('round') },
    });
  });
});
