/**
 * Signed configurations. The trust chain: the image (whose hash the Super Protocol order attests)
 * carries a public key in CONFIGURATION_PUBLIC_KEY; configuration.json carries, in
 * `solution.signature`, a signature by the matching private key; `config-validate` refuses to start
 * anything when they do not match.
 *
 * Scheme (ours, documented in docker/README.md): Ed25519 over the UTF-8 bytes of the canonical JSON
 * of `solution` without its `signature` key, as the file holds it (before defaults). Canonical JSON:
 * object keys sorted by UTF-16 code units, no whitespace, strings and numbers as JSON.stringify
 * writes them (RFC 8785 for the values configurations use). The public key is base64 DER
 * (SubjectPublicKeyInfo), the signature base64 of the 64 raw bytes.
 *
 * The reference implementation signs with @super-protocol/sdk-js (`calculateObjectHash` +
 * `Crypto.verify`); its canonicalisation and algorithm are unconfirmed, so this scheme is not
 * claimed to be compatible with configurations signed by that tool.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';

/** Canonical JSON: sorted keys, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error('cannot sign a non-finite number');
  return JSON.stringify(value);
}

/** The bytes a signature covers: `solution` without `signature`. */
export function signedBytes(solution: Readonly<Record<string, unknown>>): Buffer {
  const { signature: _signature, ...rest } = solution;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** Reads CONFIGURATION_PUBLIC_KEY (base64 DER SPKI); throws a message naming the variable, never a key. */
export function parsePublicKey(base64: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(base64.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new Error('CONFIGURATION_PUBLIC_KEY is not a base64 DER (SubjectPublicKeyInfo) public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `CONFIGURATION_PUBLIC_KEY is a ${key.asymmetricKeyType ?? 'unknown'} key; an Ed25519 key is expected`,
    );
  }
  return key;
}

/** Why `solution` does not carry a valid signature by `publicKey`, or undefined when it does. */
export function signatureProblem(
  solution: Readonly<Record<string, unknown>>,
  publicKey: KeyObject,
): string | undefined {
  const signature = solution.signature;
  if (typeof signature !== 'string' || signature === '') {
    return 'required: this image only runs configurations signed for its CONFIGURATION_PUBLIC_KEY (see sign-config)';
  }
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64 || bytes.toString('base64') !== signature) {
    return 'not an Ed25519 signature (expected base64 of 64 bytes)';
  }
  return verify(null, signedBytes(solution), publicKey, bytes)
    ? undefined
    : 'does not match: the configuration changed after signing, or it was signed with another key';
}

/** Signs `solution` (its current `signature` ignored) with a PEM PKCS#8 Ed25519 private key; returns the base64 signature. */
export function signSolution(solution: Readonly<Record<string, unknown>>, privateKeyPem: string): string {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the signing key must be an Ed25519 private key');
  return sign(null, signedBytes(solution), key).toString('base64');
}

/** A new key pair: the private key as PEM (keep it out of the image), the public key as CONFIGURATION_PUBLIC_KEY wants it. */
export function generateSigningKeys(): { privateKeyPem: string; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}
