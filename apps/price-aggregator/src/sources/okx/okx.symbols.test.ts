import { describe, expect, it } from 'vitest';
import { okxInstId, pairFromOkxInstId } from './okx.symbols.js';

describe('okx symbols', () => {
  it('spells spot pairs as BASE-QUOTE and reads them back', () => {
    expect(okxInstId({ base: 'BTC', quote: 'USDT' })).toBe('BTC-USDT');
    expect(pairFromOkxInstId('ETH-BTC')).toEqual({ base: 'ETH', quote: 'BTC' });
  });

  it('refuses instrument ids that are not spot pairs', () => {
    expect(pairFromOkxInstId('BTC-USDT-SWAP')).toBeUndefined();
    expect(pairFromOkxInstId('BTCUSDT')).toBeUndefined();
    expect(pairFromOkxInstId('-USDT')).toBeUndefined();
  });
});
