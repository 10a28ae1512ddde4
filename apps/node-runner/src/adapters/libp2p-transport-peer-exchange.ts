import type { Connection, Stream } from '@libp2p/interface';
import { z } from 'zod';
import { encodeFrame, FrameDecoder } from './libp2p-transport-framing.js';

/**
 * Rendezvous through bootstrap nodes, so no oracle needs the others' addresses configured.
 *
 * On every connection libp2p's identify protocol hands the remote side this node's *signed peer
 * record*: its listen addresses in an envelope signed with its own P2P key. A bootstrap node thus
 * holds a signed record for each oracle connected to it. An oracle opens a stream with this
 * protocol to a bootstrap peer and receives, in one frame, the records of the bootstrap's other
 * connected peers that are on the bootstrap's allow list. The oracle keeps only records of peers
 * on its own allow list and hands them to its peer store, which checks each envelope's signature
 * against the peer id: a bootstrap node can withhold addresses but cannot forge them. The oracle
 * then dials those peers directly.
 *
 * Every node answers the protocol; oracles ask only their configured bootstrap peers. Both ends of
 * the stream are authenticated and allow-listed by the Noise connection under it.
 */
export const PEER_EXCHANGE_PROTOCOL = '/sp-oracle/peer-exchange/1.0.0';

export interface PeerRecordEntry {
  readonly peerId: string;
  /** A marshalled libp2p RecordEnvelope holding a PeerRecord, signed by `peerId`. */
  readonly record: Uint8Array;
}

const responseSchema = z.strictObject({
  peers: z
    .array(z.strictObject({ peerId: z.string().min(1).max(128), record: z.base64().max(16_384) }))
    .max(256),
});

export function encodePeerRecords(entries: readonly PeerRecordEntry[]): Uint8Array {
  const json = JSON.stringify({
    peers: entries.map((e) => ({ peerId: e.peerId, record: Buffer.from(e.record).toString('base64') })),
  });
  return encodeFrame(new TextEncoder().encode(json));
}

export function decodePeerRecords(body: Uint8Array): PeerRecordEntry[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) return undefined;
  return parsed.data.peers.map((p) => ({
    peerId: p.peerId,
    record: new Uint8Array(Buffer.from(p.record, 'base64')),
  }));
}

/** Reads the first frame of a stream; rejects on oversize, end of stream, or abort. */
export async function readOneFrame(
  stream: Stream,
  maxFrameBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const onAbort = (): void => stream.abort(new Error('peer exchange timed out'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const decoder = new FrameDecoder(maxFrameBytes);
    for await (const chunk of stream) {
      const frames = decoder.push(chunk instanceof Uint8Array ? chunk : chunk.subarray());
      if (frames === 'oversize') throw new Error('peer exchange response exceeds the frame limit');
      const [first] = frames;
      if (first) return first;
    }
    throw new Error('peer exchange stream ended before a response');
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Answers one peer-exchange request with the records `recordsFor` picks for the requester, then
 * ends the stream: closed once the requester closes its side too, reset if it has not by the time
 * `signal` aborts (or if anything fails), so no answered stream stays open.
 */
export async function answerPeerExchange(
  stream: Stream,
  connection: Connection,
  recordsFor: (requester: string) => Promise<PeerRecordEntry[]>,
  signal: AbortSignal,
): Promise<void> {
  try {
    const entries = await recordsFor(connection.remotePeer.toString());
    stream.send(encodePeerRecords(entries));
  } catch (error) {
    stream.abort(asError(error));
    throw error;
  }
  await finishStream(stream, signal);
}

/**
 * Closes this side of a stream and waits until the remote has closed its side as well, so the
 * stream is gone from the connection; resets it if that has not happened when `signal` aborts or
 * the close fails. Never rejects.
 */
export async function finishStream(stream: Stream, signal: AbortSignal): Promise<void> {
  try {
    await stream.close({ signal });
    if (stream.status === 'open' || stream.status === 'closing') await closed(stream, signal);
  } catch (error) {
    stream.abort(asError(error));
  }
}

/** Resolves on the stream's 'close' event; rejects when `signal` aborts first. */
function closed(stream: Stream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      stream.removeEventListener('close', onClose);
      reject(new Error('the remote did not close its side of the stream in time'));
    };
    if (signal.aborted) return onAbort();
    stream.addEventListener('close', onClose, { once: true });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
