import { z } from 'zod';
import { resolveFeedSources } from './feeds.js';
import { defaultFaultTolerance } from './ocr.js';
import { checkSolution } from './solution-checks.js';
import { solutionFieldsSchema, type SolutionFields } from './solution.js';

/** Fills in what defaults to other keys: f from the oracle count, each feed's OCR parameters and sources. */
function completeSolution(s: SolutionFields) {
  const oracleCount = s.totalNodes - s.bootstrapNodes.length;
  return {
    ...s,
    ocr: { ...s.ocr, f: s.ocr.f ?? defaultFaultTolerance(oracleCount) },
    feeds: s.feeds.map((feed) => ({
      ...feed,
      description: feed.description ?? feed.name,
      deviationPpb: feed.deviationPpb ?? s.ocr.deviationPpb,
      heartbeatSeconds: feed.heartbeatSeconds ?? s.ocr.heartbeatSeconds,
      sources: resolveFeedSources(feed, s.priceAggregatorConfig),
    })),
  };
}

/** The whole configuration.json: the Super Protocol `{ "solution": { ... } }` envelope. */
export const configurationSchema = z.strictObject({
  $schema: z.string().optional().describe('Editor hint, e.g. "./configuration.schema.json"; ignored'),
  solution: solutionFieldsSchema.superRefine(checkSolution).transform(completeSolution),
});

/** What a configuration file may contain (defaults not yet applied). */
export type ConfigurationInput = z.input<typeof configurationSchema>;
/** A validated configuration with defaults applied, secrets still as references. */
export type ValidatedConfiguration = z.output<typeof configurationSchema>;
