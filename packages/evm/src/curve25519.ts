import { createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Raw 32-byte Curve25519 keys on node:crypto: X25519 (config keys, shared-secret dealing) and
 * Ed25519 (off-chain observation signatures). Node's KeyObjects take DER, so raw keys are
 * wrapped in the fixed PKCS#8 / SPKI headers of RFC 8410.
 */

const PKCS8_PREFIX = {
  x25519: '302e020100300506032b656e04220420',
  ed25519: '302e020100300506032b657004220420',
};
const SPKI_PREFIX = { x25519: '302a300506032b656e032100', ed25519: '302a300506032b6570032100' };

type Curve = keyof typeof PKCS8_PREFIX;

function checkLength(bytes: Uint8Array, what: string): void {
  if (bytes.length !== 32) throw new Error(`${what} must be 32 bytes`);
}

function privateKeyObject(curve: Curve, raw: Uint8Array): KeyObject {
  checkLength(raw, `${curve} private key`);
  return createPrivateKey({
    key: Buffer.concat([Buffer.from(PKCS8_PREFIX[curve], 'hex'), raw]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKeyObject(curve: Curve, raw: Uint8Array): KeyObject {
  checkLength(raw, `${curve} public key`);
  return createPublicKey({
    key: Buffer.concat([Buffer.from(SPKI_PREFIX[curve], 'hex'), raw]),
    format: 'der',
    type: 'spki',
  });
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - 32));
}

/** X25519(scalar, basepoint). The scalar is clamped, as Go's curve25519.X25519 does. */
export function x25519PublicKey(scalar: Uint8Array): Uint8Array {
  return rawPublicKey(privateKeyObject('x25519', scalar));
}

/** X25519(scalar, point); throws on a low-order point (all-zero result), like Go. */
export function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  const shared = diffieHellman({
    privateKey: privateKeyObject('x25519', scalar),
    publicKey: publicKeyObject('x25519', point),
  });
  if (shared.every((b) => b === 0)) throw new Error('X25519 produced the all-zero point');
  return new Uint8Array(shared);
}

/** The Ed25519 public key of a 32-byte seed (RFC 8032 private key). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return rawPublicKey(privateKeyObject('ed25519', seed));
}

export function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKeyObject('ed25519', seed)));
}

/** False for any malformed key or signature, never throws. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, publicKeyObject('ed25519', publicKey), signature);
  } catch {
    return false;
  }
}
