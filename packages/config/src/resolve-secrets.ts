import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { err, ok, type Result } from '@oracle/core';
import { formatPath, type ConfigurationProblem } from './problems.js';
import { isParsedSecretRef, type SecretRef } from './schema/common.js';
import { Secret, UnloadedSecret } from './secret.js';

/** `T` with every secret reference replaced by its resolved `Secret`, read-only all the way down. */
export type WithSecrets<T> = T extends SecretRef
  ? Secret
  : T extends bigint | string | number | boolean | null | undefined
    ? T
    : T extends readonly (infer E)[]
      ? readonly WithSecrets<E>[]
      : { readonly [K in keyof T]: WithSecrets<T[K]> };

export interface SecretSources {
  /** Base directory of relative `{"file": ...}` references. */
  readonly secretsDir: string;
  /** Where `{"env": ...}` references are looked up. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * JSON paths of the references to read, each covering everything under it
   * (`solution.priceAggregatorConfig`); default all. The others become `UnloadedSecret`s.
   */
  readonly scope?: readonly string[];
}

type Path = readonly (string | number)[];

/**
 * Replaces every secret reference in a validated configuration by a `Secret` holding the value.
 * Files lose one trailing newline. Problems name the reference's JSON path and the file or
 * variable, never the value.
 */
export async function resolveSecrets<T>(
  value: T,
  sources: SecretSources,
): Promise<Result<WithSecrets<T>, ConfigurationProblem[]>> {
  const refs = new Map<SecretRef, string>();
  collectRefs(value, [], refs);
  const secrets = new Map<unknown, Secret>();
  const wanted = [...refs].filter(([ref, path]) => {
    const inScope = sources.scope?.some((prefix) => isWithin(path, prefix)) ?? true;
    if (!inScope) secrets.set(ref, new UnloadedSecret(path));
    return inScope;
  });
  const reads = await Promise.all(
    wanted.map(async ([ref, path]) => ({ ref, path, result: await readSecret(ref, sources) })),
  );
  const problems: ConfigurationProblem[] = [];
  for (const { ref, path, result } of reads) {
    if (result.ok) secrets.set(ref, new Secret(result.value));
    else problems.push({ path, message: result.error });
  }
  return problems.length > 0 ? err(problems) : ok(replaceRefs(value, secrets) as WithSecrets<T>);
}

/** One secret reference of a configuration: its JSON path and what the container must provide. */
export interface SecretReference {
  readonly path: string;
  /** The file, absolute (relative references resolved against spSecretsDir). */
  readonly file?: string;
  /** The environment variable. */
  readonly env?: string;
}

/** Every secret reference in a validated configuration, in document order; nothing is read. */
export function secretReferences(value: unknown, secretsDir: string): SecretReference[] {
  const refs = new Map<SecretRef, string>();
  collectRefs(value, [], refs);
  return [...refs].map(([ref, path]) =>
    'env' in ref ? { path, env: ref.env } : { path, file: resolve(secretsDir, ref.file) },
  );
}

/** `file /sp/secrets/x` or `environment variable X`. */
export const describeSecretReference = (ref: SecretReference): string =>
  ref.env !== undefined ? `environment variable ${ref.env}` : `file ${ref.file ?? ''}`;

const isWithin = (path: string, prefix: string): boolean =>
  path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);

function collectRefs(node: unknown, path: Path, refs: Map<SecretRef, string>): void {
  if (isParsedSecretRef(node)) refs.set(node, formatPath(path));
  else if (Array.isArray(node)) node.forEach((item, i) => collectRefs(item, [...path, i], refs));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, item] of Object.entries(node)) collectRefs(item, [...path, key], refs);
  }
}

function replaceRefs(node: unknown, secrets: ReadonlyMap<unknown, Secret>): unknown {
  const secret = secrets.get(node);
  if (secret) return secret;
  if (Array.isArray(node)) return node.map((item) => replaceRefs(item, secrets));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, replaceRefs(item, secrets)]));
  }
  return node;
}

async function readSecret(
  ref: SecretRef,
  { secretsDir, env }: SecretSources,
): Promise<Result<string, string>> {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) return err(`environment variable ${ref.env} is not set`);
    return value === '' ? err(`environment variable ${ref.env} is empty`) : ok(value);
  }
  const file = resolve(secretsDir, ref.file);
  try {
    const value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    return value === '' ? err(`secret file ${file} is empty`) : ok(value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return err(`secret file ${file} does not exist`);
    if (code === 'EACCES') return err(`secret file ${file} is not readable (permission denied)`);
    if (code === 'EISDIR') return err(`secret file ${file} is a directory`);
    return err(`secret file ${file} cannot be read (${code ?? 'unknown error'})`);
  }
}
