import { ContractFactory, id, type Wallet } from 'ethers';
import { loadContractArtifact, type AggregatorFlavour, type ContractName } from '@oracle/evm';
import { TxQueue } from './tx-queue.js';

/** Most answers a feed accepts by default: the reference deployment's bounds. */
const DEFAULT_MIN_ANSWER = 1n;
const DEFAULT_MAX_ANSWER = 2n ** 160n - 1n;

/** The solution hash our local AdminCertificateHelper stand-in is deployed with (nothing checks it locally). */
export const LOCAL_SOLUTION_HASH = id('oracle network: local solution');

export interface FeedToDeploy {
  readonly name: string;
  readonly pair: string;
  readonly decimals: number;
  readonly description?: string;
  readonly minAnswer?: bigint;
  readonly maxAnswer?: bigint;
  readonly contractAddress?: string;
  readonly proxyAddress?: string;
}

export interface DeployedFeed {
  readonly feed: string;
  readonly pair: string;
  /** The aggregator. */
  readonly address: string;
  readonly deployed: boolean;
  /** Flavour of an aggregator deployed now (an existing one is not probed here). */
  readonly flavour?: AggregatorFlavour;
  /** Absent only when its deployment failed. */
  readonly proxyAddress?: string;
  readonly proxyDeployed: boolean;
}

export interface DeployFeedsOptions {
  readonly owner: Wallet;
  readonly flavour: AggregatorFlavour;
  /** superProtocol: the helper new aggregators trust; absent: a local stand-in is deployed first. */
  readonly adminCertificateHelper: string | undefined;
  /** Feeds deployed concurrently (their transactions still go out one at a time). */
  readonly batchSize: number;
  readonly log: (line: string) => void;
}

export interface DeployFeedsResult {
  readonly feeds: DeployedFeed[];
  /** The helper the Super Protocol aggregators deployed now trust, and whether it was deployed now. */
  readonly adminCertificateHelper?: { readonly address: string; readonly deployed: boolean };
  /** The first failure; `feeds` then holds what was deployed before it. */
  readonly error?: Error;
}

/**
 * Deploys, for every feed, what it lacks: an aggregator of the chosen flavour (no contractAddress)
 * and an AggregatorProxy in front of it (no proxyAddress). The first failure stops the deployment;
 * what was deployed until then is returned with it, so a second run goes on from there.
 */
export async function deployFeeds(
  feeds: readonly FeedToDeploy[],
  options: DeployFeedsOptions,
): Promise<DeployFeedsResult> {
  const { owner, flavour, batchSize, log } = options;
  const queue = new TxQueue(owner);
  const deployContract = async (name: ContractName, args: unknown[]): Promise<string> => {
    const artifact = loadContractArtifact(name);
    const request = await new ContractFactory(artifact.abi, artifact.bytecode).getDeployTransaction(...args);
    const receipt = await queue.send(request);
    if (!receipt.contractAddress) throw new Error(`${name} deployment created no contract`);
    return receipt.contractAddress;
  };

  const results: DeployedFeed[] = [];
  const order = new Map(feeds.map((feed, i) => [feed.name, i]));
  const inOrder = (): DeployedFeed[] =>
    results.sort((a, b) => (order.get(a.feed) ?? 0) - (order.get(b.feed) ?? 0));
  let helper: DeployFeedsResult['adminCertificateHelper'];
  try {
    if (flavour === 'superProtocol' && feeds.some((f) => !f.contractAddress)) {
      helper = options.adminCertificateHelper
        ? { address: options.adminCertificateHelper, deployed: false }
        : {
            address: await deployContract('LocalAdminCertificateHelper', [LOCAL_SOLUTION_HASH]),
            deployed: true,
          };
      log(
        helper.deployed
          ? `deploy: local AdminCertificateHelper stand-in at ${helper.address} (its owner may appoint the admin)`
          : `deploy: aggregators trust the AdminCertificateHelper at ${helper.address}`,
      );
    }
    for (let start = 0; start < feeds.length; start += batchSize) {
      const batch = feeds.slice(start, start + batchSize);
      const settled = await Promise.allSettled(
        batch.map(async (feed) => {
          const common = [
            feed.minAnswer ?? DEFAULT_MIN_ANSWER,
            feed.maxAnswer ?? DEFAULT_MAX_ANSWER,
            feed.decimals,
            feed.description ?? feed.name,
          ];
          const address =
            feed.contractAddress ??
            (await deployContract(
              flavour === 'superProtocol' ? 'SuperProtocolOffchainAggregator' : 'OffchainAggregator',
              flavour === 'superProtocol' ? [...common, helper?.address] : common,
            ));
          const result: DeployedFeed = {
            feed: feed.name,
            pair: feed.pair,
            address,
            deployed: !feed.contractAddress,
            ...(feed.contractAddress ? {} : { flavour }),
            ...(feed.proxyAddress ? { proxyAddress: feed.proxyAddress } : {}),
            proxyDeployed: false,
          };
          // Recorded before the proxy, so a failing proxy does not lose the aggregator.
          results.push(result);
          if (!feed.proxyAddress)
            Object.assign(result, {
              proxyAddress: await deployContract('AggregatorProxy', [address]),
              proxyDeployed: true,
            });
        }),
      );
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      log(`deploy: ${results.length}/${feeds.length} feeds`);
    }
  } catch (error) {
    return { feeds: inOrder(), ...(helper ? { adminCertificateHelper: helper } : {}), error: error as Error };
  }
  return { feeds: inOrder(), ...(helper ? { adminCertificateHelper: helper } : {}) };
}
