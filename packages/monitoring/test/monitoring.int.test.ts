/**
 * Proof that the dashboard and the alert rules work on what the stack really pushes.
 *
 * 1. promtool and vmalert accept every committed rule file.
 * 2. The whole local stack (market replay, anvil, PostgreSQL, aggregator, process metrics, five
 *    nodes under s6) pushes every second into a real Pushgateway, scraped by a real Prometheus
 *    that evaluates a time-compressed copy of the rules: every `for:` and range window `[d]`
 *    divided by COMPRESSION (compressRuleFile), nothing else changed.
 * 3. Every dashboard query (variables substituted by the values their own queries return,
 *    $__rate_interval by 1m) and every vector selector inside every alert expression returns series.
 * 4. Faults from outside, then the alerts they must raise fire, in Prometheus and in vmalert (which
 *    reads the same data through Prometheus's query API and notifies a stand-in Alertmanager):
 *    Yahoo Finance (polled over HTTP only) answering 503 (replay control API), two of the four
 *    oracles stopped (s6-svc -d: past f = 1), the faucet and a transmitter drained
 *    (anvil_setBalance), a node process killed (s6-svc -k); last, process-metrics stopped and its
 *    Pushgateway group deleted (MetricsPushAbsent) and, without quorum, the feeds' answers going
 *    stale past their heartbeat (FeedAnswerStale).
 */
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jsonRpc } from '@oracle/stack';
import {
  freePort,
  makeTempDir,
  spawnService,
  startPushgateway,
  type RunningPushgateway,
  type RunningService,
  type TempDir,
} from '@oracle/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRules, compressRuleFile, parseRuleFile, stringifyRuleFile } from '../src/alert-rules.js';
import { oracleDashboard } from '../src/dashboard.js';
import { panelQueries, variableQueries } from '../src/grafana.js';
import { vectorSelectors } from '../src/promql.js';
import { readRepoFile, repoPath, RULE_FILES } from '../src/repo-files.js';
import { startPrometheus, type Alert, type RunningPrometheus } from './prometheus.js';
import { startAlertReceiver, startVmalert, type AlertReceiver, type RunningVmalert } from './vmalert.js';

const run = promisify(execFile);
const COMPRESSION = 12;
const PUSH_INTERVAL_MS = 1_000;
/** Grafana's $__rate_interval, as the test substitutes it (data is pushed and scraped every second). */
const RATE_INTERVAL = '1m';
/** What the test picks for each dashboard variable: the local stack's labels, one feed. */
const PICKED: Record<string, string> = { environment: 'development', instance: 'local', feed: 'BTC / USD' };
/** The local stack's node API ports: apiPortBase 6600 + node index (configuration.example.json). */
const nodeApi = (node: number): string => `http://127.0.0.1:${6600 + node}`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value, or fails with the last reason after `timeoutMs`. */
async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<{ value: T } | { missing: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'never checked';
  while (Date.now() < deadline) {
    const result = await check().catch((error: unknown) => ({ missing: String(error) }));
    if ('value' in result) return result.value;
    last = result.missing;
    await sleep(1_000);
  }
  throw new Error(`${what} within ${timeoutMs} ms; still missing: ${last}`);
}

