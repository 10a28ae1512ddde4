/**
 * Bundles the node runner into one minified ESM file, dist/main.js (the entry s6, the tests and the
 * benchmark start). Built from the TypeScript sources, with the workspace packages taken from their
 * sources too (as the tests resolve them), so it does not depend on what `tsc -b` last rebuilt.
 *
 * Why: a node process keeps every loaded module's source text and module record; unbundled, the
 * node runner loads hundreds of ESM files (libp2p, ethers, pino, pg, ...), ~10 MiB of RSS.
 *
 * Modules that find files next to themselves (the SQL migrations, the contract artifacts) keep
 * working: each module's `import.meta.url` becomes its own location, relative to the bundle.
 *
 * Run: node apps/node-runner/scripts/bundle.mjs (part of `npm run build`).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const app = fileURLToPath(new URL('..', import.meta.url));
const packages = join(app, '../../packages');
const outfile = join(app, 'dist/main.js');

/** `@oracle/<name>` → packages/<name>/src/index.ts. */
const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@oracle\/[a-z-]+$/ }, (args) => ({
      path: join(packages, args.path.slice('@oracle/'.length), 'src/index.ts'),
    }));
  },
};

/** `import.meta.url` of a bundled module → the URL of that module's own file. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(ts|[cm]?js)$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const own = JSON.stringify(relative(dirname(outfile), args.path));
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${own}, import.meta.url).href`),
        loader: args.path.endsWith('.ts') ? 'ts' : 'js',
      };
    });
  },
};

const result = await build({
  entryPoints: [join(app, 'src/main.ts')],
  outfile,
  write: false,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // pg's optional native binding is never installed.
  external: ['pg-native'],
  // CommonJS dependencies (pg, pino) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  plugins: [workspaceSources, ownImportMetaUrl],
  logLevel: 'warning',
});
const [bundle] = result.outputFiles;
// Atomically: a node starting while this runs reads the old bundle or the new one, never half of one.
const temporary = `${outfile}.${process.pid}.tmp`;
await writeFile(temporary, bundle.contents);
await rename(temporary, outfile);
