/**
 * Wire format of the libp2p transport. libp2p streams carry bytes without message boundaries, so
 * every frame is a 4-byte big-endian length followed by that many bytes. A message frame's body
 * is `[tag length: u8][tag: UTF-8][payload]`.
 */

const HEADER_BYTES = 4;
const MAX_TAG_BYTES = 255;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeFrame(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, HEADER_BYTES);
  return frame;
}

/** The body of a message frame; undefined if the tag is empty or longer than 255 bytes. */
export function encodeMessage(tag: string, payload: Uint8Array): Uint8Array | undefined {
  const tagBytes = utf8.encode(tag);
  if (tagBytes.length === 0 || tagBytes.length > MAX_TAG_BYTES) return undefined;
  const body = new Uint8Array(1 + tagBytes.length + payload.length);
  body[0] = tagBytes.length;
  body.set(tagBytes, 1);
  body.set(payload, 1 + tagBytes.length);
  return body;
}

export function decodeMessage(body: Uint8Array): { tag: string; payload: Uint8Array } | undefined {
  const tagLength = body[0];
  if (tagLength === undefined || tagLength === 0 || body.length < 1 + tagLength) return undefined;
  try {
    return { tag: strictUtf8.decode(body.subarray(1, 1 + tagLength)), payload: body.slice(1 + tagLength) };
  } catch {
    return undefined;
  }
}

/**
 * Splits a byte stream into frame bodies. Chunks are kept as they arrive and joined once per
 * frame, so a peer sending one byte at a time costs linear work. A header announcing more than
 * `maxFrameBytes` ends decoding: the stream cannot be trusted after it.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received that do not make a whole frame yet. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Uint8Array): Uint8Array[] | 'oversize' {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    while (this.#buffered >= HEADER_BYTES) {
      const header = this.#peek(HEADER_BYTES);
      const length = new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(0);
      if (length > this.#maxFrameBytes) return 'oversize';
      if (this.#buffered < HEADER_BYTES + length) break;
      frames.push(this.#take(HEADER_BYTES + length).subarray(HEADER_BYTES));
    }
    return frames;
  }

  /** The first `n` buffered bytes (n ≤ buffered), joining leading chunks only as far as needed. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[0];
    if (first && first.length >= n) return first;
    this.#join(n);
    return this.#chunks[0] as Uint8Array;
  }

  #take(n: number): Uint8Array {
    this.#join(n);
    const first = this.#chunks[0] as Uint8Array;
    const taken = first.subarray(0, n);
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#buffered -= n;
    return taken;
  }

  /** Makes the first chunk at least `n` bytes long (n ≤ buffered). */
  #join(n: number): void {
    const first = this.#chunks[0];
    if (first && first.length >= n) return;
    const joined = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0] as Uint8Array;
      const part = chunk.subarray(0, n - filled);
      joined.set(part, filled);
      filled += part.length;
      if (part.length === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part.length);
    }
    this.#chunks.unshift(joined);
  }
}
