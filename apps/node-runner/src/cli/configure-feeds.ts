import { isCallException, type JsonRpcProvider, type TransactionRequest, type Wallet } from 'ethers';
import {
  adminCertificateHelperAt,
  aggregatorAt,
  probeAggregatorFlavour,
  splitForSuperProtocol,
  superProtocolAggregatorAt,
  ZERO_CONFIG_DIGEST,
  type AggregatorFlavour,
  type ContractConfig,
} from '@oracle/evm';
import { EthersChainReader } from '../adapters/chain-reader.js';
import { configDifferences } from './oracle-config.js';
import { TxQueue } from './tx-queue.js';

/** One feed to configure: its aggregator and the config it should have. */
export interface FeedToConfigure {
  readonly name: string;
  /** Absent: not deployed (reported, never configured). */
  readonly address: string | undefined;
  readonly wanted: ContractConfig;
}

export type FeedStatus = 'set' | 'unchanged' | 'failed' | 'not deployed';

export interface FeedOutcome {
  readonly feed: string;
  readonly address?: string;
  readonly flavour?: AggregatorFlavour;
  readonly status: FeedStatus;
  /** The digest on chain afterwards (set, unchanged). */
  readonly configDigest?: string;
  /** The transactions sent, in order (set). */
  readonly transactions?: readonly string[];
  /** Why it failed: the step and the revert reason or error. */
  readonly reason?: string;
  readonly attempts?: number;
}

/** The account that may call setConfig on Super Protocol aggregators (loaded only when needed). */
export interface AdminAccount {
  readonly wallet: Wallet;
  /** How it was found, for messages: "node 1's EVM account", "$ADMIN_KEY". */
  readonly source: string;
}

export interface ConfigureFeedsOptions {
  readonly provider: JsonRpcProvider;
  readonly owner: Wallet;
  /** Loads the confidential admin's account; rejects with a message naming what is missing. */
  readonly admin: () => Promise<AdminAccount>;
  /** Configured flavour; absent: probed per contract. */
  readonly flavour: AggregatorFlavour | undefined;
  /** Stock flavour: the payee of every transmitter; absent: each transmitter itself. */
  readonly payee: string | undefined;
  /** Feeds configured concurrently (their transactions still go out one at a time per account). */
  readonly batchSize: number;
  /** Further attempts for a feed after an error that is not a revert. */
  readonly retries: number;
  /** First retry after this long, doubling. */
  readonly retryDelayMs: number;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

/** A failure retrying cannot fix: a revert, a missing contract, an admin that is not one. */
class FeedFailure extends Error {}

/**
 * Brings every feed's on-chain OCR1 config to the wanted one, in batches of `batchSize`, each feed
 * on its own: a feed whose config already has the same oracles, f and parameters is left alone, a
 * failing feed is retried (errors other than reverts) and then reported, never stopping the others.
 *
 * Stock flavour: setPayees (for transmitters that have no payee yet), then the owner's setConfig.
 * Super Protocol flavour: the owner's setConsensusConfig when the timings differ, the admin's
 * setConfig when the oracles do (the contract republishes after each).
 */
export async function configureFeeds(
  feeds: readonly FeedToConfigure[],
  options: ConfigureFeedsOptions,
): Promise<FeedOutcome[]> {
  const run = new Run(options);
  const outcomes: FeedOutcome[] = [];
  for (let start = 0; start < feeds.length; start += options.batchSize) {
    const batch = feeds.slice(start, start + options.batchSize);
    outcomes.push(...(await Promise.all(batch.map((feed) => run.feed(feed)))));
    const count = (status: FeedStatus): number => outcomes.filter((o) => o.status === status).length;
    options.log(
      `set-config: ${outcomes.length}/${feeds.length} feeds (set ${count('set')}, unchanged ${count('unchanged')}, failed ${count('failed')})`,
    );
  }
  return outcomes;
}

/** The summary lines: counts, then each failed feed with its reason. */
export function summarize(outcomes: readonly FeedOutcome[]): string[] {
  const count = (status: FeedStatus): number => outcomes.filter((o) => o.status === status).length;
  const notDeployed = count('not deployed');
  const lines = [
    `set-config: ${outcomes.length} feeds: ${count('set')} set, ${count('unchanged')} unchanged, ${count('failed')} failed` +
      (notDeployed > 0 ? `, ${notDeployed} not deployed` : ''),
  ];
  for (const o of outcomes)
    if (o.status === 'failed')
      lines.push(`  failed: ${o.feed}${o.address ? ` (${o.address})` : ''}: ${o.reason}`);
  return lines;
}

class Run {
  readonly #o: ConfigureFeedsOptions;
  readonly #chain: EthersChainReader;
  readonly #queues = new Map<string, TxQueue>();
  #admin: Promise<AdminAccount> | undefined;
  /** helper address → the admin is one there (checked once per helper). */
  readonly #adminChecks = new Map<string, Promise<AdminAccount>>();

