import { AbiCoder, getAddress, sha256, ZeroAddress, type BigNumberish, type Provider } from 'ethers';
import { superProtocolAggregatorInterface } from './abi.js';
import type { ConsensusDonConfig, ConsensusTimingArgs } from './aggregator.js';
import { decodeOffchainConfig } from './config-encoding.js';
import type { ContractConfig } from './public-config.js';

/**
 * The two flavours of OCR1 aggregator we drive. `stock`: Chainlink's (the owner calls
 * setConfig(signers, transmitters, f, version, encoded) after setPayees). `superProtocol`: Super
 * Protocol's fork (the owner calls setConsensusConfig, the confidential admin setConfig(tuple)).
 */
export type AggregatorFlavour = 'stock' | 'superProtocol';

/**
 * A ContractConfig split the Super Protocol way: the owner's timings (setConsensusConfig) and the
 * admin's oracle set (setConfig). The contract re-assembles `encoded` from the two, byte for byte.
 * Throws if `encoded` does not decode (configs we built ourselves always do).
 */
export function splitForSuperProtocol(config: ContractConfig): {
  readonly timings: ConsensusTimingArgs;
  readonly don: ConsensusDonConfig;
} {
  const decoded = decodeOffchainConfig(config.encoded);
  if (!decoded.ok) throw new Error(decoded.error);
  const c = decoded.value;
  return {
    timings: [
      c.deltaProgressNs,
      c.deltaResendNs,
      c.deltaRoundNs,
      c.deltaGraceNs,
      c.deltaCNs,
      c.alphaPpb,
      c.deltaStageNs,
      c.rMax,
      config.encodedConfigVersion,
    ],
    don: {
      signers: [...config.signers],
      transmitters: [...config.transmitters],
      threshold: config.threshold,
      s: [...c.s],
      offchainPublicKeys: [...c.offchainPublicKeys],
      peerIDs: c.peerIds.join(','),
      sharedSecretEncryptions: {
        diffieHellmanPoint: c.sharedSecretEncryptions.diffieHellmanPoint,
        sharedSecretHash: c.sharedSecretEncryptions.sharedSecretHash,
        encryptions: [...c.sharedSecretEncryptions.encryptions],
      },
    },
  };
}

/**
 * What the TEE certificate's key signs to register `newAdmin` with an AdminCertificateHelper:
 * sha256(abi.encode(newAdmin, chainId, helper, nonce)), nonce = the helper's getSignatureNonce().
 */
export function adminRegistrationHash(
  newAdmin: string,
  chainId: BigNumberish,
  helper: string,
  nonce: BigNumberish,
): string {
  return sha256(
    AbiCoder.defaultAbiCoder().encode(
      ['address', 'uint256', 'address', 'uint256'],
      [newAdmin, chainId, helper, nonce],
    ),
  );
}

/**
 * Which flavour the contract at `address` is, by asking for adminCertificateHelper() (typeAndVersion
 * is the same on both): a non-zero address back means Super Protocol's, a revert or no answer the
 * stock contract. RPC failures reject. Call it on an address that has code.
 */
export async function probeAggregatorFlavour(
  provider: Provider,
  address: string,
): Promise<{ readonly flavour: AggregatorFlavour; readonly adminCertificateHelper?: string }> {
  const data = superProtocolAggregatorInterface.encodeFunctionData('adminCertificateHelper');
  let result: string;
  try {
    result = await provider.call({ to: address, data });
  } catch (error) {
    if ((error as { code?: string }).code === 'CALL_EXCEPTION') return { flavour: 'stock' };
    throw error;
  }
  if (result.length !== 66) return { flavour: 'stock' };
  const helper = getAddress(`0x${result.slice(26)}`);
  if (!/^0x0{24}/.test(result) || helper === ZeroAddress) return { flavour: 'stock' };
  return { flavour: 'superProtocol', adminCertificateHelper: helper };
}
