#!/usr/bin/env node
/**
 * sign-config: keys and signatures for configuration.json (scheme: see config-signature.ts).
 *
 *   sign-config keygen --private-key <file>        writes a new Ed25519 private key (PEM, 0600) and
 *                                                  prints the public key for CONFIGURATION_PUBLIC_KEY
 *   sign-config sign --private-key <file> <configuration.json> [--out <file>]
 *                                                  sets solution.signature (in place unless --out)
 *   sign-config verify --public-key <base64> <configuration.json>
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { generateSigningKeys, parsePublicKey, signatureProblem, signSolution } from '../config-signature.js';

const USAGE = `usage:
  sign-config keygen --private-key <file>
  sign-config sign --private-key <file> <configuration.json> [--out <file>]
  sign-config verify --public-key <base64> <configuration.json>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'private-key': { type: 'string' },
    'public-key': { type: 'string' },
    out: { type: 'string' },
  },
});

async function readSolution(
  file: string,
): Promise<{ document: Record<string, unknown>; solution: Record<string, unknown> }> {
  const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const solution = document.solution;
  if (solution === null || typeof solution !== 'object' || Array.isArray(solution)) {
    throw new Error(`${file} has no "solution" object`);
  }
  return { document, solution: solution as Record<string, unknown> };
}

async function main(): Promise<number> {
  const [command, file] = positionals;
  if (command === 'keygen' && values['private-key']) {
    const { privateKeyPem, publicKeyBase64 } = generateSigningKeys();
    await writeFile(values['private-key'], privateKeyPem, { mode: 0o600, flag: 'wx' });
    console.log(publicKeyBase64);
    return 0;
  }
  if (command === 'sign' && values['private-key'] && file) {
    const { document, solution } = await readSolution(file);
    solution.signature = signSolution(solution, await readFile(values['private-key'], 'utf8'));
    await writeFile(values.out ?? file, `${JSON.stringify(document, null, 2)}\n`);
    console.error(`signed ${values.out ?? file}`);
    return 0;
  }
  if (command === 'verify' && values['public-key'] && file) {
    const { solution } = await readSolution(file);
    const problem = signatureProblem(solution, parsePublicKey(values['public-key']));
    console.error(problem ? `solution.signature: ${problem}` : `${file}: signature verified`);
    return problem ? 1 : 0;
  }
  console.error(USAGE);
  return 2;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`sign-config: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
