import { z } from 'zod';
import {
  httpUrlSchema,
  logLevelSchema,
  pairSchema,
  portSchema,
  positiveIntSchema,
  proxyUrlSchema,
  secretRefSchema,
  wsUrlSchema,
} from './common.js';
import { SOURCE_CONFIG_KEYS, SOURCE_IDS, type SourceConfigKey } from './sources.js';

const streamSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Use the WebSocket stream where the source has one'),
  reconnectInitialDelayMs: positiveIntSchema.default(1_000),
  reconnectMaxDelayMs: positiveIntSchema.default(30_000),
  heartbeatIntervalMs: positiveIntSchema
    .default(20_000)
    .describe('Ping period; a silent socket is reconnected after 2 periods'),
});

const sourceSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    apiKey: secretRefSchema.optional(),
    baseUrl: httpUrlSchema.optional().describe('REST base URL (tests point it at the fake exchange)'),
    wsUrl: wsUrlSchema.optional().describe('WebSocket URL of the stream'),
    ttlMs: positiveIntSchema.optional().describe('Cache TTL of this source; default cache.defaultTtlMs'),
    staleTriggerBeforeExpiry: positiveIntSchema
      .optional()
      .describe('ms before expiry to refetch; default refetch.staleTriggerBeforeExpiry'),
    maxSourceAgeMs: positiveIntSchema
      .optional()
      .describe(
        "A quote whose own timestamp (the source's time of the price) is older than this never counts in an aggregate (stale_at_source); default per source",
      ),
    timeoutMs: positiveIntSchema.default(10_000),
    maxConcurrent: positiveIntSchema.default(10),
    rps: z
      .number()
      .positive()
      .max(1_000)
      .nullable()
      .optional()
      .describe('Requests per second to this host; null = unlimited; default per source'),
    maxRetries: z.int().min(0).max(10).default(3),
    useProxy: z
      .union([z.boolean(), proxyUrlSchema, secretRefSchema])
      .describe(
        "true = the global proxy; or this source's own proxy URL (a secret reference when it holds credentials)",
      )
      .prefault(false),
    maxBatchSize: positiveIntSchema.optional().describe('Pairs per batch request; default per source'),
    stream: streamSchema.prefault({}),
  })
  .meta({ id: 'PriceSource' });

const sourcesShape = Object.fromEntries(
  SOURCE_IDS.map((id) => [SOURCE_CONFIG_KEYS[id], sourceSchema.prefault({})]),
) as Record<SourceConfigKey, z.ZodPrefault<typeof sourceSchema>>;

export const sourceIdSchema = z.enum(SOURCE_IDS);

/** One source of a configured pair; `symbol` overrides the pair asked of that source (e.g. BTC/USDT on binance for BTC/USD). */
export const pairSourceSchema = z.union([
  sourceIdSchema,
  z.strictObject({ source: sourceIdSchema, symbol: pairSchema.optional() }),
]);

const aggregationPolicySchema = z.strictObject({
  minSources: positiveIntSchema.default(1).describe('Fresh quotes needed to answer a pair'),
  maxDeviationPpb: positiveIntSchema
    .default(50_000_000)
    .describe('Quotes further than this from the median are rejected (50 000 000 = 5 %)'),
});

const metricsTargetSchema = z.strictObject({
  format: z.enum(['pushgateway', 'victoriametrics']),
  url: httpUrlSchema,
  basicAuth: z.strictObject({ username: z.string().min(1), password: secretRefSchema }).optional(),
  headers: z.record(z.string(), z.string()).default({}),
});

export const metricsPushSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Reference-compatible single target: a VictoriaMetrics import URL or a Pushgateway base URL (format detected). */
  url: httpUrlSchema.optional(),
  basicAuth: z.strictObject({ username: z.string().min(1), password: secretRefSchema }).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  targets: z.array(metricsTargetSchema).default([]),
  intervalMs: z.int().min(1_000).default(15_000),
  timeoutMs: positiveIntSchema.default(5_000),
  jobName: z.string().min(1).default('price-aggregator'),
  instance: z.string().min(1).optional().describe('Instance label; default the host name'),
  environment: z.string().min(1).optional(),
  groupingLabels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).default({}),
  ttlSeconds: z.int().min(60).default(3_600).describe('Pushgateway TTL label/parameter'),
  batchSize: positiveIntSchema.default(1_000).describe('Sample lines per VictoriaMetrics import request'),
});

