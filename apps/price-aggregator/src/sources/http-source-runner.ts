/**
 * The one place that talks HTTP to the price sources: per-request timeouts, retries with
 * exponential backoff and jitter (honouring Retry-After), a per-host rate limit and concurrency
 * cap, optional proxies, zod validation of every response, and a metric for every request.
 * Source definitions stay pure; expected failures come back as SourceError values.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosResponse } from 'axios';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { z } from 'zod';
import { err, ok, retry, type BackoffPolicy, type Result } from '@oracle/core';
import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { Clock, SystemClock } from '../clock.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { AggregatorMetrics } from '../metrics/aggregator-metrics.js';
import type {
  HttpRequestSpec,
  Pair,
  SourceError,
  SourceId,
  SourcePairError,
  SourcePrice,
} from './price-source.js';
import { checkedPrice } from './checked-price.js';
import { RateLimiter, type RequestPriority } from './rate-limiter.js';
import type { SourceSettings } from './source-catalog.js';
import { SourceStatusBoard } from './source-status.js';

export type QuoteResult = SourcePrice | SourcePairError;

export const sourceRetryBackoff: BackoffPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.3,
};

const RETRYABLE = new Set<SourceError['kind']>(['network', 'timeout', 'rate_limited']);
/** Failures of an attempt that say the source itself cannot be reached. */
const UNREACHABLE = new Set<SourceError['kind']>(['network', 'timeout']);
const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** Kinds of 4xx answers (not 401, 403, 429) whose JSON body the source may explain. */
const CLIENT_ERROR_BODIES = new Set<SourceError['kind']>(['http', 'not_found']);
/** A Retry-After longer than this is treated as this long, so one answer cannot park a source for hours. */
const MAX_RETRY_AFTER_MS = 60_000;

interface HostClient {
  readonly limiter: RateLimiter;
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
}

/** The retry backoff of source requests (`sourceRetryBackoff` unless a test provides another). */
export const SOURCE_RETRY_BACKOFF = Symbol('SOURCE_RETRY_BACKOFF');

@Injectable()
export class HttpSourceRunner implements OnApplicationShutdown {
  private readonly clients = new Map<SourceId, HostClient>();
  private readonly shutdown = new AbortController();
  /** The global proxy URL, for sources with `useProxy: true`. */
  private readonly globalProxyUrl: string | undefined;
  private readonly logger: Logger;