const escapeRegex = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('dashboard and alert rules on the live stack', () => {
  const ruleFiles = RULE_FILES.map((path) => repoPath(path));
  let work: TempDir;
  let pushgateway: RunningPushgateway;
  let prometheus: RunningPrometheus;
  let vmalert: RunningVmalert;
  let receiver: AlertReceiver;
  let stack: RunningService;
  let runDir: string;
  let replayUrl: string;
  let chainUrl: string;

  beforeAll(async () => {
    work = await makeTempDir('monitoring-test');
    // PostgreSQL runs as its own user under the run directory.
    await chmod(work.path, 0o755);
    runDir = join(work.path, 'run');
    const compressed = RULE_FILES.map((path, i) => ({
      path: join(work.path, `compressed-${i}.rules.yml`),
      text: stringifyRuleFile(compressRuleFile(parseRuleFile(readRepoFile(path)), COMPRESSION)),
    }));
    for (const file of compressed) await writeFile(file.path, file.text);

    pushgateway = await startPushgateway();
    prometheus = await startPrometheus({
      pushgatewayUrl: pushgateway.url,
      ruleFiles: compressed.map((f) => f.path),
    });
    receiver = await startAlertReceiver();
    vmalert = await startVmalert({
      datasourceUrl: prometheus.url,
      notifierUrl: receiver.url,
      ruleFiles: compressed.map((f) => f.path),
    });
    const [replayPort, chainPort, postgresPort] = [await freePort(), await freePort(), await freePort()];
    replayUrl = `http://127.0.0.1:${replayPort}`;
    chainUrl = `http://127.0.0.1:${chainPort}`;
    stack = await spawnService(
      process.execPath,
      [
        repoPath('packages/stack/dist/cli/local-stack.js'),
        ...['--run-dir', runDir],
        ...['--replay-port', String(replayPort), '--chain-port', String(chainPort)],
        ...['--postgres-port', String(postgresPort)],
        ...['--metrics-push-url', pushgateway.url],
        ...['--metrics-push-interval-ms', String(PUSH_INTERVAL_MS)],
      ],
      {
        name: 'local-stack',
        cwd: repoPath('.'),
        readyWhen: /first on-chain answer/,
        readyTimeoutMs: 120_000,
        stopTimeoutMs: 60_000,
      },
    );
  }, 180_000);

  const service = (name: string): string => join(runDir, 's6/service', name);

  afterAll(async () => {
    await stack?.stop();
    await vmalert?.stop();
    await receiver?.stop();
    await prometheus?.stop();
    await pushgateway?.stop();
    await work?.remove();
  }, 90_000);

  it('promtool and vmalert accept every rule file', async () => {
    for (const file of ruleFiles) {
      const checked = await run('promtool', ['check', 'rules', file]);
      expect(checked.stdout).toMatch(/SUCCESS: \d+ rules found/);
      // vmalert exits non-zero (fatal log line) on any rule it cannot parse.
      await run('vmalert', ['-dryRun', `-rule=${file}`, '-loggerLevel=ERROR']);
    }
  });

  it('every dashboard query returns series (variables substituted from their own queries)', async () => {
    const dashboard = oracleDashboard();
    const values: Record<string, string> = { __rate_interval: RATE_INTERVAL };
    const substitute = (text: string): string =>
      text.replace(/\$(\w+)/g, (whole, name: string) => values[name] ?? whole);
    for (const { name, query } of variableQueries(dashboard)) {
      const [, selector, label] = /^label_values\((?:(.*),\s*)?(\w+)\)$/.exec(substitute(query)) ?? [];
      const wanted = PICKED[name] ?? '';
      await eventually<boolean>(`variable ${name} offers ${wanted}`, 90_000, async () => {
        const list = await prometheus.labelValues(label ?? '', selector);
        return list.includes(wanted) ? { value: true } : { missing: `${query} -> [${list.join(', ')}]` };
      });
      values[name] = escapeRegex(wanted);
    }
    const queries = panelQueries(dashboard).map(({ panel, expr }) => ({ panel, expr: substitute(expr) }));
    await eventually<boolean>('every panel query returns series', 90_000, async () => {
      const empty: string[] = [];
      for (const { panel, expr } of queries)
        if ((await prometheus.query(expr)).length === 0) empty.push(`${panel}: ${expr}`);
      return empty.length === 0 ? { value: true } : { missing: `\n${empty.join('\n')}` };
    });
  });

  it('every vector selector inside every alert expression returns series', async () => {
    const selectors = [
      ...new Set(
        ruleFiles
          .flatMap((_, i) => alertRules(parseRuleFile(readRepoFile(RULE_FILES[i]!))))
          .flatMap((r) => vectorSelectors(r.expr)),
      ),
    ];
    expect(selectors).toContain('oracle_feed_oracles_connected');
    await eventually<boolean>('every alert selector returns series', 60_000, async () => {
      const empty: string[] = [];
      for (const selector of selectors)
        if ((await prometheus.query(selector)).length === 0) empty.push(selector);
      return empty.length === 0 ? { value: true } : { missing: empty.join(', ') };
    });
  });

  it('alerts fire for a dead source, oracles past f, drained funds and a crashed node', async () => {
    // Nothing fires on the healthy stack.
    for (const evaluator of [prometheus, vmalert]) {
      const before = (await evaluator.alerts()).filter((a) => a.state === 'firing');
      expect(before.map((a) => a.labels.alertname)).toEqual([]);
    }

    const fault = await fetch(`${replayUrl}/__control/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'yahoofinance', fault: 'status' }),
    });
    expect(fault.status).toBe(204);

    await run('s6-svc', ['-d', service('node-2')]);
    await run('s6-svc', ['-d', service('node-3')]);
    await run('s6-svc', ['-k', service('node-5')]);

    const { transmitter } = (await (await fetch(`${nodeApi(4)}/status`)).json()) as { transmitter: string };
    const { available_accounts: accounts } = JSON.parse(
      await readFile(join(runDir, 'anvil.json'), 'utf8'),
    ) as {
      available_accounts: string[];
    };
    const faucet = accounts[0]!; // local-stack's faucet key is anvil's first dev account
    // The faucet first, so no top-up can refill the transmitter in between.
    await jsonRpc(chainUrl, 'anvil_setBalance', [faucet, `0x${(10n ** 17n).toString(16)}`]);
    await jsonRpc(chainUrl, 'anvil_setBalance', [transmitter, '0x0']);

    const expected: Array<[string, (a: Alert) => boolean]> = [
      ['PriceSourceDown', (a) => a.labels.source === 'yahoofinance'],
      ['OracleQuorumLost', (a) => a.labels.feed !== undefined],
      [
        'MetricsPushStopped',
        (a) => a.labels.job === 'oracle-node' && ['2', '3'].includes(a.labels.node ?? ''),
      ],
      ['TransmitterBalanceLow', (a) => a.labels.node === '4'],
      ['FaucetBalanceLow', (a) => a.labels.instance === 'local'],
      ['ServiceRestarting', (a) => a.labels.service === 'node-5'],
    ];
    // Each alert counts once seen firing (ServiceRestarting lasts only while the restart is in its
    // window), in Prometheus and in vmalert evaluating the same rules, which also notified it.
    const seen = { prometheus: [] as Alert[], vmalert: [] as Alert[] };
    const missingIn = (alerts: Alert[]): string[] =>
      expected
        .filter(([name, match]) => !alerts.some((a) => a.labels.alertname === name && match(a)))
        .map(([name]) => name);
    await eventually<boolean>('the alerts fire', 120_000, async () => {
      seen.prometheus.push(...(await prometheus.alerts()).filter((a) => a.state === 'firing'));
      seen.vmalert.push(...(await vmalert.alerts()).filter((a) => a.state === 'firing'));
      const notified = receiver.received.map((a): Alert => ({
        labels: a.labels,
        state: 'firing',
        value: '',
      }));
      const missing = [
        ...missingIn(seen.prometheus).map((name) => `${name} (Prometheus)`),
        ...missingIn(seen.vmalert).map((name) => `${name} (vmalert)`),
        ...missingIn(notified).map((name) => `${name} (vmalert notification)`),
      ];
      return missing.length === 0 ? { value: true } : { missing: missing.join(', ') };
    });
    const names = [...new Set(seen.prometheus.map((a) => a.labels.alertname))].sort();
    console.log(`alerts seen firing: ${names.join(', ')}`);
    expect(names).toEqual(expect.arrayContaining(expected.map(([name]) => name)));
    for (const alert of receiver.received.filter((a) => a.labels.alertname === 'OracleQuorumLost'))
      expect(alert.annotations).toMatchObject({
        runbook: 'README.md#oraclequorumlost',
        summary: expect.stringContaining(alert.labels.feed ?? 'no feed label'),
      });
  }, 180_000);

  it('MetricsPushAbsent and FeedAnswerStale fire: a silent job, feeds without quorum past their heartbeat', async () => {
    // process-metrics stopped, then its Pushgateway group deleted: what a restarted Pushgateway, or
    // VictoriaMetrics once the series age out, shows of a service that no longer pushes at all.
    await run('s6-svc', ['-wd', '-T', '20000', '-d', service('process-metrics')]);
    const [series] = await prometheus.query('metrics_push_timestamp_seconds{job="process-metrics"}');
    const { __name__: _name, job, ...grouping } = series?.metric ?? {};
    const group = Object.entries(grouping).map(([label, value]) => `/${label}/${encodeURIComponent(value)}`);
    const deleted = await fetch(`${pushgateway.url}/metrics/job/${job}${group.join('')}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);

    // Two oracles are still down since the previous test, so no feed gets a new answer: the local
    // feeds' 60 s heartbeat + 10 % + 60 s of grace (thresholds are not compressed) runs out.
    const expected: Array<[string, (a: Alert) => boolean]> = [
      ['MetricsPushAbsent', (a) => a.labels.job === 'process-metrics'],
      ['FeedAnswerStale', (a) => a.labels.feed === 'BTC / USD'],
    ];
    await eventually<boolean>('MetricsPushAbsent and FeedAnswerStale fire', 150_000, async () => {
      const missing: string[] = [];
      for (const [evaluator, alerts] of [
        ['Prometheus', await prometheus.alerts()],
        ['vmalert', await vmalert.alerts()],
      ] as const)
        for (const [name, match] of expected)
          if (!alerts.some((a) => a.state === 'firing' && a.labels.alertname === name && match(a)))
            missing.push(`${name} (${evaluator})`);
      return missing.length === 0 ? { value: true } : { missing: missing.join(', ') };
    });
  }, 180_000);
});
