import { httpRequest, toFixedPoint } from '@oracle/core';
import { isInt192 } from '@oracle/evm';
import type { Logger } from '@oracle/logger';
import { z } from 'zod';
import type { ObservationRequest, Observer } from '../ports/observer.js';

export interface AggregatorObserverOptions {
  /** The price aggregator, e.g. http://127.0.0.1:3000. */
  readonly baseUrl: string;
  /** Whole request deadline (nodes.observationTimeoutMs). */
  readonly timeoutMs: number;
  /** Requests arriving within this window share one HTTP request (default 50 ms). */
  readonly windowMs?: number;
  readonly logger: Logger;
}

/** The aggregator answers at most this many pairs per request (its MAX_BATCH_PAIRS). */
export const MAX_PAIRS_PER_REQUEST = 500;

const batchResponseSchema = z.object({
  pairs: z.record(z.string(), z.object({ price: z.string().optional(), error: z.string().optional() })),
});

interface Waiter {
  readonly decimals: number;
  readonly resolve: (value: bigint | undefined) => void;
}

/**
 * Observations from the price aggregator's `GET /quotes/batch`: every feed whose observation is
 * asked for within `windowMs` of the first shares one request, so a node makes one request per
 * round tick for all its feeds. The cross-source median becomes an int192 with the feed's
 * decimals, truncated like Chainlink's `decimal.BigInt()`. A pair the aggregator cannot answer,
 * an error or a timeout gives no observation for that feed.
 */
export class AggregatorObserver implements Observer {
  readonly #o: AggregatorObserverOptions;
  #pending = new Map<string, Waiter[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AggregatorObserverOptions) {
    this.#o = options;
  }

  observe(request: ObservationRequest): Promise<bigint | undefined> {
    return new Promise((resolve) => {
      const waiters = this.#pending.get(request.pair) ?? [];
      waiters.push({ decimals: request.decimals, resolve });
      this.#pending.set(request.pair, waiters);
      if (this.#timer === undefined) this.#timer = setTimeout(() => this.#flush(), this.#o.windowMs ?? 50);
    });
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#timer = undefined;
    const pairs = [...batch.keys()];
    for (let i = 0; i < pairs.length; i += MAX_PAIRS_PER_REQUEST) {
      const chunk = pairs.slice(i, i + MAX_PAIRS_PER_REQUEST);
      void this.#fetchPrices(chunk).then((prices) => {
        for (const pair of chunk) {
          const price = prices.get(pair);
          for (const waiter of batch.get(pair) ?? [])
            waiter.resolve(price === undefined ? undefined : scaled(price, waiter.decimals));
        }
      });
    }
  }

  /** Pair → aggregated decimal price, for the pairs the aggregator answered. Never rejects. */
  async #fetchPrices(pairs: readonly string[]): Promise<Map<string, string>> {
    const { baseUrl, timeoutMs, logger } = this.#o;
    const url = `${baseUrl}/quotes/batch?pairs=${pairs.map((p) => encodeURIComponent(p.replace('/', '-'))).join(',')}`;
    const prices = new Map<string, string>();
    try {
      const response = await httpRequest(url, { timeoutMs });
      if (response.status < 200 || response.status >= 300) {
        logger.warn({ status: response.status, pairs: pairs.length }, 'Price aggregator refused the batch');
        return prices;
      }
      const parsed = batchResponseSchema.safeParse(JSON.parse(response.body));
      if (!parsed.success) {
        logger.warn(
          { issue: parsed.error.issues[0]?.message },
          'Price aggregator answered in an unexpected shape',
        );
        return prices;
      }
      for (const pair of pairs) {
        const answer = parsed.data.pairs[pair];
        if (answer?.price !== undefined) prices.set(pair, answer.price);
        else logger.warn({ pair, error: answer?.error ?? 'not in the answer' }, 'No price for a feed');
      }
    } catch (error) {
      logger.warn(
        { pairs: pairs.length, error: (error as Error).message },
        'Price aggregator request failed',
      );
    }
    return prices;
  }
}

/** The decimal price times 10^decimals, truncated towards zero; undefined if it does not fit in int192. */
export function scaled(price: string, decimals: number): bigint | undefined {
  const value = toFixedPoint(price, decimals);
  return value !== undefined && isInt192(value) ? value : undefined;
}
