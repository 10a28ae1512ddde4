import { readFile } from 'node:fs/promises';
import { deepFreeze } from './deep-freeze.js';
import { parseJsonText } from './json-text.js';
import { ConfigurationError } from './problems.js';
import { resolveSecrets, type WithSecrets } from './resolve-secrets.js';
import type { ValidatedConfiguration } from './schema/configuration.js';
import { validateConfiguration } from './validate.js';

export const DEFAULT_CONFIG_PATH = '/sp/configurations/configuration.json';

/** A loaded configuration: validated, defaults applied, secrets resolved, deeply frozen. */
export type Configuration = WithSecrets<ValidatedConfiguration>;

export interface LoadConfigurationOptions {
  /** The file; default `$CONFIG_PATH`, else /sp/configurations/configuration.json. */
  readonly path?: string;
  /** Environment for `CONFIG_PATH` and `{"env": ...}` secrets; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * JSON paths of the secrets this process reads, each covering everything under it; default every
   * secret. A process that runs as its own user passes its own (`AGGREGATOR_SECRETS`,
   * `PROCESS_METRICS_SECRETS`, `nodeSecrets(i)`); the others load as `UnloadedSecret`s.
   */
  readonly secrets?: readonly string[];
}

/** The path `loadConfiguration` reads with these options. */
export function configurationPath(options: LoadConfigurationOptions = {}): string {
  return options.path ?? ((options.env ?? process.env).CONFIG_PATH || DEFAULT_CONFIG_PATH);
}

/**
 * Reads, parses, validates configuration.json and resolves its secrets. Every problem found is
 * thrown at once in a `ConfigurationError`; nothing in it quotes the file or a secret.
 */
export async function loadConfiguration(options: LoadConfigurationOptions = {}): Promise<Configuration> {
  const path = configurationPath(options);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigurationError(path, [{ path: '', message: `cannot read ${path} (${code})` }]);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigurationError(path, json.error);
  const validated = validateConfiguration(json.value);
  if (!validated.ok) throw new ConfigurationError(path, validated.error);
  const resolved = await resolveSecrets(validated.value, {
    secretsDir: validated.value.solution.spSecretsDir,
    env: options.env ?? process.env,
    scope: options.secrets,
  });
  if (!resolved.ok) throw new ConfigurationError(path, resolved.error);
  return deepFreeze(resolved.value);
}
