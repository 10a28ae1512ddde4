/**
 * Byte-for-byte compatibility with the Super Protocol platform: @super-protocol/sdk-js (a dev
 * dependency, loaded here and nowhere else) computes the hashes and makes or checks the signatures
 * exactly as the reference deployment's configuration signer (`sign.js`) and reader
 * (`read-configuration.js`) call it, and ours must agree on every one.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crypto, CryptoKeysTransformer, helpers } from '@super-protocol/sdk-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfiguration } from './check-configuration.js';
import { calculateObjectHash } from './configuration-hash.js';
import {
  generateSigningKeys,
  parseConfigurationPublicKey,
  parseSigningPrivateKey,
  signatureProblem,
  signSolution,
} from './configuration-signature.js';
import { ConfigurationError } from './problems.js';

type Solution = Record<string, unknown>;

const EXAMPLE = fileURLToPath(new URL('../../../configuration.example.json', import.meta.url));
const example = (): { solution: Solution } =>
  JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { solution: Solution };

// ---- the platform's side, as the reference deployment calls the SDK ----------------------------

/** `Crypto.generateKeys(CryptoAlgorithm.ECIES)`, exported as the reference's generate-keys.js does. */
async function sdkKeys(): Promise<{ publicKeyBase64: string; privateKeyBase64: string }> {
  const keys = await Crypto.generateKeys('ECIES' as Parameters<typeof Crypto.generateKeys>[0]);
  if (!('privateKey' in keys)) throw new Error('ECIES keys expected');
  return {
    publicKeyBase64: CryptoKeysTransformer.publicKeyObjToDer(keys.publicKey).toString('base64'),
    privateKeyBase64: CryptoKeysTransformer.privateKeyObjToDer(keys.privateKey).toString('base64'),
  };
}

/** The reference signer: drop `signature`, hash, sign the hash with the base64 DER PKCS#8 key. */
function sdkSign(solution: Solution, privateKeyBase64: string): string {
  const { signature: _signature, ...payload } = solution;
  return Crypto.sign({
    data: helpers.calculateObjectHash(payload).hash,
    privateKey: CryptoKeysTransformer.privateDerToKeyObj(Buffer.from(privateKeyBase64, 'base64')),
  });
}

/** The reference reader's check against CONFIGURATION_PUBLIC_KEY. */
function sdkVerifies(solution: Solution, publicKeyBase64: string): boolean {
  const { signature, ...payload } = solution;
  return Crypto.verify({
    data: helpers.calculateObjectHash(payload).hash,
    signature: signature as string,
    publicKey: CryptoKeysTransformer.publicDerToKeyObj(Buffer.from(publicKeyBase64, 'base64')),
  });
}

// ---- documents -----------------------------------------------------------------------------------

/** A small deterministic PRNG (mulberry32), so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  'a',
  'b',
  'B',
  'Z',
  '_',
  '10',
  '9',
  '',
  'é',
  'ü',
  '😀',
  'key with space',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'signatureish',
];
const STRINGS = [
  '',
  'x',
  'BTC/USD',
  'é',
  'naïve café',
  '日本語',
  '😀🚀',
  'a\u0000b',
  '\ud800',
  '\udc00x',
  'line\nbreak',
  'quote"\\',
  'ᴀʙᴄ',
  '\u202eRTL',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '1.5',
  '0.1',
  '1e21',
  '1E-7',
  '123456789012345678901234567890',
  '9007199254740993',
  '5e-324',
  '1.7976931348623157e308',
  '3.0',
  '100',
];

/** JSON text of a random value: nested objects and arrays (including arrays of arrays), unicode, numbers. */
function randomJson(next: () => number, depth: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const kind = depth <= 0 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return JSON.stringify(pick(STRINGS));
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(['true', 'false']);
    case 3:
      return 'null';
    case 4: {
      const keys = [...new Set(Array.from({ length: Math.floor(next() * 6) }, () => pick(KEYS)))];
      return `{${keys.map((key) => `${JSON.stringify(key)}:${randomJson(next, depth - 1)}`).join(',')}}`;
    }
    default:
      return `[${Array.from({ length: Math.floor(next() * 5) }, () => randomJson(next, depth - 1)).join(',')}]`;
  }
}

const documents: readonly [string, unknown][] = [
  ['configuration.example.json solution', example().solution],
  ['empty object', {}],
  [
    'nested objects and arrays, arrays of arrays and of objects',
    {
      a: [[1, 2], [3, [4, 5, [6, 7]]], { b: [{ c: 1 }, { c: 2 }, { c: [true, null] }] }],
      d: { e: { f: {} } },
      g: [],
    },
  ],
  ['unicode keys and values', { é: 'naïve café', 日本: ['😀', '🚀', 'ᴀʙᴄ'], '😀': { ü: '\u0000' } }],
  ['numbers', JSON.parse('{"n":[0,-0,1.5,0.1,1e21,1E-7,5e-324,9007199254740993,-42,3.0]}')],
  ['key order', { z: 1, a: 2, B: 3, '10': 4, '9': 5, _: 6 }],
  ['the same, keys the other way', { _: 6, '9': 5, '10': 4, B: 3, a: 2, z: 1 }],
  ['array order', { feeds: ['ETH/USD', 'BTC/USD', 'LINK/USD'] }],
  [
    'keys JavaScript treats specially',
    JSON.parse('{"__proto__":{"x":[1,2]},"constructor":[{"a":1},{"a":1}],"prototype":null}'),
  ],
  ['repeated equal objects in an array', [{ a: 1 }, { a: 1 }, [{ a: 1 }, { a: 1 }]]],
  ['lone surrogates at string edges', { x: '\ud800', y: '\udc00', z: ['\ud83d', '\ude00'] }],
  ['a top-level string', 'solution'],
  ['a top-level array', [[], [[]], {}, [{}]]],
];

