/**
 * Just enough PromQL text handling for the proofs: the vector selectors inside an expression, and
 * the mechanical time-compression of range windows. Not a parser; it understands the expressions
 * of this repository's rules and dashboard (selectors, functions, aggregations with by/on lists).
 */

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The vector selectors of `expr` (`metric` or `metric{matchers}`), in order, without duplicates.
 * Each can be queried on its own to check that the data the expression needs exists.
 */
export function vectorSelectors(expr: string): string[] {
  const found: string[] = [];
  // Label lists of by/on/ignoring/group_* and string literals are no selectors.
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, (s) => `"${'_'.repeat(s.length - 2)}"`)
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, (s) => ' '.repeat(s.length));
  const token = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let match = token.exec(text); match; match = token.exec(text)) {
    const name = match[0];
    const start = match.index;
    const end = start + name.length;
    const before = text.slice(0, start);
    if (/[0-9.]$/.test(before) || /\[[^\]]*$/.test(before)) continue; // 1e18, 5m inside [..]
    if (/\{[^}]*$/.test(before)) continue; // a label name inside {..}
    const rest = text.slice(end);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name.toLowerCase())) continue; // a function or keyword
    const matchers = /^\{[^}]*\}/.exec(rest);
    const selector = matchers ? expr.slice(start, end + matchers[0].length) : name;
    if (!found.includes(selector)) found.push(selector);
  }
  return found;
}

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Seconds of a Prometheus duration such as `90s`, `5m` or `1h30m`. */
export function durationSeconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== duration)
    throw new Error(`not a Prometheus duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNIT_SECONDS[unit as string] ?? 0), 0);
}

/** `duration` divided by `factor`, in whole seconds (at least 1 s). */
export function compressDuration(duration: string, factor: number): string {
  return `${Math.max(1, Math.round(durationSeconds(duration) / factor))}s`;
}

/** Every range window `[d]` of `expr` divided by `factor`; nothing else changes. */
export function compressRanges(expr: string, factor: number): string {
  return expr.replace(/\[([0-9a-z]+)\]/g, (_, duration: string) => `[${compressDuration(duration, factor)}]`);
}
