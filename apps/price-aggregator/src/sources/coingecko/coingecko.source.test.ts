import { describe, expect, it } from 'vitest';
import type { Pair } from '../price-source.js';
import { coingecko, coinGeckoGlobal } from './index.js';
import { COINGECKO_COIN_IDS, COINGECKO_VS_CURRENCIES, coinGeckoIdOf } from './coingecko.symbols.js';
import errorKeyMissing from './fixtures/error-key-missing.json' with { type: 'json' };
import errorProKey from './fixtures/error-pro-key-on-public-host.json' with { type: 'json' };
import errorRateLimited from './fixtures/error-rate-limited.json' with { type: 'json' };
import global from './fixtures/global.json' with { type: 'json' };
import simplePricePartial from './fixtures/simple-price-partial.json' with { type: 'json' };
import simplePrice from './fixtures/simple-price.json' with { type: 'json' };

const { http } = coingecko;
const pair = (base: string, quote: string): Pair => ({ base, quote });
const quotes = (body: unknown, pairs: Pair[]) => http.toQuotes(http.responseSchema.parse(body), pairs);
const query = (path: string) => new URLSearchParams(path.slice(path.indexOf('?') + 1));

describe('coingecko symbol map', () => {
  it('maps well-known symbols to their real CoinGecko ids (never batcat)', () => {
    expect(COINGECKO_COIN_IDS).toMatchObject({
      BTC: 'bitcoin',
      ETH: 'ethereum',
      LINK: 'chainlink',
      WSTETH: 'wrapped-steth',
      USDT: 'tether',
      USDC: 'usd-coin',
      BNB: 'binancecoin',
      XRP: 'ripple',
      AVAX: 'avalanche-2',
      MATIC: 'matic-network',
      SNX: 'havven',
      STETH: 'staked-ether',
      WBTC: 'wrapped-bitcoin',
    });
    expect(Object.values(COINGECKO_COIN_IDS)).not.toContain('batcat');
    expect(Object.keys(COINGECKO_COIN_IDS).length).toBeGreaterThanOrEqual(40);
  });

  it('maps no two symbols to one id, except the intended aliases', () => {
    const intended: Record<string, string[]> = { bitcoin: ['BTC', 'XBT'] };
    const bySymbol = new Map<string, string[]>();
    for (const [symbol, id] of Object.entries(COINGECKO_COIN_IDS))
      bySymbol.set(id, [...(bySymbol.get(id) ?? []), symbol]);
    const shared = Object.fromEntries([...bySymbol].filter(([, symbols]) => symbols.length > 1));
    expect(shared).toEqual(intended);
  });

  it('never lets a symbol read as the id of a different coin', () => {
    const ids = new Set<string>(Object.values(COINGECKO_COIN_IDS));
    for (const [symbol, id] of Object.entries(COINGECKO_COIN_IDS)) {
      if (ids.has(symbol.toLowerCase())) expect(symbol.toLowerCase(), symbol).toBe(id);
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(symbol).toMatch(/^[A-Z0-9]+$/);
    }
  });

  it('resolves symbols, raw ids in any case, and nothing else', () => {
    expect(coinGeckoIdOf('BTC')).toBe('bitcoin');
    expect(coinGeckoIdOf('ETHEREUM')).toBe('ethereum');
    expect(coinGeckoIdOf('ethereum')).toBe('ethereum');
    expect(coinGeckoIdOf('WRAPPED-STETH')).toBe('wrapped-steth');
    expect(coinGeckoIdOf('BATCAT')).toBeUndefined();
    expect(coinGeckoIdOf('NOPE')).toBeUndefined();
  });

  it('supports mapped bases in CoinGecko vs currencies only', () => {
    expect(http.supports(pair('BTC', 'USD'))).toBe(true);
    expect(http.supports(pair('ETHEREUM', 'EUR'))).toBe(true);
    expect(http.supports(pair('WSTETH', 'ETH'))).toBe(true);
    expect(http.supports(pair('UNKNOWNCOIN', 'USD'))).toBe(false);
    expect(http.supports(pair('BTC', 'USDT'))).toBe(false);
    expect(COINGECKO_VS_CURRENCIES.has('USD')).toBe(true);
  });
});

