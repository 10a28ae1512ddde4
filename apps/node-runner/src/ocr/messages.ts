import { z } from 'zod';
import type { Result } from '@oracle/core';
import { MAX_ORACLES } from './config.js';
import { MAX_EPOCH, MAX_ROUND } from './epoch-round.js';
import type { AttestedReport, AttributedObservation, AttributedSignedObservation } from './observation.js';
import { INT192_MAX, INT192_MIN } from './observation.js';

/** The OCR1 messages between oracles (libocr `message.go`). The sender is whoever the transport authenticated. */
export type Message =
  | { readonly type: 'NewEpoch'; readonly epoch: number }
  | { readonly type: 'ObserveReq'; readonly epoch: number; readonly round: number }
  | {
      readonly type: 'Observe';
      readonly epoch: number;
      readonly round: number;
      readonly value: bigint;
      readonly signature: Uint8Array;
    }
  | {
      readonly type: 'ReportReq';
      readonly epoch: number;
      readonly round: number;
      readonly observations: readonly AttributedSignedObservation[];
    }
  | {
      readonly type: 'Report';
      readonly epoch: number;
      readonly round: number;
      readonly observations: readonly AttributedObservation[];
      readonly signature: Uint8Array;
    }
  | {
      readonly type: 'Final';
      readonly epoch: number;
      readonly round: number;
      readonly report: AttestedReport;
    }
  | {
      readonly type: 'FinalEcho';
      readonly epoch: number;
      readonly round: number;
      readonly report: AttestedReport;
    };

/** Messages of report generation: everything but newEpoch, which belongs to the pacemaker. */
export type RoundMessage = Exclude<Message, { type: 'NewEpoch' }>;

/** Largest encoded message accepted; the largest honest one (a 31-oracle FinalEcho) is under 8 KiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_SIGNATURE_BYTES = 128;

// Wire format: JSON, the in-memory shape with int192 values as decimal strings and bytes as 0x-hex.

const epoch = z.int().min(0).max(MAX_EPOCH);
const round = z.int().min(0).max(MAX_ROUND);
const oracleId = z
  .int()
  .min(0)
  .max(MAX_ORACLES - 1);
const int192 = z
  .string()
  .regex(/^-?(0|[1-9]\d{0,57})$/)
  .transform((s) => BigInt(s))
  .refine((v) => v >= INT192_MIN && v <= INT192_MAX, 'value outside int192');
const signature = z
  .string()
  .regex(new RegExp(`^0x(?:[0-9a-f]{2}){1,${MAX_SIGNATURE_BYTES}}$`))
  .transform(hexToBytes);
const attributed = z.strictObject({ observer: oracleId, value: int192 });
const attestedReport = z.strictObject({
  observations: z.array(attributed).max(MAX_ORACLES),
  signatures: z.array(z.strictObject({ signer: oracleId, signature })).max(MAX_ORACLES),
});

const wireSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('NewEpoch'), epoch }),
  z.strictObject({ type: z.literal('ObserveReq'), epoch, round }),
  z.strictObject({ type: z.literal('Observe'), epoch, round, value: int192, signature }),
  z.strictObject({
    type: z.literal('ReportReq'),
    epoch,
    round,
    observations: z.array(z.strictObject({ observer: oracleId, value: int192, signature })).max(MAX_ORACLES),
  }),
  z.strictObject({
    type: z.literal('Report'),
    epoch,
    round,
    observations: z.array(attributed).max(MAX_ORACLES),
    signature,
  }),
  z.strictObject({ type: z.literal('Final'), epoch, round, report: attestedReport }),
  z.strictObject({ type: z.literal('FinalEcho'), epoch, round, report: attestedReport }),
]);

export type DecodeError =
  | { readonly reason: 'too-large'; readonly bytes: number }
  | { readonly reason: 'not-utf8' }
  | { readonly reason: 'not-json' }
  | { readonly reason: 'invalid'; readonly detail: string };

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Bytes from the network to a message. Malformed input is an error value for the caller to drop and count. */
export function decodeMessage(bytes: Uint8Array): Result<Message, DecodeError> {
  if (bytes.length > MAX_MESSAGE_BYTES)
    return { ok: false, error: { reason: 'too-large', bytes: bytes.length } };
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    return { ok: false, error: { reason: 'not-utf8' } };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: { reason: 'not-json' } };
  }
  const parsed = wireSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid message';
    return { ok: false, error: { reason: 'invalid', detail } };
  }
  return { ok: true, value: parsed.data };
}

export function encodeMessage(message: Message): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(toWire(message)));
}

function toWire(message: Message): unknown {
  switch (message.type) {
    case 'NewEpoch':
    case 'ObserveReq':
      return message;
    case 'Observe':
      return { ...message, value: message.value.toString(), signature: bytesToHex(message.signature) };
    case 'ReportReq':
      return {
        ...message,
        observations: message.observations.map((o) => ({
          ...wireObservation(o),
          signature: bytesToHex(o.signature),
        })),
      };
    case 'Report':
      return {
        ...message,
        observations: message.observations.map(wireObservation),
        signature: bytesToHex(message.signature),
      };
    case 'Final':
    case 'FinalEcho':
      return {
        ...message,
        report: {
          observations: message.report.observations.map(wireObservation),
          signatures: message.report.signatures.map((s) => ({
            signer: s.signer,
            signature: bytesToHex(s.signature),
          })),
        },
      };
  }
}

function wireObservation(o: AttributedObservation): { observer: number; value: string } {
  return { observer: o.observer, value: o.value.toString() };
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '0x';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array((hex.length - 2) / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}
