/** Numbers as the report prints them: no locale, short, stable; `-` for a missing value. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  if (Number.isInteger(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 1 : 3;
  const factor = 10 ** digits;
  return String(Math.round(value * factor) / factor);
}

/** A value with its unit, e.g. `12.5 ms`, `3` (no unit). */
export function withUnit(value: number | undefined, unit: string): string {
  const text = formatNumber(value);
  return unit === '' || value === undefined ? text : `${text} ${unit}`;
}
