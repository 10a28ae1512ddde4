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
import { OCR1_AGGREGATOR_ABI } from './abi.js';
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

/** An ethers Contract bound to the OCR1 aggregator ABI, with the methods typed. */
export interface OffchainAggregatorContract extends BaseContract {
  setConfig: Send<
    [
      signers: string[],
      transmitters: string[],
      threshold: BigNumberish,
      encodedConfigVersion: BigNumberish,
      encoded: BytesLike,
    ]
  >;
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
  minAnswer: View<[], bigint>;
  maxAnswer: View<[], bigint>;
  owner: View<[], string>;
  transferOwnership: Send<[to: string]>;
  acceptOwnership: Send<[]>;
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
  connect(runner: ContractRunner | null): OffchainAggregatorContract;
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

/** Deploys our OffchainAggregator (dist/contracts artifact) and waits until it is mined. */
export async function deployAggregator(
  signer: Signer,
  params: DeployAggregatorParams,
): Promise<OffchainAggregatorContract> {
  const artifact = loadContractArtifact('OffchainAggregator');
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer);
  const deployed = await factory.deploy(
    params.minAnswer,
    params.maxAnswer,
    params.decimals,
    params.description,
  );
  await deployed.waitForDeployment();
  return aggregatorAt(await deployed.getAddress(), signer);
}

/** Binds to any OCR1 aggregator (ours or Chainlink's) through the stock OCR1 ABI. */
export function aggregatorAt(address: string, runner: ContractRunner | null): OffchainAggregatorContract {
  return new Contract(address, OCR1_AGGREGATOR_ABI, runner) as unknown as OffchainAggregatorContract;
}
