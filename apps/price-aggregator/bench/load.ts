/**
 * A small HTTP load generator on keep-alive sockets: closed loop (N callers back to back) for
 * throughput, open loop (a fixed rate, latency measured from each request's scheduled start, so
 * queueing is not hidden) for latency under load.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latenciesMs: readonly number[];
}

export interface LoadSummary {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** One GET; resolves with the status once the whole body has arrived. */
export function get(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** `concurrency` callers, each sending its next request when the previous one is answered. */
export async function closedLoop(url: string, concurrency: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let errors = 0;
  const started = performance.now();
  const caller = async (): Promise<void> => {
    while (performance.now() - started < durationMs) {
      const sent = performance.now();
      const status = await get(agent, url).catch(() => 0);
      if (status === 200) latenciesMs.push(performance.now() - sent);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  agent.destroy();
  return {
    requests: latenciesMs.length + errors,
    errors,
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
  };
}

/** `ratePerSecond` requests, evenly spaced, whatever the answers take. */
export async function openLoop(url: string, ratePerSecond: number, durationMs: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  let sent = 0;
  const total = Math.round((ratePerSecond * durationMs) / 1000);
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * ratePerSecond) / 1000) + 1);
    for (; sent < due; sent++) {
      const scheduledAt = started + (sent * 1000) / ratePerSecond;
      const call: Promise<void> = get(agent, url)
        .then(
          (status) => (status === 200 ? latenciesMs.push(performance.now() - scheduledAt) : errors++),
          () => errors++,
        )
        .then(() => {
          inFlight.delete(call);
        });
      inFlight.add(call);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { requests: sent, errors, seconds: (performance.now() - started) / 1000, latenciesMs };
}

export function summarize(result: LoadResult): LoadSummary {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    requestsPerSecond: round(result.requests / result.seconds, 0),
    p50Ms: round(at(0.5), 2),
    p99Ms: round(at(0.99), 2),
    errors: result.errors,
  };
}

export const round = (value: number, digits: number): number =>
  Math.round(value * 10 ** digits) / 10 ** digits;