  constructor(options: ConfigureFeedsOptions) {
    this.#o = options;
    this.#chain = new EthersChainReader(options.provider);
  }

  async feed(feed: FeedToConfigure): Promise<FeedOutcome> {
    const { address } = feed;
    if (!address) return { feed: feed.name, status: 'not deployed' };
    const { retries, retryDelayMs, log } = this.#o;
    let flavour: AggregatorFlavour | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.#configure(feed, address, (f) => (flavour = f));
        return { feed: feed.name, address, flavour, ...result, attempts: attempt };
      } catch (error) {
        const reason = describe(error);
        const final =
          error instanceof FeedFailure ||
          (error instanceof StepError ? error.final : isCallException(error)) ||
          attempt > retries;
        if (final) {
          log(`set-config: ${feed.name} (${address}) failed: ${reason}`);
          return {
            feed: feed.name,
            address,
            ...(flavour ? { flavour } : {}),
            status: 'failed',
            reason,
            attempts: attempt,
          };
        }
        const delayMs = retryDelayMs * 2 ** (attempt - 1);
        log(
          `set-config: ${feed.name} (${address}) attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async #configure(
    feed: FeedToConfigure,
    address: string,
    onFlavour: (flavour: AggregatorFlavour) => void,
  ): Promise<Pick<FeedOutcome, 'status' | 'configDigest' | 'transactions'>> {
    const { provider, owner, payee } = this.#o;
    if ((await provider.getCode(address)) === '0x') throw new FeedFailure(`no contract at ${address}`);
    const probe =
      this.#o.flavour === 'stock'
        ? { flavour: 'stock' as const }
        : await probeAggregatorFlavour(provider, address);
    const flavour = this.#o.flavour ?? probe.flavour;
    onFlavour(flavour);
    if (flavour === 'superProtocol' && !probe.adminCertificateHelper)
      throw new FeedFailure('configured as superProtocol, but the contract has no adminCertificateHelper()');

    const details = await this.#chain.latestConfigDetails(address);
    const current =
      details.configDigest === ZERO_CONFIG_DIGEST
        ? undefined
        : (await this.#chain.configSetEvents(address, details.blockNumber)).findLast(
            (event) => event.configCount === details.configCount,
          );
    const differs = current ? configDifferences(current, feed.wanted) : { oracles: true, timings: true };
    if (!differs.oracles && !differs.timings)
      return { status: 'unchanged', configDigest: details.configDigest };

    const { wanted } = feed;
    const sent: string[] = [];
    if (flavour === 'stock') {
      const contract = aggregatorAt(address, owner);
      const transmitters = [...wanted.transmitters];
      const payees = transmitters.map((t) => payee ?? t);
      const unpaid = await step('setPayees', () => this.#withoutPayee(address, transmitters, payees));
      if (unpaid.length > 0) {
        const data = contract.interface.encodeFunctionData('setPayees', [
          unpaid.map((i) => transmitters[i]),
          unpaid.map((i) => payees[i]),
        ]);
        await step('setPayees', () => this.#send(owner, { to: address, data }));
        sent.push('setPayees');
      }
      const data = contract.interface.encodeFunctionData('setConfig', [
        [...wanted.signers],
        transmitters,
        wanted.threshold,
        wanted.encodedConfigVersion,
        wanted.encoded,
      ]);
      await step('setConfig', () => this.#send(owner, { to: address, data }));
      sent.push('setConfig');
    } else {
      const { timings, don } = splitForSuperProtocol(wanted);
      const contract = superProtocolAggregatorAt(address, owner);
      // The admin first: without one, nothing is sent at all.
      const admin = differs.oracles ? await this.#adminOf(probe.adminCertificateHelper as string) : undefined;
      if (differs.timings) {
        const data = contract.interface.encodeFunctionData('setConsensusConfig', timings);
        await step('setConsensusConfig', () => this.#send(owner, { to: address, data }));
        sent.push('setConsensusConfig');
      }
      if (admin) {
        const data = contract.interface.encodeFunctionData('setConfig', [don]);
        await step('setConfig', () => this.#send(admin.wallet, { to: address, data }));
        sent.push('setConfig');
      }
    }
    const after = await this.#chain.latestConfigDetails(address);
    return { status: 'set', configDigest: after.configDigest, transactions: sent };
  }

  /**
   * The indices of the transmitters setPayees should be sent for: all of them, unless some already
   * have another payee ("payee already set"; they need none). The stock contract has no payee getter.
   */
  async #withoutPayee(address: string, transmitters: string[], payees: string[]): Promise<number[]> {
    const contract = aggregatorAt(address, this.#o.owner);
    const all = transmitters.map((_, i) => i);
    try {
      await contract.setPayees.staticCall(transmitters, payees);
      return all;
    } catch (error) {
      if (!isCallException(error) || error.reason !== 'payee already set') throw error;
    }
    const settable = await Promise.all(
      all.map((i) =>
        contract.setPayees.staticCall([transmitters[i] as string], [payees[i] as string]).then(
          () => true,
          (error: unknown) => {
            if (isCallException(error) && error.reason === 'payee already set') return false;
            throw error;
          },
        ),
      ),
    );
    return all.filter((i) => settable[i]);
  }

  #send(signer: Wallet, request: TransactionRequest) {
    let queue = this.#queues.get(signer.address);
    if (!queue) this.#queues.set(signer.address, (queue = new TxQueue(signer)));
    return queue.send(request);
  }

  /** The admin account, once checked to be the admin of `helper`; a FeedFailure otherwise. */
  #adminOf(helper: string): Promise<AdminAccount> {
    let checked = this.#adminChecks.get(helper);
    if (!checked) {
      this.#admin ??= this.#o.admin();
      checked = this.#admin.then(
        async (admin) => {
          const isAdmin = await adminCertificateHelperAt(helper, this.#o.provider).isAdmin(
            admin.wallet.address,
          );
          if (!isAdmin)
            throw new FeedFailure(
              `${admin.source} ${admin.wallet.address} is not the confidential admin of helper ${helper}: ` +
                'register it (addAdmin with the TEE certificate), or on a local stand-in run "admin appoint-admin"',
            );
          return admin;
        },
        (error: unknown) => {
          throw new FeedFailure(`no confidential admin account: ${describe(error)}`);
        },
      );
      this.#adminChecks.set(helper, checked);
      // A failed RPC read is retried with the feed; a verdict is kept.
      checked.catch((error: unknown) => {
        if (!(error instanceof FeedFailure)) this.#adminChecks.delete(helper);
      });
    }
    return checked;
  }
}

/** An error of one step (a transaction or the reads before it), named after it. */
class StepError extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown,
  ) {
    super(`${step}: ${describe(error)}`);
  }

  /** A revert will revert again: no retry. */
  get final(): boolean {
    return this.error instanceof FeedFailure || isCallException(this.error);
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepError(name, error);
  }
}

function describe(error: unknown): string {
  if (error instanceof StepError || error instanceof FeedFailure) return error.message;
  if (isCallException(error)) return `reverted: ${error.reason ?? error.shortMessage}`;
  if (error instanceof Error)
    return (error as Error & { shortMessage?: string }).shortMessage ?? error.message;
  return String(error);
}
