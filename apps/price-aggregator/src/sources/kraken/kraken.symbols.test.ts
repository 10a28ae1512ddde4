import { describe, expect, it } from 'vitest';
import {
  krakenPairName,
  krakenResultKeys,
  krakenWsSymbol,
  pairFromKrakenWsSymbol,
} from './kraken.symbols.js';

describe('kraken symbols', () => {
  it('asks REST for Kraken codes (XBT, XDG)', () => {
    expect(krakenPairName({ base: 'BTC', quote: 'USD' })).toBe('XBTUSD');
    expect(krakenPairName({ base: 'DOGE', quote: 'USD' })).toBe('XDGUSD');
    expect(krakenPairName({ base: 'SOL', quote: 'EUR' })).toBe('SOLEUR');
    expect(krakenPairName({ base: 'ETH', quote: 'BTC' })).toBe('ETHXBT');
  });

  it('knows the legacy keys an answer may use for a pair', () => {
    expect(krakenResultKeys({ base: 'BTC', quote: 'USD' })).toEqual([
      'XBTUSD',
      'XXBTZUSD',
      'XXBTUSD',
      'XBTZUSD',
    ]);
    expect(krakenResultKeys({ base: 'ETH', quote: 'BTC' })).toContain('XETHXXBT');
    expect(krakenResultKeys({ base: 'USDT', quote: 'USD' })).toEqual(['USDTUSD', 'USDTZUSD']);
    expect(krakenResultKeys({ base: 'SOL', quote: 'USDT' })).toEqual(['SOLUSDT']);
  });

  it('uses common tickers on the v2 stream and reads XBT back as BTC', () => {
    expect(krakenWsSymbol({ base: 'BTC', quote: 'USD' })).toBe('BTC/USD');
    expect(pairFromKrakenWsSymbol('BTC/USD')).toEqual({ base: 'BTC', quote: 'USD' });
    expect(pairFromKrakenWsSymbol('XBT/EUR')).toEqual({ base: 'BTC', quote: 'EUR' });
    expect(pairFromKrakenWsSymbol('BTCUSD')).toBeUndefined();
  });
});
