/**
 * Bundles the node runner into one minified ESM file, dist/main.js (the entry s6, the tests and the
 * benchmark start). Built from the TypeScript sources, with the workspace packages taken from their
 * sources too (as the tests resolve them), so it does not depend on what `tsc -b` last rebuilt.
 *
 * Why: a node process keeps every loaded module's source text and module record; unbundled, the
 * node runner loads hundreds of ESM files (libp2p, ethers, pg, ...), ~10 MiB of RSS.
 *
 * Modules that find files next to themselves (the SQL migrations, the contract artifacts) keep
 * working: each module's `import.meta.url` becomes its own location, relative to the bundle.
 *
 * Three dependency edits keep memory down (measured with the OCR benchmark, apps/node-runner/README.md):
 * - No String.prototype.localeCompare: ethers and libp2p sort identifiers with it (ABI names,
 *   addresses, multiaddrs, protocol ids), only to get a stable order. Its first call builds an ICU
 *   collator, which pages in ~3 MiB of the node binary's ICU data and code for the process's whole
 *   life. Those call sites compare by UTF-16 code unit instead, an order just as total and stable;
 *   the build fails if a dependency adds a call site this does not rewrite.
 * - Zod's error messages in English only: its ~50 other locales (~260 KB of the bundle's source,
 *   which V8 keeps in the heap) are never selected.
 * - libp2p Noise's primitives from Node's OpenSSL instead of WebAssembly (noise-crypto-from-node).
 *
 * Run: node apps/node-runner/scripts/bundle.mjs (part of `npm run build`).
 */
import { builtinModules, createRequire } from 'node:module';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const app = fileURLToPath(new URL('..', import.meta.url));
const packages = join(app, '../../packages');
const outfile = join(app, 'dist/main.js');
const nodeRequire = createRequire(import.meta.url);
/** Set by noise-crypto-from-node when it finds its target (a dependency update may move it). */
let noiseCryptoReplaced = false;

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

/**
 * `a.localeCompare(b)` in dependencies → an ordinal comparison of the same two operands. The
 * operands at today's call sites are identifiers and member chains, optionally `.toString()`ed.
 */
const ordinalCompare = {
  name: 'ordinal-compare',
  setup(b) {
    // Not preceded by anything that would make it the tail of a longer expression.
    const operand = String.raw`(?<![\w$.)\]])[\w$]+(?:\.[\w$]+)*(?:\(\))?`;
    const call = new RegExp(`(${operand})\\.localeCompare\\((${operand})\\)`, 'g');
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('localeCompare(')) return undefined;
      return {
        contents: source.replace(call, (_, a, c) => `((x, y) => (x < y ? -1 : x > y ? 1 : 0))(${a}, ${c})`),
        loader: 'js',
      };
    });
  },
};

/** Zod's locales index → English only (the locale zod configures itself with). */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: "export { default as en } from './en.js';",
      loader: 'js',
    }));
  },
};

/**
 * `import ... from 'node:https'` (any Node built-in, with or without `node:`) → a stand-in that
 * calls `require('node:https')` the first time one of its exports is read.
 * - Not an ES import: Node builds a built-in's ES facade by reading every export, lazy getters
 *   included. `http.WebSocket` and friends load Node's whole bundled undici (~10 MiB of RSS,
 *   nodejs/node#57649); `process`, `fs` and `util` each load some 40 more internal modules.
 * - Not loaded before use: dependencies import built-ins they need only on some paths (ethers:
 *   https and zlib for https RPC URLs; prom-client: cluster; ...), ~5 MiB in all.
 * A built-in whose exports are not a plain object is required at once: a function (events, assert,
 * stream, module) is called or extended directly, an object with a prototype (process, cluster: event
 * emitters) has methods that need it as `this`.
 */
const builtinsOnFirstUse = {
  name: 'builtins-on-first-use',
  setup(b) {
    const names = builtinModules.map((name) => name.replace(/^node:/, '').replace(/[/]/g, '\\/'));
    const builtin = new RegExp(`^(node:)?(${names.join('|')})$`);
    b.onResolve({ filter: builtin }, (args) =>
      // The require() inside a stand-in stays a call to Node's require.
      args.namespace === 'node-builtin'
        ? { path: args.path, external: true }
        : { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'node-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => {
      const id = JSON.stringify(args.path);
      const exports = nodeRequire(args.path);
      const plain = typeof exports === 'object' && Object.getPrototypeOf(exports) === Object.prototype;
      if (!plain) return { contents: `module.exports = require(${id});`, loader: 'js' };
      const keys = JSON.stringify(Object.getOwnPropertyNames(exports));
      return {
        contents: `let loaded;
const load = () => (loaded ??= require(${id}));
for (const key of ${keys})
  Object.defineProperty(module.exports, key, {
    enumerable: true,
    get: () => load()[key],
    set: (value) => { load()[key] = value; },
  });`,
        loader: 'js',
      };
    });
  },
};

/**
 * libp2p Noise's default primitives (`./crypto/index.js` of @chainsafe/libp2p-noise) → ours on Node's
 * OpenSSL (src/adapters/libp2p-noise-crypto.ts). The transport passes ours already; this keeps the
 * default out of the bundle, because loading it instantiates two WebAssembly modules (~2 MiB of RSS).
 */
const noiseCryptoFromNode = {
  name: 'noise-crypto-from-node',
  setup(b) {
    b.onResolve({ filter: /^\.\/crypto\/index\.js$/ }, (args) => {
      if (!/[\\/]@chainsafe[\\/]libp2p-noise[\\/]/.test(args.importer)) return undefined;
      noiseCryptoReplaced = true;
      return { path: 'noise-default-crypto', namespace: 'noise-crypto-from-node' };
    });
    b.onLoad({ filter: /.*/, namespace: 'noise-crypto-from-node' }, () => ({
      contents: `export { nodeNoiseCrypto as defaultCrypto } from ${JSON.stringify(join(app, 'src/adapters/libp2p-noise-crypto.ts'))};`,
      loader: 'js',
      resolveDir: app,
    }));
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
  // Node's built-ins are loaded with require() (builtins-on-first-use; pg calls it too).
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  plugins: [
    builtinsOnFirstUse,
    workspaceSources,
    ownImportMetaUrl,
    ordinalCompare,
    zodEnglishOnly,
    noiseCryptoFromNode,
  ],
  logLevel: 'warning',
});
const [bundle] = result.outputFiles;
if (!noiseCryptoReplaced)
  throw new Error(
    "libp2p-noise no longer imports './crypto/index.js': update the noise-crypto-from-node plugin",
  );
if (bundle.text.includes('WebAssembly'))
  throw new Error(
    'the bundle instantiates WebAssembly (~1-2 MiB of RSS per module): find out which dependency',
  );
// Minified output keeps no comments, so any remaining occurrence is a call (or a reference) to it.
if (bundle.text.includes('localeCompare'))
  throw new Error('the bundle calls String.prototype.localeCompare: extend the ordinal-compare rewrite');
// Atomically: a node starting while this runs reads the old bundle or the new one, never half of one.
const temporary = `${outfile}.${process.pid}.tmp`;
await writeFile(temporary, bundle.contents);
await rename(temporary, outfile);
