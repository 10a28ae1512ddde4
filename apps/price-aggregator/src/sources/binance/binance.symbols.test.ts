import { describe, expect, it } from 'vitest';
import { binanceMiniTickerStream, binanceSymbol, pairFromBinanceSymbol } from './binance.symbols.js';

describe('binance symbols', () => {
  it('spells pairs the Binance way', () => {
    expect(binanceSymbol({ base: 'BTC', quote: 'USDT' })).toBe('BTCUSDT');
    expect(binanceMiniTickerStream({ base: 'ETH', quote: 'BTC' })).toBe('ethbtc@miniTicker');
  });

  it('splits symbols back by their quote asset, preferring the longest', () => {
    expect(pairFromBinanceSymbol('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(pairFromBinanceSymbol('BTCFDUSD')).toEqual({ base: 'BTC', quote: 'FDUSD' });
    expect(pairFromBinanceSymbol('ETHBTC')).toEqual({ base: 'ETH', quote: 'BTC' });
    expect(pairFromBinanceSymbol('WBTCBTC')).toEqual({ base: 'WBTC', quote: 'BTC' });
    expect(pairFromBinanceSymbol('USDT')).toBeUndefined();
    expect(pairFromBinanceSymbol('BTCXYZ')).toBeUndefined();
  });
});
