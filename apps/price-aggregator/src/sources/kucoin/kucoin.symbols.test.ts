import { describe, expect, it } from 'vitest';
import { kucoinSymbol, pairFromKucoinSymbol } from './kucoin.symbols.js';

describe('kucoin symbols', () => {
  it('spells pairs as BASE-QUOTE and reads them back', () => {
    expect(kucoinSymbol({ base: 'BTC', quote: 'USDT' })).toBe('BTC-USDT');
    expect(pairFromKucoinSymbol('KCS-BTC')).toEqual({ base: 'KCS', quote: 'BTC' });
  });

  it('refuses what is not BASE-QUOTE', () => {
    expect(pairFromKucoinSymbol('BTCUSDT')).toBeUndefined();
    expect(pairFromKucoinSymbol('BTC-USDT-X')).toBeUndefined();
  });
});
