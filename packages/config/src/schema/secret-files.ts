import { posix } from 'node:path';
import { isParsedSecretRef } from './common.js';

interface Finding {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Every `{"file": ...}` secret reference must name a file under `spSecretsDir`: relative to it, or
 * absolute but inside it. Anything else (`/etc/shadow`, `../../etc/passwd`) is refused, naming the
 * reference: the loader would read it, and the image's `secrets-access` step, running as root,
 * would change its group and mode. (Symbolic links inside the directory are the operator's own.)
 */
export function* secretFileFindings(solution: { readonly spSecretsDir: string }): Generator<Finding> {
  const dir = posix.resolve(solution.spSecretsDir);
  for (const { path, file } of fileRefs(solution, [])) {
    const inside = posix.relative(dir, posix.resolve(dir, file));
    if (inside === '' || inside === '..' || inside.startsWith('../') || posix.isAbsolute(inside)) {
      yield {
        path: [...path, 'file'],
        message: `${JSON.stringify(file)} is outside spSecretsDir (${dir}): secret files must lie under it; give the path relative to it`,
      };
    }
  }
}

function* fileRefs(
  node: unknown,
  path: readonly (string | number)[],
): Generator<{ path: readonly (string | number)[]; file: string }> {
  if (isParsedSecretRef(node)) {
    if ('file' in node) yield { path, file: node.file };
  } else if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* fileRefs(item, [...path, i]);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, item] of Object.entries(node)) yield* fileRefs(item, [...path, key]);
  }
}
