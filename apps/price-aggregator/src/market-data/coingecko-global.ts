/**
 * CoinGecko's global market data (`/api/v3/global`), refreshed every `refreshIntervalMs` through
 * the coingecko source's runner (its rate limit, retries and metrics) and cached. Numbers become
 * decimal strings; the shape is the reference's `/market-data/global`.
 */
import { numberToDecimalString } from '@oracle/core';
import type { Logger } from '@oracle/logger';
import { z } from 'zod';
import type { HttpSourceRunner } from '../sources/http-source-runner.js';
import type { SourceSettings } from '../sources/source-catalog.js';

const numberMap = z.record(z.string(), z.number());

export const coingeckoGlobalSchema = z.object({
  data: z.object({
    active_cryptocurrencies: z.number().int().nonnegative(),
    markets: z.number().int().nonnegative(),
    total_market_cap: numberMap,
    total_volume: numberMap,
    market_cap_percentage: numberMap,
    market_cap_change_percentage_24h_usd: z.number(),
    updated_at: z.number().int().positive(),
  }),
});

export interface GlobalMarketData {
  readonly totalMarketCap: Record<string, string>;
  readonly totalVolume: Record<string, string>;
  readonly marketCapPercentage: Record<string, string>;
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

export class CoingeckoGlobal {
  private latest: { data: GlobalMarketData; fetchedAtMs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** The coingecko source, or undefined when global market data is disabled or coingecko unusable. */
    private readonly source: SourceSettings | undefined,
    private readonly runner: Pick<HttpSourceRunner, 'request'>,
    private readonly refreshIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.source) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The latest data, or undefined before the first successful fetch. */
  get data(): GlobalMarketData | undefined {
    return this.latest?.data;
  }

  status(): GlobalMarketStatus {
    return {
      enabled: this.source !== undefined,
      available: this.latest !== undefined,
      dataAgeMs: this.latest ? Date.now() - this.latest.fetchedAtMs : null,
      lastUpdateAt: this.latest ? new Date(this.latest.fetchedAtMs).toISOString() : null,
    };
  }

  async refresh(): Promise<boolean> {
    if (!this.source) return false;
    const result = await this.runner.request(this.source, { path: '/api/v3/global' }, coingeckoGlobalSchema);
    if (!result.ok) {
      this.logger.warn(
        { kind: result.error.kind, reason: result.error.message },
        'Global market data refresh failed',
      );
      return false;
    }
    const d = result.value.data;
    this.latest = {
      fetchedAtMs: Date.now(),
      data: {
        totalMarketCap: decimals(d.total_market_cap),
        totalVolume: decimals(d.total_volume),
        marketCapPercentage: decimals(d.market_cap_percentage),
        marketCapChangePercentage24h: numberToDecimalString(d.market_cap_change_percentage_24h_usd) ?? '0',
        activeCryptocurrencies: d.active_cryptocurrencies,
        markets: d.markets,
        updatedAt: new Date(d.updated_at * 1000).toISOString(),
      },
    };
    return true;
  }
}

function decimals(values: Record<string, number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).flatMap(([k, v]) => {
      const text = numberToDecimalString(v);
      return text === undefined ? [] : [[k, text]];
    }),
  );
}
