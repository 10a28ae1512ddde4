/**
 * CoinGecko's global market data (`/api/v3/global`), refreshed every `refreshIntervalMs` through
 * the coingecko source's runner (its host, key, rate limit, retries and metrics) and cached.
 * Served in the reference's `/market-data/global` shape, with amounts as decimal strings.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AggregatorConfig } from '@oracle/config';
import type { Logger } from '@oracle/logger';
import { Clock } from '../clock.js';
import { AGGREGATOR_CONFIG, LOGGER } from '../config/config.tokens.js';
import { HttpSourceRunner } from '../sources/http-source-runner.js';
import { coinGeckoGlobal } from '../sources/coingecko/index.js';
import { SourceCatalog, type SourceSettings } from '../sources/source-catalog.js';

const TIMER = 'coingecko-global';

export interface GlobalMarketResponse {
  readonly totalMarketCap: Readonly<Record<string, string>>;
  readonly totalVolume: Readonly<Record<string, string>>;
  readonly marketCapPercentage: Readonly<Record<string, string>>;
  readonly marketCapChangePercentage24h: string;
  readonly activeCryptocurrencies: number;
  readonly markets: number;
  /** CoinGecko's own update time. */
  readonly updatedAt: string;
}

export interface GlobalMarketStatus {
  readonly enabled: boolean;
  readonly available: boolean;
  readonly dataAgeMs: number | null;
  readonly lastUpdateAt: string | null;
}

@Injectable()
export class CoingeckoGlobal implements OnApplicationBootstrap, OnApplicationShutdown {
  private latest: { data: GlobalMarketResponse; fetchedAtMs: number } | undefined;
  /** The coingecko source, or undefined when global market data is disabled or coingecko unusable. */
  private readonly source: SourceSettings | undefined;
  private readonly refreshIntervalMs: number;
  private readonly logger: Logger;

  constructor(
    @Inject(AGGREGATOR_CONFIG) config: Pick<AggregatorConfig, 'marketData'>,
    @Inject(SourceCatalog) catalog: SourceCatalog,
    @Inject(HttpSourceRunner) private readonly runner: Pick<HttpSourceRunner, 'request'>,
    @Inject(SchedulerRegistry) private readonly timers: SchedulerRegistry,
    @Inject(Clock) private readonly clock: Pick<Clock, 'now'>,
    @Inject(LOGGER) logger: Logger,
  ) {
    const settings = config.marketData.coingeckoGlobal;
    const coingecko = catalog.get('coingecko');
    this.logger = logger.child({ component: 'market-data' });
    if (settings.enabled && !coingecko?.enabled)
      this.logger.warn('Global market data is enabled but the coingecko source is not usable; disabled');
    this.source = settings.enabled && coingecko?.enabled ? coingecko : undefined;
    this.refreshIntervalMs = settings.refreshIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (!this.source) return;
    void this.refresh();
    this.timers.addInterval(
      TIMER,
      setInterval(() => void this.refresh(), this.refreshIntervalMs),
    );
  }

  onApplicationShutdown(): void {
    if (this.timers.doesExist('interval', TIMER)) this.timers.deleteInterval(TIMER);
  }

  /** The latest data, or undefined before the first successful fetch. */
  get data(): GlobalMarketResponse | undefined {
    return this.latest?.data;
  }

  status(): GlobalMarketStatus {
    return {
      enabled: this.source !== undefined,
      available: this.latest !== undefined,
      dataAgeMs: this.latest ? this.clock.now() - this.latest.fetchedAtMs : null,
      lastUpdateAt: this.latest ? new Date(this.latest.fetchedAtMs).toISOString() : null,
    };
  }

  /** Fetches once; on failure the previous data stays. Returns whether it succeeded. */
  async refresh(): Promise<boolean> {
    if (!this.source) return false;
    const response = await this.runner.request(
      this.source,
      coinGeckoGlobal.buildRequest(this.source.context),
      coinGeckoGlobal.responseSchema,
    );
    const result = response.ok ? coinGeckoGlobal.toMarketData(response.value) : response;
    if (!result.ok) {
      this.logger.warn(
        { kind: result.error.kind, reason: result.error.message },
        'Global market data refresh failed',
      );
      return false;
    }
    const d = result.value;
    this.latest = {
      fetchedAtMs: this.clock.now(),
      data: {
        totalMarketCap: d.totalMarketCap,
        totalVolume: d.totalVolume,
        marketCapPercentage: d.marketCapPercentage,
        marketCapChangePercentage24h: d.marketCapChangePercentage24hUsd,
        activeCryptocurrencies: d.activeCryptocurrencies,
        markets: d.markets,
        updatedAt: new Date(d.updatedAtMs).toISOString(),
      },
    };
    return true;
  }
}
