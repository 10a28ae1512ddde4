// Compiles the Solidity sources offline with solcjs and writes one artifact per contract
// (ABI, creation and runtime bytecode, compiler settings) to dist/contracts/<Name>.json.
// Usage: node scripts/compile-contracts.mjs   (run by the package's build script)
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import solc from 'solc';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const compilerSettings = {
  optimizer: { enabled: true, runs: 20_000 },
  // Cancun runs on every chain we target; newer defaults (prague) do not.
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

async function solidityFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? solidityFiles(join(dir, e.name)) : e.name.endsWith('.sol') ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat().sort();
}

/**
 * Compiles every .sol file under the given directories (paths relative to the package root, which
 * is also where imports resolve). Returns artifacts keyed by contract name; throws on any error.
 */
export async function compileContracts(dirs) {
  const files = (await Promise.all(dirs.map((d) => solidityFiles(join(packageRoot, d))))).flat();
  const sources = {};
  for (const file of files) sources[relative(packageRoot, file)] = { content: await readFile(file, 'utf8') };
  const input = { language: 'Solidity', sources, settings: compilerSettings };
  // solcjs calls this synchronously for imports not among `sources`.
  const findImports = (path) => {
    const absolute = resolve(packageRoot, path);
    if (!absolute.startsWith(packageRoot)) return { error: `import outside the package: ${path}` };
    try {
      return { contents: readFileSync(absolute, 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  for (const warning of (output.errors ?? []).filter((e) => e.severity !== 'error')) {
    process.stderr.write(warning.formattedMessage + '\n');
  }
  const artifacts = {};
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [contractName, out] of Object.entries(contracts)) {
      artifacts[contractName] = {
        contractName,
        sourceName,
        abi: out.abi,
        bytecode: '0x' + out.evm.bytecode.object,
        deployedBytecode: '0x' + out.evm.deployedBytecode.object,
        compiler: {
          version: solc.version(),
          settings: { optimizer: compilerSettings.optimizer, evmVersion: compilerSettings.evmVersion },
        },
      };
    }
  }
  return artifacts;
}

export async function writeArtifacts(artifacts, outDir) {
  await mkdir(outDir, { recursive: true });
  for (const artifact of Object.values(artifacts)) {
    await writeFile(join(outDir, `${artifact.contractName}.json`), JSON.stringify(artifact, null, 2) + '\n');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const artifacts = await compileContracts(['contracts']);
  await writeArtifacts(artifacts, join(packageRoot, 'dist', 'contracts'));
  process.stdout.write(
    `compiled ${Object.keys(artifacts).length} contracts to dist/contracts (solc ${solc.version()})\n`,
  );
}
