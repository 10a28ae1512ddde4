import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  generateSigningKeys,
  parsePublicKey,
  signatureProblem,
  signSolution,
} from './config-signature.js';

const solution = {
  totalNodes: 5,
  feeds: [{ pair: 'BTC/USD', decimals: 8 }],
  priceAggregatorConfig: { port: 3000, host: '127.0.0.1' },
};

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace, keeping array order', () => {
    expect(canonicalJson({ b: 1, a: [{ z: true, y: null }, 'x'], c: { e: 'é', d: 1.5 } })).toBe(
      '{"a":[{"y":null,"z":true},"x"],"b":1,"c":{"d":1.5,"e":"é"}}',
    );
  });
});

describe('configuration signatures', () => {
  const keys = generateSigningKeys();
  const publicKey = parsePublicKey(keys.publicKeyBase64);

  it('verifies a signed solution whatever its key order or formatting', () => {
    const signature = signSolution(solution, keys.privateKeyPem);
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
    );
    expect(signatureProblem(reordered, publicKey)).toBeUndefined();
  });

  it('rejects a missing signature, a changed value, another key and garbage', () => {
    const signature = signSolution(solution, keys.privateKeyPem);
    expect(signatureProblem(solution, publicKey)).toMatch(/^required/);
    expect(signatureProblem({ ...solution, totalNodes: 6, signature }, publicKey)).toMatch(/^does not match/);
    const other = generateSigningKeys();
    expect(
      signatureProblem({ ...solution, signature: signSolution(solution, other.privateKeyPem) }, publicKey),
    ).toMatch(/^does not match/);
    expect(signatureProblem({ ...solution, signature: 'not base64!' }, publicKey)).toMatch(
      /^not an Ed25519 signature/,
    );
  });

  it('accepts only a base64 DER Ed25519 public key, and says so without echoing it', () => {
    expect(() => parsePublicKey('bm90IGEga2V5')).toThrow(
      'CONFIGURATION_PUBLIC_KEY is not a base64 DER (SubjectPublicKeyInfo) public key',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(() => parsePublicKey(ec)).toThrow(
      'CONFIGURATION_PUBLIC_KEY is a ec key; an Ed25519 key is expected',
    );
  });
});
