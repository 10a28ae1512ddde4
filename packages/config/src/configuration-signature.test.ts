import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calculateObjectHash } from './configuration-hash.js';
import {
  configurationPublicKeyOf,
  generateSigningKeys,
  parseConfigurationPublicKey,
  parseSigningPrivateKey,
  signatureProblem,
  signSolution,
  solutionHash,
} from './configuration-signature.js';

const solution = {
  totalNodes: 5,
  feeds: [{ pair: 'BTC/USD', decimals: 8 }],
  priceAggregatorConfig: { port: 3000, host: '127.0.0.1' },
};

describe('calculateObjectHash', () => {
  it('hashes the serialisation the SDK hashes', () => {
    const emptyObject =
      'object:3:string:9:prototype:Undefined,' +
      'string:9:__proto__:object:3:string:9:prototype:Undefined,string:9:__proto__:Null,' +
      'string:11:constructor:fn:string:8:[native]string:20:function-name:Objectobject:0:,,' +
      'string:11:constructor:fn:string:8:[native]string:20:function-name:Objectstring:12:[CIRCULAR:2],';
    expect(calculateObjectHash({})).toBe(createHash('sha256').update(emptyObject).digest('hex'));
  });

  // Values computed by @super-protocol/sdk-js 3.14.0 helpers.calculateObjectHash (the full proof
  // runs the SDK itself: configuration-signature.sdk.test.ts).
  it.each([
    [{}, '89f54475c1b4341195658d61b2b1baa04b2230b6bba73b44c5e6ec5c9f91c7e0'],
    [{ a: [1, 2] }, 'b638c96e0608821cb1007c638aaa75a6a9c6565eecfea86a57c8d62fa9df6cad'],
    [
      { feeds: [{ pair: 'BTC/USD', decimals: 8 }], totalNodes: 5, name: 'café 😀' },
      '66d6c023a4c729d5cdd5d7c910248b6402a1f23278381dde99515e272576a379',
    ],
  ])('%j has the SDK hash', (value, hash) => {
    expect(calculateObjectHash(value)).toBe(hash);
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => calculateObjectHash({ at: new Date(0) })).toThrow(TypeError);
    expect(() => calculateObjectHash({ n: 1n })).toThrow(TypeError);
  });
});

describe('configuration signatures', () => {
  const keys = generateSigningKeys();
  const publicKey = parseConfigurationPublicKey(keys.publicKeyBase64);
  const privateKey = parseSigningPrivateKey(keys.privateKeyPem);

  it('signs the solution without its signature, and verifies whatever the key order or formatting', () => {
    const signature = signSolution(solution, privateKey);
    expect(Buffer.from(signature, 'base64')[0]).toBe(0x30); // DER
    const resigned = signSolution({ ...solution, signature: 'old' }, privateKey);
    expect(signatureProblem({ ...solution, signature: resigned }, publicKey)).toBeUndefined();
    const reordered = JSON.parse(
      JSON.stringify(
        {
          signature,
          priceAggregatorConfig: { host: '127.0.0.1', port: 3000 },
          feeds: solution.feeds,
          totalNodes: 5,
        },
        null,
        4,
      ),
    ) as Record<string, unknown>;
    expect(solutionHash(reordered)).toBe(solutionHash(solution));
    expect(signatureProblem(reordered, publicKey)).toBeUndefined();
    expect(configurationPublicKeyOf(privateKey)).toBe(keys.publicKeyBase64);
  });

  it('refuses a missing signature, a changed value, another key and garbage, each with its reason', () => {
    const signature = signSolution(solution, privateKey);
    expect(signatureProblem(solution, publicKey)).toBe(
      'required: this image only starts configurations signed for its CONFIGURATION_PUBLIC_KEY (sign-config sign)',
    );
    expect(signatureProblem({ ...solution, totalNodes: 6, signature }, publicKey)).toBe(
      "does not match: the configuration changed after it was signed, or it was signed with another key than CONFIGURATION_PUBLIC_KEY's " +
        `(hash of the signed content: ${solutionHash({ ...solution, totalNodes: 6 })})`,
    );
    const other = parseSigningPrivateKey(generateSigningKeys().privateKeyPem);
    expect(signatureProblem({ ...solution, signature: signSolution(solution, other) }, publicKey)).toMatch(
      /^does not match/,
    );
    for (const garbage of ['not base64!', 'AAAA', Buffer.alloc(64, 1).toString('base64'), `${signature}\n`]) {
      expect(signatureProblem({ ...solution, signature: garbage }, publicKey)).toBe(
        'not a signature: expected the base64 of a DER-encoded ECDSA signature, as sign-config and the platform signer write it',
      );
    }
  });

  it('accepts only a base64 DER secp256k1 public key, and says which key it got', () => {
    const notAKey =
      'CONFIGURATION_PUBLIC_KEY is not a public key: expected the base64 of a DER (SubjectPublicKeyInfo) EC secp256k1 key, ' +
      'as `sign-config keygen` prints it and Crypto.generateKeys(CryptoAlgorithm.ECIES) makes it';
    expect(() => parseConfigurationPublicKey('bm90IGEga2V5')).toThrow(notAKey);
    expect(() => parseConfigurationPublicKey('%%%')).toThrow(notAKey);
    expect(() => parseConfigurationPublicKey(keys.privateKeyPem)).toThrow(notAKey);
    const der = (type: 'ed25519' | 'ec') =>
      (type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        : generateKeyPairSync('ed25519')
      ).publicKey
        .export({ format: 'der', type: 'spki' })
        .toString('base64');
    expect(() => parseConfigurationPublicKey(der('ed25519'))).toThrow(
      'CONFIGURATION_PUBLIC_KEY is an ed25519 key; configurations are signed with EC secp256k1 keys (sign-config keygen)',
    );
    expect(() => parseConfigurationPublicKey(der('ec'))).toThrow(
      'CONFIGURATION_PUBLIC_KEY is an EC prime256v1 key',
    );
    // Whitespace (a wrapped value) is ignored.
    const wrapped = keys.publicKeyBase64.replace(/(.{40})/g, '$1\n');
    expect(parseConfigurationPublicKey(` ${wrapped} `).equals(publicKey)).toBe(true);
  });

  it('reads a signing key as PEM or bare base64 PKCS#8, secp256k1 only, never quoting it', () => {
    const body = keys.privateKeyPem.replace(/-----[^-]+-----|\s/g, '');
    expect(configurationPublicKeyOf(parseSigningPrivateKey(body))).toBe(keys.publicKeyBase64);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => parseSigningPrivateKey(ed)).toThrow(
      'the signing key is an ed25519 key; an EC secp256k1 key is expected',
    );
    let message = '';
    try {
      parseSigningPrivateKey(body.slice(0, 40));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^the signing key is not a private key/);
    expect(message).not.toContain(body.slice(0, 40));
  });
});
