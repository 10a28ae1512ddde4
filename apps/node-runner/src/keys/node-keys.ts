import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { PrivateKey } from '@libp2p/interface';
import { generateOracleKeys, type OracleKeys, type OracleKeysPublic } from '@oracle/evm';
import { readOracleKeysFile, writeOracleKeysFile } from './ocr-key-file.js';
import { generateP2pKey, p2pPeerId, readP2pKeyFile, writeP2pKeyFile } from './p2p-key.js';
import { createNewSecretFiles, createSecretFile, ensurePrivateDir } from './secret-files.js';

/** The sealed layout, the default: keys generated on first boot, sealed with the keystore passphrase. */
export interface NodeKeyPaths {
  readonly dir: string;
  /** The P2P identity (p2p-key.ts). */
  readonly p2pKeyFile: string;
  /** The OCR keys and the transmitter key (ocr-key-file.ts). */
  readonly ocrKeyFile: string;
  /** The generated passphrase, used when the configuration gives none. */
  readonly keystorePasswordFile: string;
}

/** `<secretsDir>/nodes/<i>/`: the layout of @oracle/config's `selectNodeConfig(cfg, i).keys`. */
export function nodeKeyPaths(secretsDir: string, nodeIndex: number): NodeKeyPaths {
  const dir = join(secretsDir, 'nodes', String(nodeIndex));
  return {
    dir,
    p2pKeyFile: join(dir, 'p2p-key.json'),
    ocrKeyFile: join(dir, 'ocr-key.json'),
    keystorePasswordFile: join(dir, 'keystore-password'),
  };
}

/** Exactly what `setConfig` needs from one node. */
export interface NodePublicKeys extends OracleKeysPublic {
  readonly peerId: string;
}

/** One node's keys. Prints (JSON, util.inspect, String) as its public half only. */
export class NodeKeys {
  readonly peerId: string;
  /** OCR signing, off-chain, config and transmitter keys; `oracle.reveal()` gives the private ones. */
  readonly oracle: OracleKeys;
  readonly #p2p: PrivateKey;

  constructor(p2p: PrivateKey, oracle: OracleKeys) {
    this.#p2p = p2p;
    this.peerId = p2pPeerId(p2p);
    this.oracle = oracle;
  }

  /** For the libp2p transport. */
  p2pPrivateKey(): PrivateKey {
    return this.#p2p;
  }

  publicKeys(): NodePublicKeys {
    return { peerId: this.peerId, ...this.oracle.publicKeys() };
  }

  toJSON(): NodePublicKeys {
    return this.publicKeys();
  }

  toString(): string {
    return `NodeKeys(${this.peerId})`;
  }

  [inspect.custom](): string {
    return `NodeKeys ${JSON.stringify(this.publicKeys())}`;
  }
}

/** Creates whichever key files are missing (never replacing one) and returns the paths it created. */
export async function generateNodeKeys(paths: NodeKeyPaths, passphrase: string): Promise<string[]> {
  await ensurePrivateDir(paths.dir);
  const created: string[] = [];
  const writeP2p = async (tmp: string): Promise<void> =>
    writeP2pKeyFile(tmp, await generateP2pKey(), passphrase);
  if (await createSecretFile(paths.p2pKeyFile, writeP2p)) created.push(paths.p2pKeyFile);
  const writeOcr = (tmp: string): Promise<void> =>
    writeOracleKeysFile(
      tmp,
      generateOracleKeys((length) => randomBytes(length)),
      passphrase,
    );
  if (await createSecretFile(paths.ocrKeyFile, writeOcr)) created.push(paths.ocrKeyFile);
  return created;
}

/**
 * Writes existing keys (imported from another layout) into the sealed layout. Never replaces a
 * key: refuses, naming the file, when either file exists.
 */
export async function writeNodeKeys(paths: NodeKeyPaths, keys: NodeKeys, passphrase: string): Promise<void> {
  await ensurePrivateDir(paths.dir);
  await createNewSecretFiles([
    [paths.p2pKeyFile, (tmp) => writeP2pKeyFile(tmp, keys.p2pPrivateKey(), passphrase)],
    [paths.ocrKeyFile, (tmp) => writeOracleKeysFile(tmp, keys.oracle, passphrase)],
  ]);
}

/** Loads a node's keys; refuses files readable by group or others, and files that do not check out. */
export async function loadNodeKeys(paths: NodeKeyPaths, passphrase: string): Promise<NodeKeys> {
  const [p2p, oracle] = await Promise.all([
    readP2pKeyFile(paths.p2pKeyFile, passphrase),
    readOracleKeysFile(paths.ocrKeyFile, passphrase),
  ]);
  return new NodeKeys(p2p, oracle);
}
