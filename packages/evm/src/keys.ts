import { inspect } from 'node:util';
import { computeAddress, getBytes, hexlify, type BytesLike } from 'ethers';
import { ed25519PublicKey, x25519PublicKey } from './curve25519.js';

/** The private half of one oracle's keys, each 0x + 32 bytes. */
export interface OracleSecretKeys {
  /** secp256k1: signs reports; its address is the oracle's entry in `signers`. */
  readonly onchainSigningKey: string;
  /** Ed25519 seed (RFC 8032 private key): signs observations. */
  readonly offchainPrivateKey: string;
  /** X25519 scalar: decrypts the shared secret from the config. */
  readonly configPrivateKey: string;
  /** secp256k1 key of the transmitter EOA that pays gas. */
  readonly transmitterPrivateKey: string;
}

/** The public half, safe to log and to put in a config. */
export interface OracleKeysPublic {
  readonly onchainSigningAddress: string;
  /** 0x + 32-byte Ed25519 public key (goes into `offchainPublicKeys`). */
  readonly offchainPublicKey: string;
  /** 0x + 32-byte X25519 public key (used by whoever deals the shared secret). */
  readonly configPublicKey: string;
  readonly transmitterAddress: string;
}

const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * One oracle's OCR1 key set. Public parts are plain fields; the private keys are only reachable
 * through reveal(), and the object prints (JSON, util.inspect, String) as its public half.
 */
export class OracleKeys implements OracleKeysPublic {
  readonly onchainSigningAddress: string;
  readonly offchainPublicKey: string;
  readonly configPublicKey: string;
  readonly transmitterAddress: string;
  readonly #secret: OracleSecretKeys;

  private constructor(secret: OracleSecretKeys) {
    this.#secret = secret;
    this.onchainSigningAddress = computeAddress(secret.onchainSigningKey);
    this.offchainPublicKey = hexlify(ed25519PublicKey(getBytes(secret.offchainPrivateKey)));
    this.configPublicKey = hexlify(x25519PublicKey(getBytes(secret.configPrivateKey)));
    this.transmitterAddress = computeAddress(secret.transmitterPrivateKey);
  }

  /** Rebuilds the key set from its private keys, deriving every public part. */
  static fromSecret(secret: OracleSecretKeys): OracleKeys {
    const checked: OracleSecretKeys = {
      onchainSigningKey: secp256k1Key(secret.onchainSigningKey, 'on-chain signing key'),
      offchainPrivateKey: key32(secret.offchainPrivateKey, 'off-chain private key'),
      configPrivateKey: key32(secret.configPrivateKey, 'config private key'),
      transmitterPrivateKey: secp256k1Key(secret.transmitterPrivateKey, 'transmitter private key'),
    };
    return new OracleKeys(checked);
  }

  reveal(): OracleSecretKeys {
    return this.#secret;
  }

  publicKeys(): OracleKeysPublic {
    const { onchainSigningAddress, offchainPublicKey, configPublicKey, transmitterAddress } = this;
    return { onchainSigningAddress, offchainPublicKey, configPublicKey, transmitterAddress };
  }

  toJSON(): OracleKeysPublic {
    return this.publicKeys();
  }

  toString(): string {
    return `OracleKeys(${this.onchainSigningAddress})`;
  }

  [inspect.custom](): string {
    return `OracleKeys ${JSON.stringify(this.publicKeys())}`;
  }
}

/**
 * Generates a key set from a source of random bytes (node:crypto randomBytes in production,
 * a seeded stream in tests). secp256k1 draws outside [1, order) are drawn again.
 */
export function generateOracleKeys(randomBytes: (length: number) => Uint8Array): OracleKeys {
  const secp256k1 = (): string => {
    for (;;) {
      const candidate = randomBytes(32);
      const n = BigInt(hexlify(candidate));
      if (n > 0n && n < SECP256K1_ORDER) return hexlify(candidate);
    }
  };
  return OracleKeys.fromSecret({
    onchainSigningKey: secp256k1(),
    offchainPrivateKey: hexlify(randomBytes(32)),
    configPrivateKey: hexlify(randomBytes(32)),
    transmitterPrivateKey: secp256k1(),
  });
}

function key32(value: BytesLike, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = getBytes(value);
  } catch {
    throw new Error(`${what} is not hex bytes`);
  }
  if (bytes.length !== 32) throw new Error(`${what} must be 32 bytes`);
  return hexlify(bytes);
}

function secp256k1Key(value: BytesLike, what: string): string {
  const hex = key32(value, what);
  const n = BigInt(hex);
  if (n === 0n || n >= SECP256K1_ORDER) throw new Error(`${what} is not a valid secp256k1 private key`);
  return hex;
}