// ---- the tests -----------------------------------------------------------------------------------

describe('calculateObjectHash against @super-protocol/sdk-js helpers.calculateObjectHash', () => {
  it.each(documents)('%s', (_name, value) => {
    expect(calculateObjectHash(value)).toBe(helpers.calculateObjectHash(value as object).hash);
  });

  it('agrees on 500 random JSON documents', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = JSON.parse(randomJson(random(seed), 4)) as unknown;
      expect(calculateObjectHash(value), `seed ${seed}`).toBe(
        helpers.calculateObjectHash(value as object).hash,
      );
    }
  });

  it('ignores key order and array order, as the SDK does, and sees any other change', () => {
    const hash = calculateObjectHash(documents[5]?.[1]);
    expect(calculateObjectHash(documents[6]?.[1])).toBe(hash);
    expect(calculateObjectHash({ feeds: ['BTC/USD', 'LINK/USD', 'ETH/USD'] })).toBe(
      calculateObjectHash(documents[7]?.[1]),
    );
    expect(calculateObjectHash({ z: 1, a: 2, B: 3, '10': 4, '9': 5, _: 7 })).not.toBe(hash);
    expect(calculateObjectHash({ z: 1, a: 2, B: 3, '10': 4, '9': 5, _: '6' })).not.toBe(hash);
  });
});

describe('signatures, both ways', () => {
  it('a solution the SDK signed (as the platform signer does) verifies with ours', async () => {
    const keys = await sdkKeys();
    const solution = example().solution;
    const signed = { ...solution, signature: sdkSign(solution, keys.privateKeyBase64) };
    expect(signatureProblem(signed, parseConfigurationPublicKey(keys.publicKeyBase64))).toBeUndefined();
    expect(sdkVerifies(signed, keys.publicKeyBase64)).toBe(true);
  });

  it("a solution we signed verifies with the SDK, with our key or the SDK's", async () => {
    const ours = generateSigningKeys();
    const sdk = await sdkKeys();
    const solution = example().solution;
    for (const { privateKey, publicKeyBase64 } of [
      { privateKey: parseSigningPrivateKey(ours.privateKeyPem), publicKeyBase64: ours.publicKeyBase64 },
      { privateKey: parseSigningPrivateKey(sdk.privateKeyBase64), publicKeyBase64: sdk.publicKeyBase64 },
    ]) {
      const signed = { ...solution, signature: signSolution(solution, privateKey) };
      expect(sdkVerifies(signed, publicKeyBase64)).toBe(true);
      expect(sdkVerifies({ ...signed, maxRestarts: 4 }, publicKeyBase64)).toBe(false);
    }
  });

  it("our keygen's PEM body is the private key the platform signer takes", () => {
    const ours = generateSigningKeys();
    const body = ours.privateKeyPem.replace(/-----[^-]+-----|\s/g, '');
    const solution = example().solution;
    const signed = { ...solution, signature: sdkSign(solution, body) };
    expect(signatureProblem(signed, parseConfigurationPublicKey(ours.publicKeyBase64))).toBeUndefined();
  });

  it('agrees with the SDK on random documents signed either way', async () => {
    const sdk = await sdkKeys();
    const publicKey = parseConfigurationPublicKey(sdk.publicKeyBase64);
    const privateKey = parseSigningPrivateKey(sdk.privateKeyBase64);
    for (let seed = 1; seed <= 40; seed++) {
      const solution = JSON.parse(`{"x":${randomJson(random(seed), 3)},"seed":${seed}}`) as Solution;
      const bySdk = { ...solution, signature: sdkSign(solution, sdk.privateKeyBase64) };
      const byUs = { ...solution, signature: signSolution(solution, privateKey) };
      expect(signatureProblem(bySdk, publicKey), `seed ${seed}`).toBeUndefined();
      expect(sdkVerifies(byUs, sdk.publicKeyBase64), `seed ${seed}`).toBe(true);
    }
  });
});

describe('a configuration file signed by the platform signer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdk-signed-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is accepted unchanged, and refused with one line when one byte changes', async () => {
    const keys = await sdkKeys();
    const { solution } = example();
    // The signer writes the solution it signed; the platform mounts it as {"solution": ...}.
    const signed = { ...solution, signature: sdkSign(solution, keys.privateKeyBase64) };
    const text = JSON.stringify({ solution: signed });
    const path = join(dir, 'configuration.json');
    await writeFile(path, text);
    const env = { CONFIGURATION_PUBLIC_KEY: keys.publicKeyBase64 };

    const checked = await checkConfiguration({ path, env, offline: true });
    expect(checked.signature).toBe('verified');

    const at = text.indexOf('"maxRestarts":3') + '"maxRestarts":'.length;
    expect(text[at]).toBe('3');
    await writeFile(path, `${text.slice(0, at)}4${text.slice(at + 1)}`);
    const error = await checkConfiguration({ path, env, offline: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      {
        path: 'solution.signature',
        message: expect.stringMatching(
          /^does not match: the configuration changed after it was signed, or it was signed with another key than CONFIGURATION_PUBLIC_KEY's \(hash of the signed content: [0-9a-f]{64}\)$/,
        ) as unknown,
      },
    ]);
  });
});
