import { describe, expect, it } from 'vitest';
import { bybitSymbol, bybitTickerTopic, pairFromBybitSymbol } from './bybit.symbols.js';

describe('bybit symbols', () => {
  it('spells pairs and topics the Bybit way', () => {
    expect(bybitSymbol({ base: 'BTC', quote: 'USDT' })).toBe('BTCUSDT');
    expect(bybitTickerTopic({ base: 'ETH', quote: 'USDC' })).toBe('tickers.ETHUSDC');
  });

  it('splits symbols back by their quote asset', () => {
    expect(pairFromBybitSymbol('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT' });
    expect(pairFromBybitSymbol('ETHBTC')).toEqual({ base: 'ETH', quote: 'BTC' });
    expect(pairFromBybitSymbol('MNTUSDC')).toEqual({ base: 'MNT', quote: 'USDC' });
    expect(pairFromBybitSymbol('BTCXYZ')).toBeUndefined();
  });
});
