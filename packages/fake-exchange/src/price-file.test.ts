import { describe, expect, it } from 'vitest';
import { parsePriceFile, parseReplayFile } from './price-file.js';

describe('prices file', () => {
  it('reads prices for every exchange and per-exchange overrides', () => {
    expect(
      parsePriceFile({
        'BTC/USD': '65000.12',
        'eth/usdt': '3500',
        sources: { binance: { 'BTC/USDT': '65010.5' } },
      }),
    ).toEqual([
      { base: 'BTC', quote: 'USD', price: '65000.12' },
      { base: 'ETH', quote: 'USDT', price: '3500' },
      { source: 'binance', base: 'BTC', quote: 'USDT', price: '65010.5' },
    ]);
  });

  it('names what is wrong', () => {
    expect(() => parsePriceFile(['BTC/USD'])).toThrow(/expected an object/);
    expect(() => parsePriceFile({ BTCUSD: '1' })).toThrow(/"BTCUSD" is not a pair/);
    expect(() => parsePriceFile({ 'BTC/USD': 65000 })).toThrow(/price of BTC\/USD must be a decimal string/);
    expect(() => parsePriceFile({ sources: { okx: { 'BTC/USDT': '-1' } } })).toThrow(/sources\.okx/);
  });
});

describe('replay file', () => {
  it('reads JSON lines into steps ordered by time', () => {
    const text = [
      '{"timeMs": 2000, "pair": "BTC/USD", "price": "65001"}',
      '',
      '{"timeMs": 1000, "pair": "BTC/USDT", "price": "65000", "source": "binance"}',
    ].join('\n');
    expect(parseReplayFile(text)).toEqual([
      { timeMs: 1000, source: 'binance', base: 'BTC', quote: 'USDT', price: '65000' },
      { timeMs: 2000, base: 'BTC', quote: 'USD', price: '65001' },
    ]);
  });

  it('names the line that is wrong', () => {
    expect(() => parseReplayFile('{"timeMs": 1, "pair": "BTC/USD", "price": "1"}\nnope')).toThrow(
      /replay line 2: not JSON/,
    );
    expect(() => parseReplayFile('{"pair": "BTC/USD", "price": "1"}')).toThrow(/replay line 1: expected/);
    expect(() => parseReplayFile('{"timeMs": 1, "pair": "BTC/USD", "price": "1", "source": 5}')).toThrow(
      /source/,
    );
  });
});