describe('coingecko requests', () => {
  it('batches ids and currencies into one /simple/price request', () => {
    const request = http.buildRequest(
      [pair('BTC', 'USD'), pair('ETH', 'USD'), pair('BTC', 'EUR'), pair('ETHEREUM', 'EUR')],
      {},
    );
    expect(request.path.startsWith('/api/v3/simple/price?')).toBe(true);
    const q = query(request.path);
    expect(q.get('ids')).toBe('bitcoin,ethereum');
    expect(q.get('vs_currencies')).toBe('usd,eur');
    expect(q.get('include_last_updated_at')).toBe('true');
    expect(request.headers).toEqual({});
    expect(http.maxBatchSize).toBe(100);
  });

  it('sends the key in the pro header on the pro host and the demo header elsewhere, never in the URL', () => {
    const pro = http.buildRequest([pair('BTC', 'USD')], {
      apiKey: 'CG-secret',
      baseUrl: 'https://pro-api.coingecko.com',
    });
    expect(pro.headers).toEqual({ 'x-cg-pro-api-key': 'CG-secret' });
    const demo = http.buildRequest([pair('BTC', 'USD')], {
      apiKey: 'CG-secret',
      baseUrl: 'https://api.coingecko.com',
    });
    expect(demo.headers).toEqual({ 'x-cg-demo-api-key': 'CG-secret' });
    const defaultHost = http.buildRequest([pair('BTC', 'USD')], { apiKey: 'CG-secret' });
    expect(defaultHost.headers).toEqual({ 'x-cg-demo-api-key': 'CG-secret' });
    expect(pro.path).not.toContain('CG-secret');
  });

  it('uses production defaults', () => {
    expect(http.defaultBaseUrl).toBe('https://api.coingecko.com');
    expect(http.defaultRps).toBe(1);
    expect(coingecko.stream).toBeUndefined();
  });
});

describe('coingecko responses', () => {
  it('parses the documented price body into exact decimal strings with timestamps', () => {
    const result = quotes(simplePrice, [
      pair('BTC', 'USD'),
      pair('ETH', 'EUR'),
      pair('WSTETH', 'USD'),
      pair('ETHEREUM', 'USD'),
    ]);
    expect(result).toEqual([
      { pair: pair('BTC', 'USD'), price: '67187.3358', sourceTimestampMs: 1711356300_000 },
      { pair: pair('ETH', 'EUR'), price: '3272.0001', sourceTimestampMs: 1711356298_000 },
      { pair: pair('WSTETH', 'USD'), price: '4121.22', sourceTimestampMs: 1711356290_000 },
      { pair: pair('ETHEREUM', 'USD'), price: '3545.1234567', sourceTimestampMs: 1711356298_000 },
    ]);
  });

  it('reports missing coins and currencies as not_found and null prices as invalid_price', () => {
    const result = quotes(simplePricePartial, [
      pair('LINK', 'USD'),
      pair('LINK', 'EUR'),
      pair('BTC', 'USD'),
      pair('USDT', 'EUR'),
    ]);
    expect(result[0]).toEqual({
      pair: pair('LINK', 'USD'),
      price: '18.42',
      sourceTimestampMs: 1711356280_000,
    });
    expect(result.slice(1).map((r) => 'error' in r && r.error.kind)).toEqual([
      'not_found',
      'not_found',
      'invalid_price',
    ]);
  });

  it('turns zero and negative prices into invalid_price and rejects string prices as schema drift', () => {
    const result = quotes({ bitcoin: { usd: 0 }, ethereum: { usd: -5 } }, [
      pair('BTC', 'USD'),
      pair('ETH', 'USD'),
    ]);
    expect(result.map((r) => 'error' in r && r.error.kind)).toEqual(['invalid_price', 'invalid_price']);
    expect(http.responseSchema.safeParse({ bitcoin: { usd: '67000' } }).success).toBe(false);
    expect(http.responseSchema.safeParse([1, 2]).success).toBe(false);
  });

  it('maps API error bodies to rate_limited and unauthorized', () => {
    const pairs = [pair('BTC', 'USD'), pair('ETH', 'USD')];
    const kinds = (body: unknown) => quotes(body, pairs).map((r) => 'error' in r && r.error.kind);
    expect(kinds(errorRateLimited)).toEqual(['rate_limited', 'rate_limited']);
    expect(kinds(errorKeyMissing)).toEqual(['unauthorized', 'unauthorized']);
    expect(kinds(errorProKey)).toEqual(['unauthorized', 'unauthorized']);
  });
});

