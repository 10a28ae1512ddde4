import { describe, expect, it } from 'vitest';
import { coinbaseProductId, pairFromCoinbaseProductId } from './coinbase.symbols.js';

describe('coinbase symbols', () => {
  it('spells pairs as product ids and reads them back', () => {
    expect(coinbaseProductId({ base: 'BTC', quote: 'USD' })).toBe('BTC-USD');
    expect(pairFromCoinbaseProductId('ETH-EUR')).toEqual({ base: 'ETH', quote: 'EUR' });
  });

  it('refuses ids that are not spot pairs', () => {
    expect(pairFromCoinbaseProductId('BIT-27JUN25-CDE')).toBeUndefined();
    expect(pairFromCoinbaseProductId('BTCUSD')).toBeUndefined();
  });
});
