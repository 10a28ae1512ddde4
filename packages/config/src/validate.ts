import { err, ok, type Result } from '@oracle/core';
import { z } from 'zod';
import { formatPath, type ConfigurationProblem } from './problems.js';
import { configurationSchema, type ValidatedConfiguration } from './schema/configuration.js';

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

/** Reference-implementation keys of `solution` that moved, and where to. */
const MOVED_KEYS: Readonly<Record<string, string>> = {
  pgUser: 'each node has its own role now: see postgres.rolePrefix',
  pgPassword: 'each node has its own password now: see postgres.passwords',
  pgDatabase: 'now postgres.databasePrefix',
  pgPort: 'now postgres.port',
  chainlinkKeystorePassword:
    'now nodes.keystorePassword, with nodes.keys {"layout": "chainlink"} to keep the Go nodes\' keys (cl-secrets/<i>/)',
};

/** Clearer messages for missing keys and for values written as strings ("5" where 5 belongs). Never echoes the value. */
const typeHints: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return `required (${issue.expected})`;
  if (typeof issue.input !== 'string') return undefined;
  const text = issue.input.trim();
  if (issue.expected === 'number' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text))
    return 'expected a number, got a string: write it without quotes';
  if (issue.expected === 'boolean' && /^(true|false)$/.test(text))
    return 'expected true or false, got a string: write it without quotes';
  return undefined;
};

/** Checks a parsed configuration.json against the schema, with defaults applied. Pure: secrets stay references. */
export function validateConfiguration(
  value: unknown,
): Result<ValidatedConfiguration, ConfigurationProblem[]> {
  const parsed = configurationSchema.safeParse(value, { error: typeHints });
  if (parsed.success) return ok(parsed.data);
  const problems = new Map<string, ConfigurationProblem>();
  for (const problem of parsed.error.issues.flatMap((issue) => toProblems(issue, []))) {
    problems.set(`${problem.path}: ${problem.message}`, problem);
  }
  return err([...problems.values()]);
}

function toProblems(issue: Issue, base: readonly Segment[]): ConfigurationProblem[] {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...path, key]),
      message: unknownKeyMessage(path, key),
    }));
  }
  if (issue.code === 'invalid_union') {
    // Report the alternative whose type matched ("binanse" is a misspelt source id, not a malformed object).
    const matching = issue.errors.filter((branch) => !branch.every(isTypeMismatch));
    if (matching.length === 1 && matching[0]) return matching[0].flatMap((inner) => toProblems(inner, path));
  }
  return [{ path: formatPath(path), message: issue.message }];
}

function isTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every((branch) => branch.every(isTypeMismatch));
}

function unknownKeyMessage(objectPath: readonly Segment[], key: string): string {
  const moved = objectPath.length === 1 && objectPath[0] === 'solution' ? MOVED_KEYS[key] : undefined;
  if (moved) return `unknown key (${moved})`;
  const suggestion = closest(key, keysAt(configurationSchema, objectPath));
  return suggestion ? `unknown key (did you mean "${suggestion}"?)` : 'unknown key';
}

/** The keys an object at `path` may have, found by walking the schema. */
function keysAt(schema: z.core.$ZodType, path: readonly Segment[]): string[] {
  let candidates = expand(schema);
  for (const segment of path) candidates = candidates.flatMap((s) => expand(...childAt(s, segment)));
  return [...new Set(candidates.flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : [])))];
}

function expand(...schemas: z.core.$ZodType[]): z.core.$ZodType[] {
  return schemas.flatMap((s): z.core.$ZodType[] => {
    if (
      s instanceof z.ZodOptional ||
      s instanceof z.ZodNullable ||
      s instanceof z.ZodDefault ||
      s instanceof z.ZodPrefault
    ) {
      return expand(s.unwrap());
    }
    if (s instanceof z.ZodPipe) return expand(s.in);
    if (s instanceof z.ZodUnion) return expand(...s.options);
    return [s];
  });
}

function childAt(schema: z.core.$ZodType, segment: Segment): z.core.$ZodType[] {
  if (schema instanceof z.ZodObject && typeof segment === 'string') {
    const child = (schema.shape as Record<string, z.core.$ZodType | undefined>)[segment];
    return child ? [child] : [];
  }
  if (schema instanceof z.ZodArray) return [schema.element];
  if (schema instanceof z.ZodRecord) return [schema.valueType];
  return [];
}

/** The allowed key a typo most likely meant, if any. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance =
      candidate.toLowerCase().startsWith(lower) && lower.length >= 3
        ? 1
        : editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
