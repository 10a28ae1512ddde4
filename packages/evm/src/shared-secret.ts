import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concat, dataSlice, getBytes, hexlify, keccak256, toUtf8Bytes, type BytesLike } from 'ethers';
import { err, ok, type Result } from '@oracle/core';
import type { SharedSecretEncryptions } from './config-encoding.js';
import { x25519, x25519PublicKey } from './curve25519.js';

/** The shared secret is one AES-128 key. */
export const SHARED_SECRET_BYTES = 16;

function aes128Block(mode: 'encrypt' | 'decrypt', key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher =
    mode === 'encrypt'
      ? createCipheriv('aes-128-ecb', key, null)
      : createDecipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
}

/** keccak256(X25519(scalar, point))[0:16]: the AES key between the dealer and one oracle. */
function blockKey(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  return getBytes(dataSlice(keccak256(x25519(scalar, point)), 0, 16));
}

/**
 * Dealer side (ocr1.md §5): encrypts `secret` (16 bytes) for each oracle's X25519 config public
 * key, with the dealer's ephemeral X25519 scalar. Both random inputs come from the caller.
 */
export function encryptSharedSecret(
  configPublicKeys: readonly BytesLike[],
  secret: BytesLike,
  dealerScalar: BytesLike,
): SharedSecretEncryptions {
  const secretBytes = getBytes(secret);
  if (secretBytes.length !== SHARED_SECRET_BYTES) throw new Error('shared secret must be 16 bytes');
  const scalar = getBytes(dealerScalar);
  return {
    diffieHellmanPoint: hexlify(x25519PublicKey(scalar)),
    sharedSecretHash: keccak256(secretBytes),
    encryptions: configPublicKeys.map((pk) =>
      hexlify(aes128Block('encrypt', blockKey(scalar, getBytes(pk)), secretBytes)),
    ),
  };
}

/**
 * Oracle side: decrypts this oracle's entry with its X25519 config scalar and rejects the
 * result unless keccak256(secret) equals the published hash (a dealer cannot equivocate).
 */
export function decryptSharedSecret(
  encryptions: SharedSecretEncryptions,
  oracleId: number,
  configSecretKey: BytesLike,
): Result<string, string> {
  const ciphertext = encryptions.encryptions[oracleId];
  if (ciphertext === undefined) return err(`oracle ${oracleId} has no shared-secret encryption`);
  let secret: Uint8Array;
  try {
    const key = blockKey(getBytes(configSecretKey), getBytes(encryptions.diffieHellmanPoint));
    secret = aes128Block('decrypt', key, getBytes(ciphertext));
  } catch (e) {
    return err(`could not decrypt shared secret: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (keccak256(secret) !== encryptions.sharedSecretHash.toLowerCase())
    return err('decrypted shared secret has wrong hash');
  return ok(hexlify(secret));
}

function derivedKey(secret: BytesLike, label: string): string {
  return dataSlice(keccak256(concat([secret, toUtf8Bytes(label)])), 0, 16);
}

/** 16-byte key of Leader(e). */
export function leaderSelectionKey(secret: BytesLike): string {
  return derivedKey(secret, 'chainlink offchain reporting v1 leader selection key');
}

/** 16-byte key of the per-round transmission permutation. */
export function transmissionOrderKey(secret: BytesLike): string {
  return derivedKey(secret, 'chainlink offchain reporting v1 transmission order key');
}