describe('coingecko global market data', () => {
  it('builds /api/v3/global with the same auth header', () => {
    expect(coinGeckoGlobal.buildRequest({ apiKey: 'k', baseUrl: 'https://pro-api.coingecko.com' })).toEqual({
      path: '/api/v3/global',
      headers: { 'x-cg-pro-api-key': 'k' },
    });
  });

  it('parses the documented body into decimal strings', () => {
    const result = coinGeckoGlobal.toMarketData(coinGeckoGlobal.responseSchema.parse(global));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.totalMarketCap.usd).toBe('2721226850772.63');
    expect(result.value.marketCapPercentage.btc).toBe('50.4465263233584');
    expect(result.value.marketCapChangePercentage24hUsd).toBe('-1.68465813752221');
    expect(result.value.activeCryptocurrencies).toBe(13690);
    expect(result.value.markets).toBe(1046);
    expect(result.value.updatedAtMs).toBe(1711356305_000);
  });

  it('maps error bodies and rejects a body without a USD market cap', () => {
    const limited = coinGeckoGlobal.toMarketData(coinGeckoGlobal.responseSchema.parse(errorRateLimited));
    expect(!limited.ok && limited.error.kind).toBe('rate_limited');
    const noUsd = structuredClone(global) as { data: { total_market_cap: Record<string, number> } };
    delete noUsd.data.total_market_cap.usd;
    const missing = coinGeckoGlobal.toMarketData(coinGeckoGlobal.responseSchema.parse(noUsd));
    expect(!missing.ok && missing.error.kind).toBe('invalid_price');
    expect(coinGeckoGlobal.responseSchema.safeParse({ data: {} }).success).toBe(false);
  });
});

describe('coingecko source timestamp', () => {
  const OLD_S = Date.UTC(2024, 2, 23, 8, 45) / 1000; // two days before the fixture's own

  it('stamps quotes with last_updated_at (asked for), bounded to 5 min by default', () => {
    expect(query(http.buildRequest([pair('BTC', 'USD')], {}).path).get('include_last_updated_at')).toBe(
      'true',
    );
    const body = { bitcoin: { ...simplePrice.bitcoin, last_updated_at: OLD_S } };
    expect(quotes(body, [pair('BTC', 'USD')])[0]).toMatchObject({ sourceTimestampMs: OLD_S * 1000 });
    const { last_updated_at: _dropped, ...unstamped } = simplePrice.bitcoin;
    expect(quotes({ bitcoin: unstamped }, [pair('BTC', 'USD')])[0]).not.toHaveProperty('sourceTimestampMs');
    expect(http.defaultMaxSourceAgeMs).toBe(300_000);
  });

  it('fails the schema on a last_updated_at that is no instant', () => {
    for (const last_updated_at of [0, -1, 1711356300.5, null])
      expect(
        http.responseSchema.safeParse({ bitcoin: { usd: 1, last_updated_at } }).success,
        String(last_updated_at),
      ).toBe(false);
  });
});
