import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame, encodeMessage, FrameDecoder } from './libp2p-transport-framing.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('frames', () => {
  it('round-trips tagged messages', () => {
    const body = encodeMessage('0x000123', bytes(1, 2, 3));
    expect(body).toBeDefined();
    expect(decodeMessage(body as Uint8Array)).toEqual({ tag: '0x000123', payload: bytes(1, 2, 3) });
    expect(decodeMessage(encodeMessage('t', new Uint8Array()) as Uint8Array)).toEqual({
      tag: 't',
      payload: bytes(),
    });
  });

  it('refuses empty or overlong tags and malformed bodies', () => {
    expect(encodeMessage('', bytes(1))).toBeUndefined();
    expect(encodeMessage('x'.repeat(256), bytes(1))).toBeUndefined();
    expect(decodeMessage(bytes())).toBeUndefined();
    expect(decodeMessage(bytes(0, 1, 2))).toBeUndefined();
    expect(decodeMessage(bytes(5, 65, 66))).toBeUndefined();
    expect(decodeMessage(bytes(2, 0xff, 0xfe, 9))).toBeUndefined();
  });

  it('reassembles frames split at every byte and several frames in one chunk', () => {
    const frames = [bytes(1), bytes(), bytes(7, 8, 9, 10, 11)].map(encodeFrame);
    const stream = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let offset = 0;
    for (const f of frames) {
      stream.set(f, offset);
      offset += f.length;
    }
    const oneByOne = new FrameDecoder(100);
    const out: Uint8Array[] = [];
    for (const b of stream) {
      const result = oneByOne.push(bytes(b));
      expect(result).not.toBe('oversize');
      out.push(...(result as Uint8Array[]));
    }
    expect(out).toEqual([bytes(1), bytes(), bytes(7, 8, 9, 10, 11)]);
    expect(new FrameDecoder(100).push(stream)).toEqual([bytes(1), bytes(), bytes(7, 8, 9, 10, 11)]);
  });

  it('rejects a header announcing more than the limit', () => {
    const decoder = new FrameDecoder(4);
    expect(decoder.push(encodeFrame(bytes(1, 2, 3, 4)))).toEqual([bytes(1, 2, 3, 4)]);
    expect(decoder.push(bytes(0, 0))).toEqual([]);
    expect(decoder.push(bytes(0, 5))).toBe('oversize');
  });
});
