/**
 * Signed configurations, the way the Super Protocol platform signs them. The trust chain: the image
 * (whose hash the order's report attests) carries a public key in CONFIGURATION_PUBLIC_KEY;
 * configuration.json carries, in `solution.signature`, a signature by the matching private key;
 * `config-validate` starts nothing when they do not match.
 *
 * The scheme (the reference deployment's, with @super-protocol/sdk-js; reasons and details in
 * docs/adr/0001-configuration-signature.md):
 * 1. take `solution` as the file holds it (before defaults) and remove `signature`;
 * 2. hash it with `calculateObjectHash` (configuration-hash.ts): 64 lower-case hex characters;
 * 3. sign those 64 ASCII characters with ECDSA over SHA-256 on secp256k1 (the SDK's `Crypto.sign`,
 *    keys from `Crypto.generateKeys(CryptoAlgorithm.ECIES)`); the signature is DER, in base64;
 * 4. the public key is the base64 of its DER SubjectPublicKeyInfo; the private key PKCS#8.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { calculateObjectHash } from './configuration-hash.js';

/** The variable holding the image's public key. */
export const CONFIGURATION_PUBLIC_KEY = 'CONFIGURATION_PUBLIC_KEY';

/** A key that cannot be used: the message says which and why, never quoting a private key. */
export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

/** The hash `solution.signature` covers: calculateObjectHash of `solution` without `signature`. */
export function solutionHash(solution: Readonly<Record<string, unknown>>): string {
  const { signature: _signature, ...signed } = solution;
  return calculateObjectHash(signed);
}

/** Base64 as Node writes it (padded, no whitespace), decoded; undefined for anything else. */
function strictBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

function keyDescription(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return key.asymmetricKeyType === 'ec'
    ? `an EC ${curve ?? 'unknown-curve'} key`
    : `an ${key.asymmetricKeyType ?? 'unknown'} key`;
}

const isSecp256k1 = (key: KeyObject): boolean =>
  key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp256k1';

/**
 * Reads CONFIGURATION_PUBLIC_KEY: base64 of a DER SubjectPublicKeyInfo EC secp256k1 key
 * (whitespace ignored). Throws a SigningKeyError naming the variable.
 */
export function parseConfigurationPublicKey(base64: string): KeyObject {
  const der = strictBase64(base64.replace(/\s+/g, ''));
  let key: KeyObject | undefined;
  try {
    if (der) key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    key = undefined;
  }
  if (!key) {
    throw new SigningKeyError(
      `${CONFIGURATION_PUBLIC_KEY} is not a public key: expected the base64 of a DER (SubjectPublicKeyInfo) ` +
        'EC secp256k1 key, as `sign-config keygen` prints it and Crypto.generateKeys(CryptoAlgorithm.ECIES) makes it',
    );
  }
  if (!isSecp256k1(key)) {
    throw new SigningKeyError(
      `${CONFIGURATION_PUBLIC_KEY} is ${keyDescription(key)}; configurations are signed with EC secp256k1 keys (sign-config keygen)`,
    );
  }
  return key;
}

/**
 * Reads a signing key: PEM (PKCS#8 or SEC1), or the base64 of a DER PKCS#8 key as the platform's
 * configuration signer takes it. Must be EC secp256k1. Never quotes the key.
 */
export function parseSigningPrivateKey(text: string): KeyObject {
  let key: KeyObject | undefined;
  try {
    if (text.includes('-----BEGIN')) key = createPrivateKey(text);
    else {
      const der = strictBase64(text.replace(/\s+/g, ''));
      if (der) key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
  } catch {
    key = undefined;
  }
  if (!key) {
    throw new SigningKeyError(
      'the signing key is not a private key: expected PEM, or the base64 of a DER PKCS#8 key (sign-config keygen writes one)',
    );
  }
  if (!isSecp256k1(key)) {
    throw new SigningKeyError(`the signing key is ${keyDescription(key)}; an EC secp256k1 key is expected`);
  }
  return key;
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` with nothing after it, as ECDSA on secp256k1 writes it. */
function isDerEcdsaSignature(bytes: Buffer): boolean {
  if (bytes.length < 8 || bytes[0] !== 0x30 || bytes[1] !== bytes.length - 2) return false;
  let at = 2;
  for (let i = 0; i < 2; i++) {
    const length = bytes[at + 1] ?? 0;
    if (bytes[at] !== 0x02 || length === 0 || length > 33 || at + 2 + length > bytes.length) return false;
    at += 2 + length;
  }
  return at === bytes.length;
}

/** Why `solution` does not carry a valid signature by `publicKey`, or undefined when it does. */
export function signatureProblem(
  solution: Readonly<Record<string, unknown>>,
  publicKey: KeyObject,
): string | undefined {
  const signature = solution.signature;
  if (typeof signature !== 'string' || signature === '') {
    return `required: this image only starts configurations signed for its ${CONFIGURATION_PUBLIC_KEY} (sign-config sign)`;
  }
  const bytes = strictBase64(signature);
  if (!bytes || !isDerEcdsaSignature(bytes)) {
    return 'not a signature: expected the base64 of a DER-encoded ECDSA signature, as sign-config and the platform signer write it';
  }
  const hash = solutionHash(solution);
  return verify('sha256', Buffer.from(hash, 'utf8'), publicKey, bytes)
    ? undefined
    : `does not match: the configuration changed after it was signed, or it was signed with another key than ${CONFIGURATION_PUBLIC_KEY}'s (hash of the signed content: ${hash})`;
}

/** Signs `solution` (its current `signature` left out) with a secp256k1 private key; returns the base64 signature. */
export function signSolution(solution: Readonly<Record<string, unknown>>, privateKey: KeyObject): string {
  if (!isSecp256k1(privateKey))
    throw new SigningKeyError('the signing key must be an EC secp256k1 private key');
  return sign('sha256', Buffer.from(solutionHash(solution), 'utf8'), privateKey).toString('base64');
}

/** The CONFIGURATION_PUBLIC_KEY value matching a private key. */
export function configurationPublicKeyOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64');
}

/**
 * A new key pair, as Crypto.generateKeys(CryptoAlgorithm.ECIES) makes one: the private key as PKCS#8
 * PEM (keep it out of the image; its base64 body is what the platform signer takes), the public key
 * as CONFIGURATION_PUBLIC_KEY wants it.
 */
export function generateSigningKeys(): { privateKeyPem: string; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}
