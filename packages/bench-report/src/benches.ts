/** The benchmarks of the repository, in the order `npm run bench` runs them. */

/** What the report's command line says about how to run the benchmarks. */
export interface BenchOptions {
  /** Shorter measuring windows: a smoke run, not figures to quote. */
  readonly quick: boolean;
  /** OCR phases (`1,50,300`), passed to the OCR bench as `--feeds`. */
  readonly feeds?: string;
  /** Aggregator polling window in seconds, passed as `--duration`. */
  readonly duration?: string;
  /** Aggregator load window in seconds, passed as `--load-seconds`. */
  readonly loadSeconds?: string;
}

export interface BenchDefinition {
  /** The `bench` field of the bench's JSON line. */
  readonly id: string;
  readonly title: string;
  /** Built script, relative to the repository root. */
  readonly script: string;
  /** The bench's own command-line flags for these options. */
  args(options: BenchOptions): string[];
}

/** The aggregator bench has no `--quick`; these windows keep its run under a minute. */
const AGGREGATOR_QUICK = { duration: '10', loadSeconds: '3' };

export const BENCHES: readonly BenchDefinition[] = [
  {
    id: 'price-aggregator',
    title: 'Price aggregator',
    script: 'apps/price-aggregator/dist/bench/bench.js',
    args: (o) => {
      const duration = o.duration ?? (o.quick ? AGGREGATOR_QUICK.duration : undefined);
      const loadSeconds = o.loadSeconds ?? (o.quick ? AGGREGATOR_QUICK.loadSeconds : undefined);
      return [
        ...(duration === undefined ? [] : ['--duration', duration]),
        ...(loadSeconds === undefined ? [] : ['--load-seconds', loadSeconds]),
      ];
    },
  },
  {
    id: 'ocr',
    title: 'Oracle network (OCR)',
    script: 'apps/node-runner/dist/bench/ocr-bench.js',
    args: (o) => [...(o.quick ? ['--quick'] : []), ...(o.feeds === undefined ? [] : ['--feeds', o.feeds])],
  },
];

/** The benches named in `only` (comma-separated ids), all when it is undefined; unknown names throw. */
export function selectBenches(only: string | undefined): BenchDefinition[] {
  if (only === undefined) return [...BENCHES];
  return only.split(',').map((id) => {
    const bench = BENCHES.find((b) => b.id === id.trim());
    if (!bench) throw new Error(`unknown bench "${id}"; known: ${BENCHES.map((b) => b.id).join(', ')}`);
    return bench;
  });
}
