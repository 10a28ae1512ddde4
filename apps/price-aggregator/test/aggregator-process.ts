/**
 * Test harness: runs the BUILT aggregator (`dist/main.js`) as a child process with a temporary
 * configuration.json, and reads its HTTP API and Prometheus metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_CONFIG_KEYS, SOURCE_IDS, type SourceId } from '@oracle/config';
import type { FakeExchange } from '@oracle/fake-exchange';
import { sumSamples } from '@oracle/testing';

/** The built entry point, seen from this file in test/. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface HttpAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface AggregatorProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Every stdout/stderr line so far (JSON log lines). */
  readonly logs: string[];
  get<T = unknown>(path: string): Promise<HttpAnswer<T>>;
  post<T = unknown>(path: string, body: unknown): Promise<HttpAnswer<T>>;
  /** The sum of a metric's samples whose labels include `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM, then the exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
}

/** A `priceAggregatorConfig.sources` block: every source disabled except `enabled`, which point at the fake exchange. */
export function fakeSources(
  fake: FakeExchange,
  enabled: readonly SourceId[],
  settings: JsonObject = {},
): Record<string, JsonObject> {
  return Object.fromEntries(
    SOURCE_IDS.map((id) => {
      if (!enabled.includes(id)) return [SOURCE_CONFIG_KEYS[id], { enabled: false }];
      const ws = hasStream(fake, id) ? { wsUrl: fake.wsUrl(id) } : {};
      return [
        SOURCE_CONFIG_KEYS[id],
        {
          enabled: true,
          baseUrl: fake.url(id),
          ...ws,
          timeoutMs: 1_000,
          maxRetries: 0,
          rps: null,
          stream: { enabled: false },
          ...settings,
        },
      ];
    }),
  );
}

function hasStream(fake: FakeExchange, id: SourceId): boolean {
  try {
    fake.wsUrl(id);
    return true;
  } catch {
    return false;
  }
}

export interface StartOptions {
  /** Secret files written into the secrets directory (name → content), for `{"file": name}` references. */
  readonly secretFiles?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
  /** The built main.js; by default dist/main.js next to this file's test/ folder. */
  readonly mainPath?: string;
  /** Node's own flags, before main.js (e.g. V8 heap sizes). */
  readonly nodeFlags?: readonly string[];
  /**
   * `solution.feeds` of the configuration. By default one feed of the first `pairs[]` entry's pair
   * (so it configures nothing the test did not), else of BTC/USD over every enabled source.
   */
  readonly feeds?: readonly JsonObject[];
}

/** Starts `node dist/main.js` with this `priceAggregatorConfig` (port and host filled in) and waits until it answers. */
export async function startAggregator(
  priceAggregatorConfig: JsonObject,
  options: StartOptions = {},
): Promise<AggregatorProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'price-aggregator-'));
  for (const [name, content] of Object.entries(options.secretFiles ?? {})) {
    writeFileSync(join(dir, name), content, { mode: 0o600 });
  }
  const configPath = join(dir, 'configuration.json');
  writeFileSync(
    configPath,
    JSON.stringify(
      configurationWith({ host: '127.0.0.1', port, ...priceAggregatorConfig }, dir, options.feeds),
    ),
  );
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.mainPath ?? MAIN], {
    env: { ...process.env, CONFIG_PATH: configPath, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      logs.push(...lines.filter((line) => line !== ''));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(url, child, logs);

  const request = async <T>(path: string, init?: RequestInit): Promise<HttpAnswer<T>> => {
    const response = await fetch(url + path, init);
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, body: (type.includes('json') ? JSON.parse(text) : text) as T };
  };
  return {
    url,
    port,
    pid: child.pid ?? 0,
    logs,
    get: (path) => request(path),
    post: (path, body) =>
      request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async metric(name, labels = {}) {
      const text = (await request<string>('/metrics')).body;
      return sumSamples(text, name, labels);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The smallest valid configuration.json around an aggregator slice. */
function configurationWith(
  priceAggregatorConfig: JsonObject,
  secretsDir: string,
  feeds: readonly JsonObject[] = [defaultFeed(priceAggregatorConfig)],
): JsonObject {
  return {
    solution: {
      totalNodes: 5,
      chainlinkChainId: 31337,
      chainlinkRpcHttpUrl: 'http://127.0.0.1:8545',
      spSecretsDir: secretsDir,
      priceAggregatorConfig,
      feeds: [...feeds],
    },
  };
}

function defaultFeed(priceAggregatorConfig: JsonObject): JsonObject {
  const pairs = priceAggregatorConfig.pairs;
  const first = Array.isArray(pairs) ? (pairs[0] as JsonObject | undefined) : undefined;
  const pair = typeof first?.pair === 'string' ? first.pair : 'BTC/USD';
  return { name: pair.replace('/', ' / '), pair, decimals: 8 };
}

async function waitUntilServing(url: string, child: ChildProcess, logs: string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`aggregator exited with ${child.exitCode}:\n${logs.join('\n')}`);
    try {
      if ((await fetch(`${url}/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`aggregator did not answer within 20 s:\n${logs.join('\n')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value that is not undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined | false;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined && last !== false) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
