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
