import { describe, expect, it } from 'vitest';
import { BENCHES, selectBenches } from './benches.js';

const args = (id: string, options: Parameters<(typeof BENCHES)[number]['args']>[0]): string[] =>
  selectBenches(id)[0]?.args(options) ?? [];

describe('benches', () => {
  it('passes --quick and --feeds to the OCR bench', () => {
    expect(args('ocr', { quick: false })).toEqual([]);
    expect(args('ocr', { quick: true, feeds: '1,50' })).toEqual(['--quick', '--feeds', '1,50']);
  });

  it('gives the aggregator bench short windows for --quick, explicit ones winning', () => {
    expect(args('price-aggregator', { quick: false })).toEqual([]);
    expect(args('price-aggregator', { quick: true })).toEqual(['--duration', '10', '--load-seconds', '3']);
    expect(args('price-aggregator', { quick: true, duration: '20' })).toEqual([
      '--duration',
      '20',
      '--load-seconds',
      '3',
    ]);
  });

  it('selects benches by id, in the order asked, and rejects unknown ones', () => {
    expect(selectBenches(undefined).map((b) => b.id)).toEqual(BENCHES.map((b) => b.id));
    expect(selectBenches('ocr, price-aggregator').map((b) => b.id)).toEqual(['ocr', 'price-aggregator']);
    expect(() => selectBenches('nope')).toThrow(/unknown bench "nope"/);
  });
});
