import { join } from 'node:path';
import { OracleKeys } from '@oracle/evm';
import { readChainlinkEvmKey, writeChainlinkEvmKey } from './chainlink-evm-key.js';
import { readChainlinkOcrKey, writeChainlinkOcrKey } from './chainlink-ocr-key.js';
import { readChainlinkP2pKey, writeChainlinkP2pKey } from './chainlink-p2p-key.js';
import { NodeKeys } from './node-keys.js';
import type { ScryptParams } from './scrypt.js';
import { createNewSecretFiles, ensurePrivateDir } from './secret-files.js';

/**
 * The Chainlink layout: the key exports of a Go Chainlink node, one directory per node
 * (`<spSecretsDir>/cl-secrets/<i>/` in the reference deployment), all three encrypted with one
 * keystore password. Loading them gives this node the Go node's transmitter, OCR keys and peer id.
 */
export interface ChainlinkKeyPaths {
  readonly dir: string;
  /** Ethereum keystore v3: the transmitter (chainlink-evm-key.ts). */
  readonly evmKeyFile: string;
  /** Chainlink's P2P key export (chainlink-p2p-key.ts). */
  readonly p2pKeyFile: string;
  /** Chainlink's OCR key bundle export (chainlink-ocr-key.ts). */
  readonly ocrKeyFile: string;
}

/** `<dir>/<nodeIndex>/{evm_key,p2p_key,ocr_key}.json`: the layout of @oracle/config's chainlink `nodes.keys`. */
export function chainlinkKeyPaths(dir: string, nodeIndex: number): ChainlinkKeyPaths {
  const nodeDir = join(dir, String(nodeIndex));
  return {
    dir: nodeDir,
    evmKeyFile: join(nodeDir, 'evm_key.json'),
    p2pKeyFile: join(nodeDir, 'p2p_key.json'),
    ocrKeyFile: join(nodeDir, 'ocr_key.json'),
  };
}

/**
 * Loads a node's keys from the three files, one after the other: each decryption at the standard
 * cost takes 256 MiB for about half a second, so one at a time keeps a node's peak at 256 MiB.
 * Errors name the file and never carry key material.
 */
export async function loadChainlinkNodeKeys(paths: ChainlinkKeyPaths, password: string): Promise<NodeKeys> {
  const transmitterPrivateKey = await readChainlinkEvmKey(paths.evmKeyFile, password);
  const p2p = await readChainlinkP2pKey(paths.p2pKeyFile, password);
  const ocr = await readChainlinkOcrKey(paths.ocrKeyFile, password);
  return new NodeKeys(p2p, OracleKeys.fromSecret({ ...ocr, transmitterPrivateKey }));
}

/**
 * Writes a node's keys as the three files a Chainlink node imports (`chainlink keys eth|p2p|ocr
 * import`), mode 0600 in a 0700 directory, at the standard scrypt cost unless told otherwise.
 * Never replaces a file: refuses, naming it, when one exists.
 */
export async function exportChainlinkNodeKeys(
  paths: ChainlinkKeyPaths,
  keys: NodeKeys,
  password: string,
  scrypt?: ScryptParams,
): Promise<void> {
  await ensurePrivateDir(paths.dir);
  const { transmitterPrivateKey, ...ocr } = keys.oracle.reveal();
  await createNewSecretFiles([
    [paths.evmKeyFile, (tmp) => writeChainlinkEvmKey(tmp, transmitterPrivateKey, password, scrypt)],
    [paths.p2pKeyFile, (tmp) => writeChainlinkP2pKey(tmp, keys.p2pPrivateKey(), password, scrypt)],
    [paths.ocrKeyFile, (tmp) => writeChainlinkOcrKey(tmp, ocr, password, scrypt)],
  ]);
}
