import { describe, expect, it } from 'vitest';
import {
  addLabelsToLine,
  addLabelsToText,
  chunkExposition,
  escapeLabelValue,
  parseSampleLine,
} from './exposition.js';

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and newline, in that order', () => {
    expect(escapeLabelValue('C:\\path "quoted"\nnext')).toBe('C:\\\\path \\"quoted\\"\\nnext');
  });
});

describe('parseSampleLine', () => {
  it('reads labels whose values contain quotes, braces, commas and backslashes', () => {
    const line = 'http_requests_total{route="/a,{b}",msg="say \\"hi\\"",path="C:\\\\x"} 12 1700000000000';
    expect(parseSampleLine(line)).toEqual({
      name: 'http_requests_total',
      labels: [
        ['route', '/a,{b}'],
        ['msg', 'say \\"hi\\"'],
        ['path', 'C:\\\\x'],
      ],
      rest: ' 12 1700000000000',
    });
  });

  it('accepts samples without labels, a trailing comma and empty braces', () => {
    expect(parseSampleLine('up 1')).toEqual({ name: 'up', labels: [], rest: ' 1' });
    expect(parseSampleLine('up{a="1",} 1')?.labels).toEqual([['a', '1']]);
    expect(parseSampleLine('up{} 1')?.labels).toEqual([]);
  });

  it('rejects malformed lines', () => {
    for (const bad of [
      'up{a="1" 1',
      'up{a=1} 1',
      'up{a="unterminated} 1',
      'up',
      '{a="1"} 1',
      'up{1a="x"} 1',
    ]) {
      expect(parseSampleLine(bad), bad).toBeUndefined();
    }
  });
});

describe('addLabelsToLine', () => {
  const extra = { job: 'price-aggregator', instance: 'tee-1' };

  it('adds a label set to a bare sample and keeps value and timestamp', () => {
    expect(addLabelsToLine('process_cpu_seconds_total 1.5 1700000000000', extra)).toBe(
      'process_cpu_seconds_total{job="price-aggregator",instance="tee-1"} 1.5 1700000000000',
    );
  });

  it('merges into an existing label set, keeping existing escapes byte for byte', () => {
    expect(addLabelsToLine('m{a="x \\"y\\" \\\\ \\n"} 3', extra)).toBe(
      'm{a="x \\"y\\" \\\\ \\n",job="price-aggregator",instance="tee-1"} 3',
    );
  });

  it('lets an added label replace one of the same name, like a Pushgateway grouping key', () => {
    expect(addLabelsToLine('m{instance="old",le="0.5"} 3', extra)).toBe(
      'm{le="0.5",job="price-aggregator",instance="tee-1"} 3',
    );
  });

  it('escapes added values', () => {
    expect(addLabelsToLine('m 1', { note: 'a"b\\c\nd' })).toBe('m{note="a\\"b\\\\c\\nd"} 1');
  });

  it('leaves comments, blank lines and unparseable lines alone', () => {
    for (const line of ['# HELP m Help with {braces} and "quotes"', '# TYPE m gauge', '', 'garbage line{']) {
      expect(addLabelsToLine(line, extra)).toBe(line);
    }
  });

  it('transforms a whole body line by line', () => {
    const body = '# TYPE m counter\nm{a="1"} 1\nm{a="2"} 2\n';
    expect(addLabelsToText(body, { env: 'test' })).toBe(
      '# TYPE m counter\nm{a="1",env="test"} 1\nm{a="2",env="test"} 2\n',
    );
  });
});

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
