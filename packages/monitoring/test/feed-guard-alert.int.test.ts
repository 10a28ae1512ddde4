/**
 * Proof of FeedGuardTripped, cheaper than the live stack (which cannot trip a guard on its replay):
 *
 * 1. `promtool test rules` runs every unit test under monitoring/alerts/tests/ (the committed
 *    rules, real `for:` durations and windows, synthetic series): who counts, when it fires, what
 *    it says, and that a node which stopped pushing does not keep it alive.
 * 2. The series a node pushes while its guard holds a feed (job oracle-node, grouping labels
 *    instance, environment, node; `oracle_feed_guard_tripped{feed, role}` and
 *    `metrics_push_timestamp_seconds` every second) go into a real Pushgateway, scraped by a real
 *    Prometheus, with a real vmalert reading it; both evaluate the time-compressed rules (as in
 *    monitoring.int.test.ts) and the alert fires in both and reaches the stand-in Alertmanager,
 *    then clears once the node reports 0 again. That the nodes really push this gauge is shown by
 *    apps/node-runner's tests (the gauge) and the live stack test (every alert selector has series).
 */
import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  makeTempDir,
  startPushgateway,
  waitFor,
  type RunningPushgateway,
  type TempDir,
} from '@oracle/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressRuleFile, parseRuleFile, stringifyRuleFile } from '../src/alert-rules.js';
import { readRepoFile, repoPath, RULE_FILES } from '../src/repo-files.js';
import { startPrometheus, type RunningPrometheus } from './prometheus.js';
import { startAlertReceiver, startVmalert, type AlertReceiver, type RunningVmalert } from './vmalert.js';

const run = promisify(execFile);
const RULE_TESTS_DIR = 'monitoring/alerts/tests';
const COMPRESSION = 12;
const FEED = 'BTC / USD';

describe('FeedGuardTripped', () => {
  it('passes its promtool rule unit tests', async () => {
    const files = (await readdir(repoPath(RULE_TESTS_DIR))).filter((f) => f.endsWith('.test.yml'));
    expect(files).toContain('feed-guard-tripped.test.yml');
    const { stdout } = await run('promtool', ['test', 'rules', ...files], { cwd: repoPath(RULE_TESTS_DIR) });
    expect(stdout).toMatch(/SUCCESS/);
    expect(stdout).not.toMatch(/FAILED/);
  });

  describe('on pushed series, in Prometheus and vmalert', () => {
    let work: TempDir;
    let pushgateway: RunningPushgateway;
    let prometheus: RunningPrometheus;
    let vmalert: RunningVmalert;
    let receiver: AlertReceiver;
    let pushing: ReturnType<typeof setInterval> | undefined;
    let tripped = 1;

    /** One push of oracle node 2, as the node's pusher groups it. */
    const push = async (): Promise<void> => {
      const body = [
        '# TYPE oracle_feed_guard_tripped gauge',
        `oracle_feed_guard_tripped{feed="${FEED}",role="oracle"} ${tripped}`,
        '# TYPE metrics_push_timestamp_seconds gauge',
        `metrics_push_timestamp_seconds{role="oracle"} ${Date.now() / 1000}`,
        '',
      ].join('\n');
      const response = await fetch(
        `${pushgateway.url}/metrics/job/oracle-node/instance/local/environment/development/node/2`,
        { method: 'PUT', body },
      );
      if (!response.ok) throw new Error(`push answered ${response.status}`);
    };

    beforeAll(async () => {
      work = await makeTempDir('feed-guard-alert');
      const ruleFiles = await Promise.all(
        RULE_FILES.map(async (path, i) => {
          const file = join(work.path, `compressed-${i}.rules.yml`);
          await writeFile(
            file,
            stringifyRuleFile(compressRuleFile(parseRuleFile(readRepoFile(path)), COMPRESSION)),
          );
          return file;
        }),
      );
      pushgateway = await startPushgateway();
      await push();
      pushing = setInterval(() => void push().catch(() => undefined), 1_000);
      prometheus = await startPrometheus({ pushgatewayUrl: pushgateway.url, ruleFiles });
      receiver = await startAlertReceiver();
      vmalert = await startVmalert({
        datasourceUrl: prometheus.url,
        notifierUrl: receiver.url,
        ruleFiles,
      });
    }, 60_000);

    afterAll(async () => {
      if (pushing) clearInterval(pushing);
      await vmalert?.stop();
      await receiver?.stop();
      await prometheus?.stop();
      await pushgateway?.stop();
      await work?.remove();
    });

    it('fires while a node holds the feed, is notified with its runbook, and clears after', async () => {
      const firing = async (evaluator: RunningPrometheus | RunningVmalert): Promise<boolean> =>
        (await evaluator.alerts()).some(
          (a) => a.state === 'firing' && a.labels.alertname === 'FeedGuardTripped' && a.labels.feed === FEED,
        );
      await waitFor(async () => (await firing(prometheus)) && (await firing(vmalert)), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'FeedGuardTripped firing in Prometheus and vmalert',
      });
      const notified = await waitFor(
        () => receiver.received.find((a) => a.labels.alertname === 'FeedGuardTripped'),
        { timeoutMs: 30_000, what: 'the vmalert notification' },
      );
      expect(notified.labels).toMatchObject({
        severity: 'critical',
        feed: FEED,
        instance: 'local',
        environment: 'development',
      });
      expect(notified.annotations).toMatchObject({
        runbook: 'README.md#feedguardtripped',
        summary: `Feed ${FEED} is held at its last answer by its guard`,
        description: expect.stringContaining('1 oracle node(s) of local (development) refuse to report'),
      });

      tripped = 0;
      await waitFor(async () => !(await firing(prometheus)) && !(await firing(vmalert)), {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: 'FeedGuardTripped to clear',
      });
    }, 150_000);
  });
});
