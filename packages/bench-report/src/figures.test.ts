import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixture.js';
import { combineRuns, figuresOf, median, parseBenchLine, verdict, type Figure } from './figures.js';

const byKey = (figures: Figure[], key: string): Figure => {
  const found = figures.find((f) => f.key === key);
  if (!found) throw new Error(`no figure ${key}`);
  return found;
};

describe('parseBenchLine', () => {
  it('takes an object with a string bench field and nothing else', () => {
    expect(parseBenchLine('  {"bench":"ocr","x":1}\n')).toEqual({ bench: 'ocr', x: 1 });
    expect(parseBenchLine('{"x":1}')).toBeUndefined();
    expect(parseBenchLine('{"bench":3}')).toBeUndefined();
    expect(parseBenchLine('{not json')).toBeUndefined();
    expect(parseBenchLine('1 feed: {"bench":"ocr"}')).toBeUndefined();
    expect(parseBenchLine('["bench"]')).toBeUndefined();
  });
});

describe('figuresOf the aggregator bench', () => {
  const figures = figuresOf(fixture('price-aggregator'));

  it('has every endpoint figure and the upstream and memory figures', () => {
    expect(byKey(figures, 'quote.requestsPerSecond').value).toBe(9120.4);
    expect(byKey(figures, 'batch10.p50Ms')).toMatchObject({ value: 1.1, unit: 'ms' });
    expect(byKey(figures, 'upstream.pollers8').label).toBe('upstream requests, 8 pollers, 60 s');
    expect(figures).toHaveLength(3 * 4 + 4);
  });

  it('carries the targets of its JSON line and judges them', () => {
    const targeted = figures.filter((f) => f.max !== undefined);
    expect(targeted.map((f) => [f.key, f.max, verdict(f)])).toEqual([
      ['batch100.p99Ms', 10, 'met'],
      ['upstream.ratio', 1.05, 'met'],
      ['rssMiB', 150, 'missed'],
    ]);
  });
});

describe('figuresOf an aggregator line with its batch rate and upstream requests per source', () => {
  const figures = figuresOf({
    bench: 'price-aggregator',
    batchRatePerSecond: 100,
    batch100: { requestsPerSecond: 100, p50Ms: 2, p99Ms: 6, errors: 0 },
    upstream: {
      perSourcePerRound: { binance: 1, okx: 100.5 },
      fewestPerRound: { binance: 1, okx: 100 },
    },
  });

  it('labels the batches with their rate and judges each source against the fewest requests per round', () => {
    expect(byKey(figures, 'batch100.p99Ms').label).toBe('GET /quotes/batch, 100 pairs, 100 req/s: p99');
    expect(
      figures
        .filter((f) => f.key.startsWith('upstream.perSourcePerRound.'))
        .map((f) => [f.key, f.value, verdict(f)]),
    ).toEqual([
      ['upstream.perSourcePerRound.binance', 1, 'met'],
      ['upstream.perSourcePerRound.okx', 100.5, 'missed'],
    ]);
  });
});

describe('figuresOf the OCR bench', () => {
  const figures = figuresOf(fixture('ocr'));

  it('has the fast-phase figures and the peaks of every phase', () => {
    expect(byKey(figures, 'firstAnswerSeconds')).toMatchObject({ value: 6.41, max: 20 });
    expect(byKey(figures, 'transmitGasPerReport').value).toBe(98123);
    expect(byKey(figures, 'feeds50.rssMiBMax')).toMatchObject({ value: 86, max: 90 });
    expect(byKey(figures, 'feeds300.privateMiBMax').value).toBe(56);
    expect(byKey(figures, 'feeds300.cpuCoresTotal')).toMatchObject({ value: 1.3, max: 1 });
  });

  it('judges every target the bench states, each exactly once', () => {
    const judged = figures.filter((f) => f.max !== undefined).map((f) => [f.key, verdict(f)]);
    expect(judged).toEqual([
      ['firstAnswerSeconds', 'met'],
      ['roundLatencyP50Seconds', 'met'],
      ['feeds50.rssMiBMax', 'met'],
      ['feeds50.pssMiBMax', 'met'],
      ['feeds300.cpuCoresTotal', 'missed'],
    ]);
  });

  it('keeps the targets of phases that did not run, as not measured', () => {
    const line = { ...fixture('ocr'), phases: [] };
    const rest = figuresOf(line).filter((f) => f.key.startsWith('targets.'));
    expect(rest.map((f) => [f.key, verdict(f)])).toEqual([
      ['targets.rssMiBPerNodeWith50Feeds', 'met'],
      ['targets.pssMiBPerNodeWith50Feeds', 'met'],
      ['targets.cpuCoresTotalWith300Feeds', 'missed'],
    ]);
    const notRun = figuresOf({ ...line, targets: { cpuCoresTotalWith300Feeds: { max: 1 } } });
    expect(verdict(byKey(notRun, 'targets.cpuCoresTotalWith300Feeds'))).toBe('not measured');
  });
});

describe('combineRuns', () => {
  it('takes the median of each figure over the runs, keeping every run value', () => {
    const run = (rss: number, p99?: number): Figure[] => [
      { key: 'rss', label: 'RSS', unit: 'MiB', value: rss, max: 150 },
      { key: 'p99', label: 'p99', unit: 'ms', value: p99 },
    ];
    const combined = combineRuns([run(160, 4), run(140), run(145, 9)]);
    expect(combined.map((f) => [f.key, f.value, f.values, verdict(f)])).toEqual([
      ['rss', 145, [160, 140, 145], 'met'],
      ['p99', 6.5, [4, undefined, 9], undefined],
    ]);
  });

  it('median of nothing is undefined', () => {
    expect(median([])).toBeUndefined();
    expect(median([3, 1, 2])).toBe(2);
  });
});
