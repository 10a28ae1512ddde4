import {
  Contract,
  ContractFactory,
  type BaseContract,
  type BaseContractMethod,
  type BigNumberish,
  type BytesLike,
  type ContractRunner,
  type ContractTransactionResponse,
  type Signer,
} from 'ethers';
import {
  ADMIN_CERTIFICATE_HELPER_ABI,
  AGGREGATOR_PROXY_ABI,
  OCR1_AGGREGATOR_ABI,
  SUPER_PROTOCOL_AGGREGATOR_ABI,
} from './abi.js';
import { loadContractArtifact } from './contract-artifacts.js';

type View<A extends unknown[], R> = BaseContractMethod<A, R, R>;
type Send<A extends unknown[], R = void> = BaseContractMethod<A, R, ContractTransactionResponse>;
type RoundData = [bigint, bigint, bigint, bigint, bigint] & {
  roundId: bigint;
  answer: bigint;
  startedAt: bigint;
  updatedAt: bigint;
  answeredInRound: bigint;
};

/** The feed reads of AggregatorV2V3Interface, typed: what consumers call on an aggregator or a proxy. */
export interface FeedReads {
  decimals: View<[], bigint>;
  description: View<[], string>;
  version: View<[], bigint>;
  latestRoundData: View<[], RoundData>;
  getRoundData: View<[roundId: BigNumberish], RoundData>;
  latestAnswer: View<[], bigint>;
  latestTimestamp: View<[], bigint>;
  latestRound: View<[], bigint>;
  getAnswer: View<[roundId: BigNumberish], bigint>;
  getTimestamp: View<[roundId: BigNumberish], bigint>;
  owner: View<[], string>;
  transferOwnership: Send<[to: string]>;
  acceptOwnership: Send<[]>;
}

/** What both flavours of the OCR1 aggregator share (everything but how the config is set). */
export interface OcrAggregatorReads extends BaseContract, FeedReads {
  latestConfigDetails: View<
    [],
    [bigint, bigint, string] & { configCount: bigint; blockNumber: bigint; configDigest: string }
  >;
  transmitters: View<[], string[]>;
  transmit: Send<[report: BytesLike, rs: BytesLike[], ss: BytesLike[], rawVs: BytesLike]>;
  latestTransmissionDetails: View<
    [],
    [string, bigint, bigint, bigint, bigint] & {
      configDigest: string;
      epoch: bigint;
      round: bigint;
      latestAnswer: bigint;
      latestTimestamp: bigint;
    }
  >;
  requestNewRound: Send<[], bigint>;
  setPayees: Send<[transmitters: string[], payees: string[]]>;
  typeAndVersion: View<[], string>;
  minAnswer: View<[], bigint>;
  maxAnswer: View<[], bigint>;
}

/** An ethers Contract bound to the stock OCR1 aggregator ABI, with the methods typed. */
export interface OffchainAggregatorContract extends OcrAggregatorReads {
  setConfig: Send<
    [
      signers: string[],
      transmitters: string[],
      threshold: BigNumberish,
      encodedConfigVersion: BigNumberish,
      encoded: BytesLike,
    ]
  >;
  connect(runner: ContractRunner | null): OffchainAggregatorContract;
}

/** setConfig's argument on the Super Protocol flavour: the oracles and everything per oracle in `encoded`. */
export interface ConsensusDonConfig {
  readonly signers: readonly string[];
  readonly transmitters: readonly string[];
  readonly threshold: number;
  readonly s: readonly number[];
  readonly offchainPublicKeys: readonly string[];
  /** Joined with ",". */
  readonly peerIDs: string;
  readonly sharedSecretEncryptions: {
    readonly diffieHellmanPoint: string;
    readonly sharedSecretHash: string;
    readonly encryptions: readonly string[];
  };
}

/** setConsensusConfig's arguments, in order. Durations in nanoseconds. */
export type ConsensusTimingArgs = [
  deltaProgress: bigint,
  deltaResend: bigint,
  deltaRound: bigint,
  deltaGrace: bigint,
  deltaC: bigint,
  alphaPPB: bigint,
  deltaStage: bigint,
  rMax: number,
  encodedConfigVersion: bigint,
];

/** An ethers Contract bound to the Super Protocol flavour's ABI. */
export interface SuperProtocolAggregatorContract extends OcrAggregatorReads {
  setConfig: Send<[donConfig: ConsensusDonConfig]>;
  setConsensusConfig: Send<ConsensusTimingArgs>;
  adminCertificateHelper: View<[], string>;
  setAdminCertificateHelper: Send<[helper: string]>;
  connect(runner: ContractRunner | null): SuperProtocolAggregatorContract;
}

/** The confidential admin's registry; appointAdmin, admin and setAuthorizedSolutionHash are our stand-in's. */
export interface AdminCertificateHelperContract extends BaseContract {
  isAdmin: View<[account: string], boolean>;
  getSignatureNonce: View<[], bigint>;
  getAuthorizedSolutionHash: View<[], string>;
  addAdmin: Send<[certsChain: ChunkedX509Cert[], rootCertId: BigNumberish, signature: BytesLike]>;
  owner: View<[], string>;
  admin: View<[], string>;
  appointAdmin: Send<[admin: string]>;
  setAuthorizedSolutionHash: Send<[hash: BytesLike]>;
  connect(runner: ContractRunner | null): AdminCertificateHelperContract;
}

