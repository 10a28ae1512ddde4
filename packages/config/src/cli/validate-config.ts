#!/usr/bin/env node
/**
 * validate-config [--offline] [path]: checks configuration.json (default $CONFIG_PATH, else
 * /sp/configurations/configuration.json), its secrets included, and its signature whenever
 * CONFIGURATION_PUBLIC_KEY is set. `--offline` checks everything but the secrets' presence (where a
 * configuration is prepared and signed, the TEE's secrets do not exist) and lists the secrets the
 * container must provide. Prints one line per problem as `<json path>: <message>` on stderr and
 * exits 1, or a summary on stdout and exits 0. Never prints a secret or the file's content.
 */
import { parseArgs } from 'node:util';
import { checkConfiguration, type CheckedConfiguration } from '../check-configuration.js';
import { CONFIGURATION_PUBLIC_KEY, SigningKeyError } from '../configuration-signature.js';
import { ConfigurationError, formatProblem } from '../problems.js';
import { describeSecretReference } from '../resolve-secrets.js';
import { enabledSourceIds } from '../schema/aggregator-sources.js';

const USAGE = 'usage: validate-config [--offline] [configuration.json]';

function summary({ path, configuration }: CheckedConfiguration): string {
  const s = configuration.solution;
  const bootstraps = new Set(s.bootstrapNodes).size;
  const sources = enabledSourceIds(s.priceAggregatorConfig.sources);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${path} is valid: ${plural(s.totalNodes, 'node')} (${bootstraps} bootstrap, ${plural(s.totalNodes - bootstraps, 'oracle')}, f = ${s.ocr.f}), ` +
    `${plural(s.feeds.length, 'feed')}, ${plural(sources.length, 'enabled source')}: ${sources.join(', ')}`
  );
}

function details(checked: CheckedConfiguration): string[] {
  const lines: string[] = [];
  if (checked.signature === 'verified') {
    lines.push(`solution.signature: verified against ${CONFIGURATION_PUBLIC_KEY}`);
  } else if (checked.configuration.solution.signature !== undefined) {
    lines.push(`solution.signature: not checked (set ${CONFIGURATION_PUBLIC_KEY} to check it)`);
  }
  if (!checked.secretsRead) {
    lines.push(
      checked.secrets.length === 0
        ? 'secrets not read (--offline): the configuration references none'
        : `secrets not read (--offline); the container must provide ${checked.secrets.length}:`,
      ...checked.secrets.map((ref) => `  ${ref.path}: ${describeSecretReference(ref)}`),
    );
  }
  return lines;
}

function commandLine(): { path?: string; offline: boolean } {
  try {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: { offline: { type: 'boolean', default: false } },
    });
    if (positionals.length > 1) throw new Error('one configuration file at most');
    return { path: positionals[0], offline: values.offline };
  } catch (error) {
    console.error(`validate-config: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

try {
  const checked = await checkConfiguration(commandLine());
  console.log([summary(checked), ...details(checked)].join('\n'));
} catch (error) {
  if (error instanceof ConfigurationError) {
    for (const problem of error.problems) console.error(formatProblem(problem));
  } else if (error instanceof SigningKeyError) {
    console.error(error.message);
  } else {
    throw error;
  }
  process.exitCode = 1;
}
