import { describe, expect, it } from 'vitest';
import type { SourceId } from '../sources/price-source.js';
import { aggregate, type SourceQuote } from './aggregate.js';

const NOW = 1_000_000;
const policy = { minSources: 1, maxDeviationPpb: 50_000_000 }; // 5 %

function quotes(...entries: Array<[SourceId, string, number?]>): SourceQuote[] {
  return entries.map(([source, price, expiresAtMs = NOW + 1_000]) => ({
    source,
    price,
    receivedAtMs: NOW - 10,
    expiresAtMs,
  }));
}

describe('aggregate', () => {
  it('takes the middle value of an odd count', () => {
    const result = aggregate(
      quotes(['binance', '100.5'], ['okx', '100.1'], ['kraken', '100.3']),
      policy,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      value: { price: '100.3', contributors: ['binance', 'okx', 'kraken'], rejected: [] },
    });
  });

  it('takes the exact mean of the two middle values of an even count', () => {
    const result = aggregate(
      quotes(['binance', '100'], ['okx', '101'], ['kraken', '99'], ['coinbase', '100.000000000000000001']),
      policy,
      NOW,
    );
    expect(result.ok && result.value.price).toBe('100.0000000000000000005');
    const two = aggregate(
      quotes(['binance', '0.1'], ['okx', '0.3']),
      { minSources: 2, maxDeviationPpb: 500_000_000 },
      NOW,
    );
    expect(two.ok && two.value.price).toBe('0.2');
  });

  it('handles ties and mixed scales', () => {
    const result = aggregate(
      quotes(['binance', '65000'], ['okx', '65000.00'], ['kraken', '65000.0'], ['coinbase', '64999.99']),
      policy,
      NOW,
    );
    expect(result.ok && result.value.price).toBe('65000');
  });

  it('rejects outliers beyond the deviation from the first median and takes the median again', () => {
    const result = aggregate(
      quotes(['binance', '100'], ['okx', '101'], ['kraken', '102'], ['coinbase', '150'], ['bybit', '1']),
      policy,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        price: '101',
        contributors: ['binance', 'okx', 'kraken'],
        rejected: [
          { source: 'coinbase', price: '150', reason: 'outlier' },
          { source: 'bybit', price: '1', reason: 'outlier' },
        ],
      },
    });
  });

  it('keeps a quote exactly at the deviation limit and drops one just beyond', () => {
    const atLimit = aggregate(quotes(['binance', '100'], ['okx', '100'], ['kraken', '105']), policy, NOW);
    expect(atLimit.ok && atLimit.value.contributors).toEqual(['binance', 'okx', 'kraken']);
    const beyond = aggregate(
      quotes(['binance', '100'], ['okx', '100'], ['kraken', '105.0000001']),
      policy,
      NOW,
    );
    expect(beyond.ok && beyond.value.rejected).toEqual([
      { source: 'kraken', price: '105.0000001', reason: 'outlier' },
    ]);
  });

  it('drops stale and non-positive quotes', () => {
    const result = aggregate(
      quotes(['binance', '100', NOW], ['okx', '0'], ['kraken', '-3'], ['coinbase', '99'], ['bybit', '101']),
      policy,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        price: '100',
        contributors: ['coinbase', 'bybit'],
        rejected: [
          { source: 'binance', price: '100', reason: 'stale' },
          { source: 'okx', price: '0', reason: 'non_positive' },
          { source: 'kraken', price: '-3', reason: 'non_positive' },
        ],
      },
    });
  });

  it('requires minSources before and after outlier rejection', () => {
    const strict = { minSources: 3, maxDeviationPpb: 10_000_000 };
    const tooFew = aggregate(quotes(['binance', '100'], ['okx', '100'], ['kraken', '0']), strict, NOW);
    expect(tooFew).toEqual({
      ok: false,
      error: {
        message: '2 usable quote(s), 3 required',
        rejected: [{ source: 'kraken', price: '0', reason: 'non_positive' }],
      },
    });
    const split = aggregate(quotes(['binance', '100'], ['okx', '100'], ['kraken', '120']), strict, NOW);
    expect(split.ok).toBe(false);
    expect(!split.ok && split.error.rejected).toEqual([
      { source: 'kraken', price: '120', reason: 'outlier' },
    ]);
    expect(aggregate([], policy, NOW).ok).toBe(false);
  });
});