  constructor(
    @Inject(AggregatorMetrics) private readonly metrics: AggregatorMetrics,
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'proxy'>,
    @Inject(LOGGER) logger: Logger,
    /** Told of every attempt that timed out or could not connect, so a hanging source is down after its first timeout, not after all retries. */
    @Optional() @Inject(SourceStatusBoard) private readonly status?: Pick<SourceStatusBoard, 'failed'>,
    @Optional() @Inject(SOURCE_RETRY_BACKOFF) private readonly backoff: BackoffPolicy = sourceRetryBackoff,
    @Optional() @Inject(Clock) private readonly clock: Pick<Clock, 'now'> = new SystemClock(),
  ) {
    this.globalProxyUrl = typeof config.proxy === 'string' ? config.proxy : config.proxy?.reveal();
    this.logger = logger.child({ component: 'source-runner' });
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /**
   * Asks `source` for `pairs` in one request (1..maxBatchSize pairs); one result per answered pair.
   * Requests of configured pairs go ahead of ad-hoc ones in the source's queue.
   */
  async fetchQuotes(
    source: SourceSettings,
    pairs: readonly Pair[],
    priority: RequestPriority = 'configured',
  ): Promise<Result<QuoteResult[], SourceError>> {
    let spec: HttpRequestSpec;
    try {
      spec = source.http.buildRequest(pairs, source.context);
    } catch (error) {
      return err({
        kind: 'unsupported',
        message: `${source.id}: cannot build a request: ${(error as Error).message}`,
      });
    }
    const response = await this.request(source, spec, source.http.responseSchema, priority);
    if (!response.ok) return response;
    let results: QuoteResult[];
    try {
      results = source.http
        .toQuotes(response.value, pairs)
        .map((r) => ('price' in r ? checkedPrice(source.id, r) : r));
    } catch (error) {
      return this.failed(source.id, {
        kind: 'schema',
        message: `${source.id}: unexpected response: ${(error as Error).message}`,
      });
    }
    for (const r of results)
      if ('error' in r) this.metrics.sourceErrors.inc({ source: source.id, kind: r.error.kind });
    return ok(results);
  }

  /** One request to the source's REST host, retried as configured, validated with `schema`. */
  request<T>(
    source: SourceSettings,
    spec: HttpRequestSpec,
    schema: z.ZodType<T>,
    priority: RequestPriority = 'configured',
  ): Promise<Result<T, SourceError>> {
    return retry<T, SourceError>(() => this.attempt(source, spec, schema, priority), {
      retries: source.config.maxRetries,
      backoff: this.backoff,
      signal: this.shutdown.signal,
      isRetryable: (e) => RETRYABLE.has(e.kind) || (e.kind === 'http' && (e.status ?? 0) >= 500),
      retryAfterMs: (e) => e.retryAfterMs,
      onRetry: (e, attempt, delayMs) =>
        this.logger.debug(
          { source: source.id, kind: e.kind, status: e.status, attempt, delayMs },
          'Retrying source request',
        ),
    });
  }

  /** Aborts requests in flight and rejects queued ones. */
  close(): void {
    this.shutdown.abort(new Error('shutting down'));
    for (const client of this.clients.values()) {
      client.limiter.close(new Error('shutting down'));
      client.httpAgent.destroy();
      client.httpsAgent.destroy();
    }
  }

  private async attempt<T>(
    source: SourceSettings,
    spec: HttpRequestSpec,
    schema: z.ZodType<T>,
    priority: RequestPriority,
  ): Promise<Result<T, SourceError>> {
    const client = this.clientFor(source);
    let outcome: Result<T, SourceError>;
    try {
      outcome = await client.limiter.schedule(
        () => this.send(source, client, spec, schema),
        this.shutdown.signal,
        priority,
      );
    } catch {
      outcome = err({ kind: 'network', message: `${source.id}: request abandoned at shutdown` });
    }
    if (!outcome.ok) {
      if (outcome.error.retryAfterMs !== undefined) client.limiter.pauseFor(outcome.error.retryAfterMs);
      if (UNREACHABLE.has(outcome.error.kind) && !this.shutdown.signal.aborted)
        this.status?.failed(source.id, outcome.error, this.clock.now());
      return this.failed(source.id, outcome.error);
    }
    return outcome;
  }

  private async send<T>(
    source: SourceSettings,
    client: HostClient,
    spec: HttpRequestSpec,
    schema: z.ZodType<T>,
  ): Promise<Result<T, SourceError>> {
    const timeout = AbortSignal.timeout(source.config.timeoutMs);
    const started = performance.now();
    let response: AxiosResponse<string>;
    try {
      response = await axios.request<string>({
        url: source.baseUrl + spec.path,
        method: spec.method ?? 'GET',
        headers: { Accept: 'application/json', 'User-Agent': 'sp-oracle-price-aggregator', ...spec.headers },
        data: spec.body,
        responseType: 'text',
        transformResponse: [(data: string) => data],
        validateStatus: () => true,
        maxRedirects: 3,
        maxContentLength: MAX_BODY_BYTES,
        signal: AbortSignal.any([timeout, this.shutdown.signal]),
        httpAgent: client.httpAgent,
        httpsAgent: client.httpsAgent,
        proxy: false,
      });
    } catch (error) {
      const timedOut = timeout.aborted;
      this.observe(source.id, timedOut ? 'timeout' : 'network', started);
      return timedOut
        ? err({ kind: 'timeout', message: `${source.id}: no answer within ${source.config.timeoutMs} ms` })
        : err({ kind: 'network', message: `${source.id}: request failed (${errorCode(error)})` });
    }
    this.observe(source.id, String(response.status), started);
    const statusError = errorForStatus(source.id, response, this.clock.now());
    const explainable =
      response.status < 500 && statusError !== undefined && CLIENT_ERROR_BODIES.has(statusError.kind);
    if (statusError && !explainable) return err(statusError);
    const body = parseJson(response.data);
    if (statusError) {
      // A 4xx whose body the source's schema knows (e.g. binance {code:-1121}: unknown symbol) is the
      // source's to interpret; anything else is the status error.
      const parsed = body.ok ? schema.safeParse(body.value) : undefined;
      return parsed?.success ? ok(parsed.data) : err(statusError);
    }
    if (!body.ok)
      return err({
        kind: 'bad_json',
        message: `${source.id}: response body is not JSON`,
        status: response.status,
      });
    const parsed = schema.safeParse(body.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return err({
        kind: 'schema',
        message: `${source.id}: response does not match the expected schema at ${where}: ${issue?.message ?? 'invalid'}`,
      });
    }
    return ok(parsed.data);
  }

  private failed(source: SourceId, error: SourceError): Result<never, SourceError> {
    this.metrics.sourceErrors.inc({ source, kind: error.kind });
    return err(error);
  }

  private observe(source: SourceId, status: string, startedMs: number): void {
    this.metrics.sourceRequests.inc({ source, status });
    this.metrics.sourceDuration.observe({ source }, (performance.now() - startedMs) / 1000);
  }

  private clientFor(source: SourceSettings): HostClient {
    let client = this.clients.get(source.id);
    if (!client) {
      const own = source.proxy; // a URL with credentials is a Secret, revealed only here
      const proxyUrl =
        own === true ? this.globalProxyUrl : typeof own === 'object' ? own.reveal() : own || undefined;
      if (source.proxy === true && !proxyUrl)
        this.logger.warn(
          { source: source.id },
          'useProxy is true but no global proxy is configured; connecting directly',
        );
      const agentOptions = { keepAlive: true, maxSockets: source.config.maxConcurrent };
      const proxyAgent = proxyUrl ? new HttpsProxyAgent(proxyUrl, agentOptions) : undefined;
      client = {
        limiter: new RateLimiter({ rps: source.rps, maxConcurrent: source.config.maxConcurrent }),
        httpAgent: proxyAgent ?? new HttpAgent(agentOptions),
        httpsAgent: proxyAgent ?? new HttpsAgent(agentOptions),
      };
      this.clients.set(source.id, client);
    }
    return client;
  }
}

function errorForStatus(
  source: SourceId,
  response: AxiosResponse<string>,
  nowMs: number,
): SourceError | undefined {
  const status = response.status;
  if (status >= 200 && status < 300) return undefined;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
    return {
      kind: 'rate_limited',
      message: `${source}: rate limited (HTTP 429)`,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (status === 401 || status === 403)
    return { kind: 'unauthorized', message: `${source}: not authorized (HTTP ${status})`, status };
  if (status === 404) return { kind: 'not_found', message: `${source}: not found (HTTP 404)`, status };
  return { kind: 'http', message: `${source}: HTTP ${status}`, status };
}

/** Retry-After as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - nowMs;
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function parseJson(text: string): Result<unknown, undefined> {
  try {
    return ok(JSON.parse(text));
  } catch {
    return err(undefined);
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown error';
}
