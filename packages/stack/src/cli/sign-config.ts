#!/usr/bin/env node
/**
 * sign-config: keys and signatures for configuration.json, the way the Super Protocol platform
 * signs them (scheme: packages/config/src/configuration-signature.ts).
 *
 *   sign-config keygen --private-key <file>        writes a new secp256k1 private key (PKCS#8 PEM,
 *                                                  0600) and prints the public key for
 *                                                  CONFIGURATION_PUBLIC_KEY
 *   sign-config sign --private-key <file> <configuration.json> [--out <file>]
 *                                                  checks the file as `validate-config --offline`
 *                                                  does (refusing to sign one that fails), then sets
 *                                                  solution.signature (in place unless --out)
 *   sign-config verify [--public-key <base64>] <configuration.json>
 *                                                  the offline check and the signature, against
 *                                                  --public-key or $CONFIGURATION_PUBLIC_KEY
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  checkConfiguration,
  CONFIGURATION_PUBLIC_KEY,
  ConfigurationError,
  configurationPublicKeyOf,
  generateSigningKeys,
  parseConfigurationPublicKey,
  parseSigningPrivateKey,
  signatureProblem,
  signSolution,
  solutionHash,
} from '@oracle/config';

const USAGE = `usage:
  sign-config keygen --private-key <file>
  sign-config sign --private-key <file> <configuration.json> [--out <file>]
  sign-config verify [--public-key <base64>] <configuration.json>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'private-key': { type: 'string' },
    'public-key': { type: 'string' },
    out: { type: 'string' },
  },
});

/** The environment without the image's key: signing checks the file, not its old signature. */
function environment(publicKey: string | undefined): Record<string, string | undefined> {
  return { ...process.env, [CONFIGURATION_PUBLIC_KEY]: publicKey };
}

async function sign(keyFile: string, file: string, out: string): Promise<void> {
  const privateKey = parseSigningPrivateKey(await readFile(keyFile, 'utf8'));
  const { document, secrets } = await checkConfiguration({
    path: file,
    offline: true,
    env: environment(undefined),
  }).catch((error: unknown) => {
    throw error instanceof ConfigurationError ? new Error(`nothing signed. ${error.message}`) : error;
  });
  const solution = { ...document.solution };
  solution.signature = signSolution(solution, privateKey);
  const publicKey = configurationPublicKeyOf(privateKey);
  const problem = signatureProblem(solution, parseConfigurationPublicKey(publicKey));
  if (problem) throw new Error(`the new signature does not verify: ${problem}`);
  await writeFile(out, `${JSON.stringify({ ...document, solution }, null, 2)}\n`);
  console.error(`signed ${out}: solution hash ${solutionHash(solution)}`);
  console.error(`it verifies with ${CONFIGURATION_PUBLIC_KEY}=${publicKey}`);
  console.error(
    `the container must provide ${secrets.length} secret(s): validate-config --offline ${out} lists them`,
  );
}

async function main(): Promise<number> {
  const [command, file, ...rest] = positionals;
  const keyFile = values['private-key'];
  if (rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  if (command === 'keygen' && keyFile && !file) {
    const { privateKeyPem, publicKeyBase64 } = generateSigningKeys();
    await writeFile(keyFile, privateKeyPem, { mode: 0o600, flag: 'wx' });
    console.log(publicKeyBase64);
    return 0;
  }
  if (command === 'sign' && keyFile && file) {
    await sign(keyFile, file, values.out ?? file);
    return 0;
  }
  const publicKey = values['public-key'] ?? process.env[CONFIGURATION_PUBLIC_KEY];
  if (command === 'verify' && file && publicKey?.trim()) {
    await checkConfiguration({ path: file, offline: true, env: environment(publicKey) });
    console.error(`${file}: signature verified`);
    return 0;
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
