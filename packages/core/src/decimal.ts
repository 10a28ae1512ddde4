/**
 * Exact decimal arithmetic on strings and bigints. Prices never pass through floating point
 * once parsed: a price is a decimal string at the edges and a scaled bigint inside.
 */

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export interface ScaledDecimal {
  /** The value times 10^scale. */
  readonly units: bigint;
  readonly scale: number;
}

/** Parses "123.45", "-0.5", "1e-7", "1.2E+3". Returns undefined for anything else (NaN, "", "0x10"). */
export function parseDecimal(text: string): ScaledDecimal | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const [, sign, intPart = '0', fracPart = '', expPart] = m;
  let digits = intPart + fracPart;
  let scale = fracPart.length - (expPart ? Number(expPart) : 0);
  if (!Number.isSafeInteger(scale) || Math.abs(scale) > 1000) return undefined;
  if (scale < 0) {
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  const units = BigInt(digits) * (sign === '-' ? -1n : 1n);
  return { units, scale };
}

/** Converts a number (as received in JSON) to its shortest exact decimal string, without exponent. */
export function numberToDecimalString(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const parsed = parseDecimal(String(value));
  return parsed ? formatScaled(parsed.units, parsed.scale) : undefined;
}

/** Rescales to exactly `decimals` fractional digits, truncating towards zero (like Chainlink's decimal.BigInt()). */
export function toFixedPoint(value: string | ScaledDecimal, decimals: number): bigint | undefined {
  const parsed = typeof value === 'string' ? parseDecimal(value) : value;
  if (!parsed) return undefined;
  const diff = decimals - parsed.scale;
  if (diff >= 0) return parsed.units * 10n ** BigInt(diff);
  return parsed.units / 10n ** BigInt(-diff);
}

/** Formats units·10^-scale as a plain decimal string with no trailing fractional zeros. */
export function formatScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  digits = digits.padStart(scale + 1, '0');
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = digits.slice(digits.length - scale).replace(/0+$/, '');
  const body = fracPart ? `${intPart}.${fracPart}` : intPart;
  return (negative && body !== '0' ? '-' : '') + body;
}

/** Normalises a decimal string ("0001.500" → "1.5", "1e-7" → "0.0000001"). */
export function normalizeDecimal(text: string): string | undefined {
  const parsed = parseDecimal(text);
  return parsed ? formatScaled(parsed.units, parsed.scale) : undefined;
}
