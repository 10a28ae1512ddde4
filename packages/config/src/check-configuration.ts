import { readFile } from 'node:fs/promises';
import {
  CONFIGURATION_PUBLIC_KEY,
  parseConfigurationPublicKey,
  signatureProblem,
} from './configuration-signature.js';
import { parseJsonText } from './json-text.js';
import { configurationPath } from './load-configuration.js';
import { ConfigurationError, type ConfigurationProblem } from './problems.js';
import { resolveSecrets, secretReferences, type SecretReference } from './resolve-secrets.js';
import type { ValidatedConfiguration } from './schema/configuration.js';
import { validateConfiguration } from './validate.js';

export interface CheckConfigurationOptions {
  /** The file; default `$CONFIG_PATH`, else /sp/configurations/configuration.json. */
  readonly path?: string;
  /** CONFIG_PATH, CONFIGURATION_PUBLIC_KEY and `{"env"}` secrets; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Check everything but the secrets' presence: where the configuration is prepared and signed (a
   * laptop), the TEE's secret files and variables do not exist. Default false.
   */
  readonly offline?: boolean;
}

export interface CheckedConfiguration {
  readonly path: string;
  /** Validated, defaults applied; secrets stay references (their values are not kept). */
  readonly configuration: ValidatedConfiguration;
  /** Every secret the configuration references: what the container must provide. */
  readonly secrets: readonly SecretReference[];
  /** Whether the secrets were read (false when offline). */
  readonly secretsRead: boolean;
  /** `verified` when CONFIGURATION_PUBLIC_KEY is set (a bad signature is a problem), else `unchecked`. */
  readonly signature: 'verified' | 'unchecked';
  /** The document as JSON.parse reads the file. */
  readonly document: { readonly solution: Record<string, unknown> };
}

/**
 * What `config-validate` and `validate-config` check before anything starts: the file parses and
 * validates; every secret it references can be read (unless `offline`); and, when
 * CONFIGURATION_PUBLIC_KEY is set (non-empty), `solution.signature` verifies against it. Throws one
 * ConfigurationError listing every problem by JSON path, nothing in it quoting the file or a secret;
 * a CONFIGURATION_PUBLIC_KEY that is not a usable key throws a SigningKeyError first.
 */
export async function checkConfiguration(
  options: CheckConfigurationOptions = {},
): Promise<CheckedConfiguration> {
  const env = options.env ?? process.env;
  const path = configurationPath({ path: options.path, env });
  const publicKeyText = env[CONFIGURATION_PUBLIC_KEY]?.trim();
  const publicKey = publicKeyText ? parseConfigurationPublicKey(publicKeyText) : undefined;

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigurationError(path, [{ path: '', message: `cannot read ${path} (${code})` }]);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigurationError(path, json.error);

  const problems: ConfigurationProblem[] = [];
  const validated = validateConfiguration(json.value);
  if (!validated.ok) problems.push(...validated.error);
  const document = json.value as { solution?: unknown };
  const solution = typeof document === 'object' && document !== null ? document.solution : undefined;
  const isObject = solution !== null && typeof solution === 'object' && !Array.isArray(solution);
  if (publicKey && isObject) {
    const problem = signatureProblem(solution as Record<string, unknown>, publicKey);
    if (problem) problems.push({ path: 'solution.signature', message: problem });
  }
  if (!validated.ok || problems.length > 0) throw new ConfigurationError(path, problems);

  const configuration = validated.value;
  const secretsDir = configuration.solution.spSecretsDir;
  if (!options.offline) {
    const resolved = await resolveSecrets(configuration, { secretsDir, env });
    if (!resolved.ok) throw new ConfigurationError(path, resolved.error);
  }
  return {
    path,
    configuration,
    secrets: secretReferences(configuration, secretsDir),
    secretsRead: !options.offline,
    signature: publicKey ? 'verified' : 'unchecked',
    document: document as { solution: Record<string, unknown> },
  };
}
