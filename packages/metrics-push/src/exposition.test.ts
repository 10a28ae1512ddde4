import { describe, expect, it } from 'vitest';
import { chunkExposition } from './exposition.js';

describe('chunkExposition', () => {
  const body = [
    '# HELP a_total A.',
    '# TYPE a_total counter',
    'a_total{k="1"} 1',
    'a_total{k="2"} 2',
    'a_total{k="3"} 3',
    '# HELP empty Nothing here.',
    '# TYPE empty gauge',
    '# HELP h Histogram.',
    '# TYPE h histogram',
    'h_bucket{le="1"} 1',
    'h_bucket{le="+Inf"} 2',
    'h_sum 3',
    'h_count 2',
    '',
  ].join('\n');

  const samplesOf = (chunk: string): string[] =>
    chunk.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

  it('puts at most batchSize samples in each chunk and every sample in exactly one', () => {
    const chunks = chunkExposition(body, 2);
    expect(chunks.map((c) => samplesOf(c).length)).toEqual([2, 2, 2, 1]);
    expect(chunks.flatMap(samplesOf)).toEqual(samplesOf(body));
  });

  it('repeats the HELP and TYPE lines of a family cut across chunks', () => {
    const chunks = chunkExposition(body, 2);
    expect(chunks[1]).toBe(
      '# HELP a_total A.\n# TYPE a_total counter\na_total{k="3"} 3\n# HELP h Histogram.\n# TYPE h histogram\nh_bucket{le="1"} 1\n',
    );
    expect(chunks[2]).toBe('# HELP h Histogram.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 3\n');
  });

  it('drops families without samples and returns the body whole when it fits', () => {
    const [only, ...none] = chunkExposition(body, 1000);
    expect(none).toEqual([]);
    expect(only).not.toContain('empty');
    expect(samplesOf(only ?? '')).toEqual(samplesOf(body));
    expect(chunkExposition('# TYPE x gauge\n', 10)).toEqual([]);
  });

  it('refuses a batch size below 1', () => {
    expect(() => chunkExposition(body, 0)).toThrow(RangeError);
  });
});
