#!/usr/bin/env node
/**
 * validate-config [path]: checks configuration.json (default $CONFIG_PATH, else
 * /sp/configurations/configuration.json), its secrets included. Prints one line per problem as
 * `<json path>: <message>` on stderr and exits 1, or a one-line summary on stdout and exits 0.
 * Never prints a secret or the file's content.
 */
import { enabledSourceIds } from '../schema/aggregator-sources.js';
import { configurationPath, loadConfiguration, type Configuration } from '../load-configuration.js';
import { ConfigurationError, formatProblem } from '../problems.js';

function summary(path: string, cfg: Configuration): string {
  const s = cfg.solution;
  const bootstraps = new Set(s.bootstrapNodes).size;
  const sources = enabledSourceIds(s.priceAggregatorConfig.sources);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${path} is valid: ${plural(s.totalNodes, 'node')} (${bootstraps} bootstrap, ${plural(s.totalNodes - bootstraps, 'oracle')}, f = ${s.ocr.f}), ` +
    `${plural(s.feeds.length, 'feed')}, ${plural(sources.length, 'enabled source')}: ${sources.join(', ')}`
  );
}

const path = configurationPath({ path: process.argv[2] });
try {
  console.log(summary(path, await loadConfiguration({ path })));
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  for (const problem of error.problems) console.error(formatProblem(problem));
  process.exitCode = 1;
}