export const priceAggregatorConfigSchema = z.strictObject({
  port: portSchema.default(3000),
  host: z.string().min(1).default('127.0.0.1').describe('Listen address; loopback unless you mean it'),
  environment: z.enum(['development', 'production', 'test']).default('production'),
  logger: z.strictObject({ level: logLevelSchema.default('info') }).prefault({}),
  metricsPush: metricsPushSchema.prefault({}),
  proxy: z
    .union([proxyUrlSchema, secretRefSchema])
    .optional()
    .describe(
      'HTTP(S) proxy for sources with useProxy: true; a secret reference holding the URL when it has credentials',
    ),
  cache: z.strictObject({ defaultTtlMs: positiveIntSchema.default(300_000) }).prefault({}),
  refetch: z
    .strictObject({
      enabled: z.boolean().default(true),
      staleTriggerBeforeExpiry: positiveIntSchema
        .default(5_000)
        .describe('ms before a cache entry expires at which it is refetched'),
      minTimeBetweenRefreshes: positiveIntSchema
        .default(1_000)
        .describe('ms; never refetch one entry more often'),
    })
    .prefault({}),
  quotes: z.strictObject({ requestTimeoutMs: z.int().min(100).max(60_000).default(10_000) }).prefault({}),
  pairCleanup: z
    .strictObject({
      enabled: z.boolean().default(true),
      inactiveTimeoutMs: positiveIntSchema.default(600_000),
      cleanupIntervalMs: positiveIntSchema.default(20_000),
    })
    .prefault({}),
  adHocPairs: z
    .strictObject({
      maxPairs: z
        .int()
        .min(0)
        .max(10_000)
        .default(100)
        .describe('Pairs outside pairs[] and feeds[] served at once; 0 = configured pairs only'),
      maxNewPairsPerMinute: z
        .int()
        .min(0)
        .max(10_000)
        .default(60)
        .describe('New ad-hoc pairs admitted per minute (a burst of one minute)'),
      unknownPairRetryMs: positiveIntSchema
        .default(3_600_000)
        .describe('A source that rejected an ad-hoc pair as unknown is not asked for it again for this long'),
    })
    .prefault({})
    .describe(
      'Requests for pairs nobody configured: capped, asked of the sources after the configured pairs, and dropped after pairCleanup.inactiveTimeoutMs',
    ),
  pairsTtl: z
    .array(z.strictObject({ pair: pairSchema, source: sourceIdSchema.optional(), ttlMs: z.int().min(100) }))
    .default([]),
  aggregation: aggregationPolicySchema.prefault({}),
  /** Pairs kept warm from start (and required fresh for readiness), with the sources asked for each. */
  pairs: z
    .array(
      z.strictObject({
        pair: pairSchema,
        sources: z.array(pairSourceSchema).min(1),
        minSources: positiveIntSchema.optional(),
        maxDeviationPpb: positiveIntSchema.optional(),
      }),
    )
    .default([]),
  marketData: z
    .strictObject({
      coingeckoGlobal: z
        .strictObject({
          enabled: z.boolean().default(false),
          refreshIntervalMs: z.int().min(10_000).default(60_000),
        })
        .prefault({}),
    })
    .prefault({}),
  sources: z.strictObject(sourcesShape).prefault({}),
});

export type PriceAggregatorConfigInput = z.input<typeof priceAggregatorConfigSchema>;
export type PriceAggregatorConfigParsed = z.infer<typeof priceAggregatorConfigSchema>;
export type SourceConfigParsed = z.infer<typeof sourceSchema>;
export type MetricsPushConfigParsed = z.infer<typeof metricsPushSchema>;
export type PairSource = z.infer<typeof pairSourceSchema>;
