/**
 * Reads configuration.json, validates the `priceAggregatorConfig` slice and resolves the secrets
 * it references. Errors name the JSON path and never contain a secret value.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  priceAggregatorConfigSchema,
  Secret,
  SOURCE_CONFIG_KEYS,
  SOURCE_IDS,
  type PriceAggregatorConfigParsed,
  type SecretRef,
} from '@oracle/config';
import type { AggregatorSecrets } from './aggregator-secrets.js';

export interface LoadedAggregatorConfig {
  readonly config: PriceAggregatorConfigParsed;
  readonly secrets: AggregatorSecrets;
}

export function readAggregatorConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedAggregatorConfig {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read configuration ${path}: ${(error as Error).message}`);
  }
  const solution = (document as { solution?: Record<string, unknown> } | null)?.solution;
  if (!solution || typeof solution !== 'object') throw new Error(`${path}: expected {"solution": {...}}`);
  const parsed = priceAggregatorConfigSchema.safeParse(solution.priceAggregatorConfig);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `solution.priceAggregatorConfig.${i.path.join('.')}: ${i.message}`,
    );
    throw new Error(`${path} is invalid:\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  const secretsDir =
    typeof solution.spSecretsDir === 'string' ? solution.spSecretsDir : (env.SP_SECRETS_DIR ?? '/sp/secrets');
  const resolve = (ref: SecretRef, where: string): Secret => resolveSecret(ref, secretsDir, env, where);

  const apiKeys = new Map(
    SOURCE_IDS.flatMap((id) => {
      const ref = config.sources[SOURCE_CONFIG_KEYS[id]].apiKey;
      return ref ? [[id, resolve(ref, `sources.${SOURCE_CONFIG_KEYS[id]}.apiKey`)] as const] : [];
    }),
  );
  const proxy =
    config.proxy === undefined
      ? undefined
      : typeof config.proxy === 'string'
        ? new Secret(config.proxy)
        : resolve(config.proxy, 'proxy');
  return { config, secrets: { apiKey: (id) => apiKeys.get(id), proxy } };
}

function resolveSecret(ref: SecretRef, secretsDir: string, env: NodeJS.ProcessEnv, where: string): Secret {
  if ('env' in ref) {
    const value = env[ref.env];
    if (!value) throw new Error(`priceAggregatorConfig.${where}: environment variable ${ref.env} is not set`);
    return new Secret(value);
  }
  const file = isAbsolute(ref.file) ? ref.file : join(secretsDir, ref.file);
  try {
    return new Secret(readFileSync(file, 'utf8').trim());
  } catch {
    throw new Error(`priceAggregatorConfig.${where}: cannot read secret file ${file}`);
  }
}
