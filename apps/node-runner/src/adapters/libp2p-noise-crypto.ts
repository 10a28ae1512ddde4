import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';

/**
 * The Noise handshake's and transport's primitives (SHA-256, HKDF, X25519, ChaCha20-Poly1305)
 * from Node's OpenSSL, for libp2p's Noise encrypter.
 *
 * Why not the package's default: it runs ChaCha20-Poly1305 on messages under 1,200 bytes (all of
 * ours) in WebAssembly, instantiated when the module loads. Two 512 KiB WebAssembly memories, the
 * compiled module and the WebAssembly compiler's pages of the node binary cost ~2 MiB of RSS per
 * node (OCR benchmark, apps/node-runner/README.md). The bundle replaces that default with this
 * (scripts/bundle.mjs), and the transport passes this explicitly, so both run the same code.
 */

const TAG_BYTES = 16;
const KEY_BYTES = 32;
// DER headers of a raw X25519 key (RFC 8410): PKCS#8 before a 32-byte private key, SPKI before a public one.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

function privateKeyObject(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  return createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
}

export const nodeNoiseCrypto: ICryptoInterface = {
  hashSHA256(data) {
    const hash = createHash('sha256');
    if (data instanceof Uint8Array) hash.update(data);
    else for (const chunk of data) hash.update(chunk);
    return hash.digest();
  },

  /** Noise's HKDF(ck, ikm, 3) is RFC 5869 with salt = ck and empty info. */
  getHKDF(ck, ikm) {
    const okm = new Uint8Array(hkdfSync('sha256', ikm, ck, new Uint8Array(0), 3 * KEY_BYTES));
    return [okm.subarray(0, KEY_BYTES), okm.subarray(KEY_BYTES, 2 * KEY_BYTES), okm.subarray(2 * KEY_BYTES)];
  },

  generateX25519KeyPair() {
    const { privateKey } = generateKeyPairSync('x25519');
    const raw = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_X25519.length);
    return { publicKey: rawPublicKey(privateKey), privateKey: raw };
  },

  generateX25519KeyPairFromSeed(seed) {
    return { publicKey: rawPublicKey(privateKeyObject(seed)), privateKey: seed };
  },

  generateX25519SharedKey(privateKey, publicKey) {
    return diffieHellman({
      privateKey: privateKeyObject(privateKey.subarray()),
      publicKey: publicKeyObject(publicKey.subarray()),
    });
  },

  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    const cipher = createCipheriv('chacha20-poly1305', k, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
    const body = cipher.update(plaintext.subarray());
    return Buffer.concat([body, cipher.final(), cipher.getAuthTag()]);
  },

  /** Throws when the tag does not authenticate the ciphertext and `ad` (Noise then drops the connection). */
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k) {
    if (ciphertext.byteLength < TAG_BYTES)
      throw new Error('ChaCha20-Poly1305 ciphertext shorter than its tag');
    const bytes = ciphertext.subarray();
    const tagStart = bytes.byteLength - TAG_BYTES;
    const decipher = createDecipheriv('chacha20-poly1305', k, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(ad, { plaintextLength: tagStart });
    decipher.setAuthTag(bytes.subarray(tagStart));
    const body = decipher.update(bytes.subarray(0, tagStart));
    return Buffer.concat([body, decipher.final()]);
  },
};
