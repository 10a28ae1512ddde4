import { AbiCoder, dataSlice, keccak256 } from 'ethers';
import type { ContractConfig } from './public-config.js';

const DIGEST_TYPES = ['address', 'uint64', 'address[]', 'address[]', 'uint8', 'uint64', 'bytes'];

/**
 * The OCR1 config digest (ocr1.md §4): the first 16 bytes of keccak256 of the ABI-encoded
 * (contract, configCount, signers, transmitters, threshold, encodedConfigVersion, encoded).
 * No chain id: OCR1 relies on the contract address. Returns 0x + 32 hex characters.
 */
export function configDigest(contractAddress: string, configCount: bigint, config: ContractConfig): string {
  const encoded = AbiCoder.defaultAbiCoder().encode(DIGEST_TYPES, [
    contractAddress,
    configCount,
    config.signers,
    config.transmitters,
    config.threshold,
    config.encodedConfigVersion,
    config.encoded,
  ]);
  return dataSlice(keccak256(encoded), 0, 16);
}

/** The digest a contract reports before its first setConfig. */
export const ZERO_CONFIG_DIGEST = '0x' + '00'.repeat(16);
