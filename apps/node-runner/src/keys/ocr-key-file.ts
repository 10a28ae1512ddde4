import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  scrypt as scryptCallback,
  type ScryptOptions,
} from 'node:crypto';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { OracleKeys, type OracleKeysPublic, type OracleSecretKeys } from './keys.js';

/**
 * JSON key files for one oracle, written with mode 0600. With a passphrase the private keys are
 * sealed with scrypt + AES-256-GCM; without one they are stored in the clear (for volumes that
 * are already encrypted, like a TEE's sealed storage). Public keys are always readable.
 */

interface SealedSecret {
  readonly kdf: 'scrypt';
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

interface KeyFile {
  readonly version: 1;
  readonly public: OracleKeysPublic;
  readonly secret?: OracleSecretKeys;
  readonly sealedSecret?: SealedSecret;
}

export interface KeyFileOptions {
  readonly passphrase?: string;
}

const SCRYPT = { n: 2 ** 15, r: 8, p: 1 } as const;

function scrypt(
  passphrase: string,
  salt: Buffer,
  params: { n: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { N: params.n, r: params.r, p: params.p, maxmem: 256 * params.n * params.r };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase, salt, 32, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

async function seal(secret: OracleSecretKeys, passphrase: string): Promise<SealedSecret> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await scrypt(passphrase, salt, SCRYPT), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('hex'),
    iv: iv.toString('hex'),
    ciphertext: ciphertext.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
  };
}

async function unseal(sealed: SealedSecret, passphrase: string): Promise<OracleSecretKeys> {
  const key = await scrypt(passphrase, Buffer.from(sealed.salt, 'hex'), sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'hex'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'hex'));
  try {
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'hex')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as OracleSecretKeys;
  } catch {
    throw new Error('wrong passphrase or corrupted key file');
  }
}

/** Writes atomically (temporary file + rename), readable by the owner only. */
export async function writeOracleKeysFile(
  path: string,
  keys: OracleKeys,
  options: KeyFileOptions = {},
): Promise<void> {
  const file: KeyFile = options.passphrase
    ? { version: 1, public: keys.publicKeys(), sealedSecret: await seal(keys.reveal(), options.passphrase) }
    : { version: 1, public: keys.publicKeys(), secret: keys.reveal() };
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/**
 * Loads a key file. Refuses files readable by group or others, files whose public keys do not
 * match their private keys, and sealed files without the right passphrase. Errors never
 * contain key material.
 */
export async function readOracleKeysFile(path: string, options: KeyFileOptions = {}): Promise<OracleKeys> {
  const { mode } = await stat(path);
  if ((mode & 0o077) !== 0)
    throw new Error(
      `key file ${path} must not be accessible by group or others (mode ${(mode & 0o777).toString(8)})`,
    );
  let file: KeyFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch {
    throw new Error(`key file ${path} is not valid JSON`);
  }
  if (file.version !== 1) throw new Error(`key file ${path} has unsupported version`);
  let secret: OracleSecretKeys;
  if (file.sealedSecret) {
    if (!options.passphrase) throw new Error(`key file ${path} is sealed and needs a passphrase`);
    secret = await unseal(file.sealedSecret, options.passphrase);
  } else if (file.secret) {
    secret = file.secret;
  } else {
    throw new Error(`key file ${path} holds no private keys`);
  }
  const keys = OracleKeys.fromSecret(secret);
  const expected = keys.publicKeys();
  const mismatch = (Object.keys(expected) as (keyof OracleKeysPublic)[]).find(
    (k) => String(file.public?.[k]).toLowerCase() !== expected[k].toLowerCase(),
  );
  if (mismatch) throw new Error(`key file ${path}: ${mismatch} does not match the private key`);
  return keys;
}