/** A certificate cut into the parts the on-chain verifier re-assembles. */
export interface ChunkedX509Cert {
  readonly nonSerializedParts: BytesLike[];
  readonly expirationDate: BytesLike;
  readonly ca: BytesLike;
  readonly userData: BytesLike;
  /** 64-byte uncompressed secp256k1 key without the 0x04 prefix. */
  readonly publicKey: BytesLike;
  readonly serialNumber: BytesLike;
  readonly mrEnclave: BytesLike;
  readonly mrSigner: BytesLike;
  readonly signature: BytesLike;
}

/** An EACAggregatorProxy-compatible proxy: the feed reads plus the two-step aggregator switch. */
export interface AggregatorProxyContract extends BaseContract, FeedReads {
  aggregator: View<[], string>;
  phaseId: View<[], bigint>;
  phaseAggregators: View<[phaseId: BigNumberish], string>;
  proposedAggregator: View<[], string>;
  proposeAggregator: Send<[aggregator: string]>;
  confirmAggregator: Send<[aggregator: string]>;
  proposedGetRoundData: View<[roundId: BigNumberish], RoundData>;
  proposedLatestRoundData: View<[], RoundData>;
  connect(runner: ContractRunner | null): AggregatorProxyContract;
}

export interface DeployAggregatorParams {
  /** Lowest median the contract accepts (int192, in the feed's decimals). */
  readonly minAnswer: bigint;
  /** Highest median the contract accepts. */
  readonly maxAnswer: bigint;
  readonly decimals: number;
  /** e.g. "BTC / USD". */
  readonly description: string;
}

async function deployArtifact(
  name: Parameters<typeof loadContractArtifact>[0],
  signer: Signer,
  args: unknown[],
): Promise<string> {
  const artifact = loadContractArtifact(name);
  const deployed = await new ContractFactory(artifact.abi, artifact.bytecode, signer).deploy(...args);
  await deployed.waitForDeployment();
  return deployed.getAddress();
}

/** Deploys our stock-flavour OffchainAggregator (dist/contracts artifact) and waits until it is mined. */
export async function deployAggregator(
  signer: Signer,
  params: DeployAggregatorParams,
): Promise<OffchainAggregatorContract> {
  const { minAnswer, maxAnswer, decimals, description } = params;
  const address = await deployArtifact('OffchainAggregator', signer, [
    minAnswer,
    maxAnswer,
    decimals,
    description,
  ]);
  return aggregatorAt(address, signer);
}

/** Deploys our Super Protocol-flavour aggregator, trusting `adminCertificateHelper` for its admin. */
export async function deploySuperProtocolAggregator(
  signer: Signer,
  params: DeployAggregatorParams & { readonly adminCertificateHelper: string },
): Promise<SuperProtocolAggregatorContract> {
  const { minAnswer, maxAnswer, decimals, description, adminCertificateHelper } = params;
  const address = await deployArtifact('SuperProtocolOffchainAggregator', signer, [
    minAnswer,
    maxAnswer,
    decimals,
    description,
    adminCertificateHelper,
  ]);
  return superProtocolAggregatorAt(address, signer);
}

/** Deploys our local AdminCertificateHelper stand-in (owner: the signer). */
export async function deployLocalAdminCertificateHelper(
  signer: Signer,
  authorizedSolutionHash: BytesLike,
): Promise<AdminCertificateHelperContract> {
  const address = await deployArtifact('LocalAdminCertificateHelper', signer, [authorizedSolutionHash]);
  return adminCertificateHelperAt(address, signer);
}

/** Deploys our AggregatorProxy in front of `aggregator` (phase 1). */
export async function deployAggregatorProxy(
  signer: Signer,
  aggregator: string,
): Promise<AggregatorProxyContract> {
  return aggregatorProxyAt(await deployArtifact('AggregatorProxy', signer, [aggregator]), signer);
}

/** Binds to any OCR1 aggregator (ours or Chainlink's) through the stock OCR1 ABI. */
export function aggregatorAt(address: string, runner: ContractRunner | null): OffchainAggregatorContract {
  return new Contract(address, OCR1_AGGREGATOR_ABI, runner) as unknown as OffchainAggregatorContract;
}

/** Binds to a Super Protocol-flavour aggregator (theirs or ours). */
export function superProtocolAggregatorAt(
  address: string,
  runner: ContractRunner | null,
): SuperProtocolAggregatorContract {
  return new Contract(
    address,
    SUPER_PROTOCOL_AGGREGATOR_ABI,
    runner,
  ) as unknown as SuperProtocolAggregatorContract;
}

export function adminCertificateHelperAt(
  address: string,
  runner: ContractRunner | null,
): AdminCertificateHelperContract {
  return new Contract(
    address,
    ADMIN_CERTIFICATE_HELPER_ABI,
    runner,
  ) as unknown as AdminCertificateHelperContract;
}

export function aggregatorProxyAt(address: string, runner: ContractRunner | null): AggregatorProxyContract {
  return new Contract(address, AGGREGATOR_PROXY_ABI, runner) as unknown as AggregatorProxyContract;
}
