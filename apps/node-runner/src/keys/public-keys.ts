import { readFile } from 'node:fs/promises';
import { chainlinkEvmAddressOf } from './chainlink-evm-key.js';
import { chainlinkOcrPublicOf } from './chainlink-ocr-key.js';
import { chainlinkPeerIdOf } from './chainlink-p2p-key.js';
import type { NodePublicKeys } from './node-keys.js';
import { oracleKeysPublicOf } from './ocr-key-file.js';
import { p2pPeerIdOf } from './p2p-key.js';

/**
 * The public keys a node's key files state in clear, in either layout, read without any password:
 * another node's peer id, or what setConfig needs. Not checked against the private keys (the node
 * that owns them does that when it loads them).
 */
export interface KeyFiles {
  readonly layout: 'sealed' | 'chainlink';
  readonly evmKeyFile: string;
  readonly p2pKeyFile: string;
  readonly ocrKeyFile: string;
}

async function text(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT' ? `key file ${file} does not exist` : `key file ${file} cannot be read (${code})`,
    );
  }
}

export async function readPeerIdOf(files: Pick<KeyFiles, 'layout' | 'p2pKeyFile'>): Promise<string> {
  const p2p = await text(files.p2pKeyFile);
  return files.layout === 'chainlink'
    ? chainlinkPeerIdOf(files.p2pKeyFile, p2p)
    : p2pPeerIdOf(files.p2pKeyFile, p2p);
}

export async function readPublicKeysOf(files: KeyFiles): Promise<NodePublicKeys> {
  const peerId = await readPeerIdOf(files);
  const ocr = await text(files.ocrKeyFile);
  if (files.layout === 'sealed') return { peerId, ...oracleKeysPublicOf(files.ocrKeyFile, ocr) };
  return {
    peerId,
    ...chainlinkOcrPublicOf(files.ocrKeyFile, ocr),
    transmitterAddress: chainlinkEvmAddressOf(files.evmKeyFile, await text(files.evmKeyFile)),
  };
}
