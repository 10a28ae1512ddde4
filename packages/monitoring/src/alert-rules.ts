/**
 * The alert rule files under monitoring/alerts/ (Prometheus rule-file format), read for tests, and
 * their time-compressed copy: the proving test cannot wait the realistic `for:` durations.
 */
import { parse, stringify } from 'yaml';
import { compressDuration, compressRanges } from './promql.js';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly AlertRule[];
}

export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

export function parseRuleFile(text: string): RuleFile {
  const file = parse(text) as RuleFile;
  if (!Array.isArray(file?.groups)) throw new Error('a rule file needs a top-level groups list');
  return file;
}

export function alertRules(file: RuleFile): AlertRule[] {
  return file.groups.flatMap((group) => group.rules);
}

/**
 * The same rules with every `for:` duration and every range window `[d]` of every expression
 * divided by `factor` (whole seconds, at least 1 s). Nothing else changes: thresholds, labels,
 * annotations and the structure are those of the committed file.
 */
export function compressRuleFile(file: RuleFile, factor: number): RuleFile {
  return {
    ...file,
    groups: file.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => ({
        ...rule,
        expr: compressRanges(rule.expr, factor),
        ...(rule.for ? { for: compressDuration(rule.for, factor) } : {}),
      })),
    })),
  };
}

export function stringifyRuleFile(file: RuleFile): string {
  return stringify(file, { lineWidth: 0 });
}
