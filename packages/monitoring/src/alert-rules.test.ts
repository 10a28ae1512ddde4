import { describe, expect, it } from 'vitest';
import { alertRules, compressRuleFile, parseRuleFile, stringifyRuleFile } from './alert-rules.js';
import { readRepoFile, RULE_FILES } from './repo-files.js';

const files = RULE_FILES.map((path) => ({ path, file: parseRuleFile(readRepoFile(path)) }));
const rules = files.flatMap(({ file }) => alertRules(file));
const readme = readRepoFile('README.md');

/** GitHub's anchor of a Markdown heading. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
const readmeAnchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1] ?? '')));

describe('the alert rules', () => {
  it('cover every condition the operators asked for', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      [
        'FaucetBalanceLow',
        'FeedAnswerDeviates',
        'FeedAnswerStale',
        'FeedGuardTripped',
        'MetricsPushAbsent',
        'MetricsPushStopped',
        'OracleQuorumLost',
        'PriceSourceDown',
        'ServiceRestarting',
        'TransmitterBalanceLow',
      ].sort(),
    );
  });

  it.each(rules.map((r) => [r.alert, r] as const))(
    '%s has a severity, summary, description and a README runbook',
    (_, rule) => {
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook).toBe(`README.md#${rule.alert.toLowerCase()}`);
      expect(readmeAnchors.has(rule.alert.toLowerCase()), `README heading for ${rule.alert}`).toBe(true);
    },
  );
});

describe('compressRuleFile', () => {
  it('divides for: and range windows, and changes nothing else', () => {
    for (const { file } of files) {
      const compressed = compressRuleFile(file, 12);
      const original = alertRules(file);
      alertRules(compressed).forEach((rule, i) => {
        const before = original[i]!;
        expect({ ...rule, expr: undefined, for: undefined }).toEqual({
          ...before,
          expr: undefined,
          for: undefined,
        });
        expect(rule.expr.replace(/\[[0-9a-z]+\]/g, '[]')).toBe(before.expr.replace(/\[[0-9a-z]+\]/g, '[]'));
        if (before.for === '5m') expect(rule.for).toBe('25s');
      });
      expect(parseRuleFile(stringifyRuleFile(compressed))).toEqual(compressed);
    }
  });
});
