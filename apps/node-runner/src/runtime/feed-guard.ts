import { formatScaled, toFixedPoint } from '@oracle/core';
import type { AnswerGuard, GuardReason, GuardTrip } from '../ocr/index.js';

/** configuration feeds[].guard: prices as decimal strings in the pair's units. */
export interface FeedGuardSettings {
  readonly maxChangePpb?: number;
  readonly band?: { readonly min: string; readonly max: string };
}

/** The guard as the core takes it: the band scaled to the feed's decimals (the configuration checked it fits). */
export function answerGuard(
  settings: FeedGuardSettings | undefined,
  decimals: number,
): AnswerGuard | undefined {
  if (!settings || (settings.maxChangePpb === undefined && !settings.band)) return undefined;
  const scaled = (price: string): bigint => {
    const value = toFixedPoint(price, decimals);
    if (value === undefined) throw new Error(`guard band price ${price} is not a decimal number`);
    return value;
  };
  return {
    ...(settings.maxChangePpb !== undefined ? { maxChangePpb: BigInt(settings.maxChangePpb) } : {}),
    ...(settings.band ? { band: { min: scaled(settings.band.min), max: scaled(settings.band.max) } } : {}),
  };
}

/** A feed held by its guard, for `/status`: prices in the pair's units. */
export interface GuardHeld {
  readonly reason: GuardReason;
  /** The newest median held back. */
  readonly median: string;
  /** The on-chain answer it was compared with. */
  readonly lastAnswer?: string;
  readonly sinceMs: number;
  /** One sentence for an operator. */
  readonly detail: string;
}

export interface GuardStatus extends FeedGuardSettings {
  /** Present while the guard holds the feed on this node. */
  readonly held?: GuardHeld;
}

export function guardHeld(trip: GuardTrip, settings: FeedGuardSettings, decimals: number): GuardHeld {
  const price = (value: bigint): string => formatScaled(value, decimals);
  const median = price(trip.median);
  const lastAnswer = trip.lastAnswer === undefined ? undefined : price(trip.lastAnswer);
  let detail: string;
  if (trip.reason === 'band') {
    const band = settings.band;
    detail = `median ${median} is outside the guard band [${band?.min}, ${band?.max}]`;
  } else {
    const change = trip.lastAnswer === undefined ? undefined : changePercent(trip.median, trip.lastAnswer);
    detail =
      `median ${median} is ${change ?? 'too far'} from the last on-chain answer ${lastAnswer}` +
      ` (guard allows ${percent(settings.maxChangePpb ?? 0)})`;
  }
  return {
    reason: trip.reason,
    median,
    ...(lastAnswer === undefined ? {} : { lastAnswer }),
    sinceMs: trip.sinceMs,
    detail,
  };
}

/** "+900 %", "-90 %": the signed change of value against reference, for display only. */
function changePercent(value: bigint, reference: bigint): string | undefined {
  if (reference === 0n) return undefined;
  const magnitude = reference < 0n ? -reference : reference;
  const ppb = ((value - reference) * 1_000_000_000n) / magnitude;
  return `${ppb >= 0n ? '+' : '-'}${percent(Number(ppb < 0n ? -ppb : ppb))}`;
}

function percent(ppb: number): string {
  return `${Number((ppb / 1e7).toFixed(2))} %`;
}
