#!/usr/bin/env node
/**
 * The `config-validate` oneshot, first of all services: configuration.json ($CONFIG_PATH) must
 * validate, its secrets must be readable and, when the image carries CONFIGURATION_PUBLIC_KEY, its
 * signature must verify (@oracle/config checkConfiguration). Otherwise every problem is printed with
 * its JSON path and it exits 1, so nothing else starts (in the image,
 * S6_BEHAVIOUR_IF_STAGE2_FAILS=2 then stops the container).
 *
 *   node packages/stack/dist/cli/config-validate.js [path]
 */
import { checkConfiguration, ConfigurationError, SigningKeyError } from '@oracle/config';

const print = (text: string): void => {
  for (const line of text.split('\n')) process.stderr.write(`config-validate: ${line}\n`);
};

try {
  const { path, configuration, signature } = await checkConfiguration({ path: process.argv[2] });
  const s = configuration.solution;
  print(
    `${path} is valid: ${s.totalNodes} nodes, ${s.feeds.length} feeds, signature ` +
      (signature === 'verified' ? 'verified' : 'not checked (the image has no CONFIGURATION_PUBLIC_KEY)'),
  );
} catch (error) {
  print(
    error instanceof ConfigurationError || error instanceof SigningKeyError
      ? error.message
      : `cannot check the configuration: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