describe('aggregate: the sources own timestamps (stale_at_source)', () => {
  const AT = Date.UTC(2024, 5, 10, 12); // aggregation time
  const TWO_DAYS_MS = 2 * 86_400_000;
  /** A quote fresh in the cache, stamped `ageMs` before AT by its source (negative: ahead), bound `maxSourceAgeMs`. */
  const stamped = (
    source: SourceId,
    price: string,
    ageMs?: number,
    maxSourceAgeMs = 60_000,
  ): SourceQuote => ({
    source,
    price,
    receivedAtMs: AT - 10,
    expiresAtMs: AT + 10_000,
    ...(ageMs === undefined ? {} : { sourceTimestampMs: AT - ageMs, maxSourceAgeMs }),
  });

  it('rejects a quote stamped longer ago than its bound, with its timestamp, age and bound, and never counts it', () => {
    const result = aggregate(
      [stamped('okx', '100', TWO_DAYS_MS), stamped('binance', '101', 5_000), stamped('kraken', '102')],
      policy,
      AT,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        price: '101.5',
        contributors: ['binance', 'kraken'],
        rejected: [
          {
            source: 'okx',
            price: '100',
            reason: 'stale_at_source',
            message: "okx's timestamp 2024-06-08T12:00:00.000Z is 2 d old (bound 60 s)",
          },
        ],
      },
    });
  });

  it('holds each source to its own bound, up to the instant the age reaches it', () => {
    const weekly = 6 * 86_400_000;
    const result = aggregate(
      [
        stamped('frankfurter', '1.08', 5 * 86_400_000, weekly),
        stamped('okx', '1.081', 59_999),
        stamped('bybit', '1.082', 60_000),
      ],
      policy,
      AT,
    );
    expect(result.ok && result.value.contributors).toEqual(['frankfurter', 'okx']);
    expect(result.ok && result.value.rejected).toEqual([
      {
        source: 'bybit',
        price: '1.082',
        reason: 'stale_at_source',
        message: "bybit's timestamp 2024-06-10T11:59:00.000Z is 60 s old (bound 60 s)",
      },
    ]);
  });

  it('does not believe a timestamp more than 60 s ahead of the clock; a little ahead is fine', () => {
    const result = aggregate(
      [
        stamped('okx', '100', -59_000),
        stamped('kucoin', '100', -3_600_000),
        stamped('bybit', '100', -61_000),
      ],
      policy,
      AT,
    );
    expect(result.ok && result.value.contributors).toEqual(['okx']);
    expect(result.ok && result.value.rejected).toEqual([
      {
        source: 'kucoin',
        price: '100',
        reason: 'stale_at_source',
        message:
          "kucoin's timestamp 2024-06-10T13:00:00.000Z is 60 min ahead of this clock (at most 60 s is believed)",
      },
      expect.objectContaining({ source: 'bybit', reason: 'stale_at_source' }),
    ]);
  });

  it('counts only quotes fresh at their source toward minSources, and keeps them out of the outlier median', () => {
    const strict = { minSources: 2, maxDeviationPpb: 10_000_000 };
    const tooFew = aggregate(
      [stamped('okx', '100', TWO_DAYS_MS), stamped('binance', '100', 1_000)],
      strict,
      AT,
    );
    expect(tooFew).toMatchObject({
      ok: false,
      error: {
        message: '1 usable quote(s), 2 required',
        rejected: [{ source: 'okx', reason: 'stale_at_source' }],
      },
    });
    // Two stale quotes far from the live ones would drag the first median and reject the live ones as outliers.
    const result = aggregate(
      [
        stamped('okx', '50', TWO_DAYS_MS),
        stamped('kucoin', '50', TWO_DAYS_MS),
        stamped('binance', '100', 1_000),
        stamped('kraken', '100.5', 1_000),
      ],
      strict,
      AT,
    );
    expect(result.ok && result.value).toMatchObject({ price: '100.25', contributors: ['binance', 'kraken'] });
  });

  it('reports a quote past its cache expiry as stale, whatever its timestamp says', () => {
    const expired = { ...stamped('okx', '100', TWO_DAYS_MS), expiresAtMs: AT };
    expect(aggregate([expired], policy, AT)).toMatchObject({
      ok: false,
      error: { rejected: [{ source: 'okx', price: '100', reason: 'stale' }] },
    });
  });
});
