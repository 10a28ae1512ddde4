#!/usr/bin/env node
/**
 * The image's HEALTHCHECK: healthy when the price aggregator (/health), the process-metrics
 * exporter (/healthz) and every node (/health) answer 200. Prints one line naming whatever is not,
 * and exits 1 then.
 *
 *   node packages/stack/dist/cli/healthcheck.js
 */
import { loadConfiguration } from '@oracle/config';

const TIMEOUT_MS = 3_000;

/** A URL a local client can dial for a listen address (a wildcard address means loopback). */
function localUrl(host: string, port: number, path: string): string {
  const dialable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${dialable.includes(':') ? `[${dialable}]` : dialable}:${port}${path}`;
}

async function problem(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status === 200 ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error as Error).name;
  }
}

try {
  const s = (await loadConfiguration({ secrets: [] })).solution;
  const targets: Array<[string, string]> = [
    ['price-aggregator', localUrl(s.priceAggregatorConfig.host, s.priceAggregatorConfig.port, '/health')],
    ['process-metrics', localUrl(s.processMetrics.host, s.processMetrics.port, '/healthz')],
  ];
  for (let i = 1; i <= s.totalNodes; i++)
    targets.push([`node-${i}`, localUrl(s.nodes.host, s.nodes.apiPortBase + i, '/health')]);
  const problems = await Promise.all(targets.map(async ([name, url]) => [name, await problem(url)] as const));
  const failing = problems.filter(([, why]) => why !== undefined);
  if (failing.length === 0) {
    console.log(`healthy: ${targets.length} services answer`);
  } else {
    console.log(`unhealthy: ${failing.map(([name, why]) => `${name} (${why})`).join(', ')}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.log(`unhealthy: ${(error as Error).message.split('\n')[0]}`);
  process.exitCode = 1;
}
