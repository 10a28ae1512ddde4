import type { JsonRpcProvider, Log } from 'ethers';
import { decodeRoundRequestedLog, ROUND_REQUESTED_TOPIC } from '@oracle/evm';
import type { RoundRequest } from '../ocr/index.js';

export interface RoundRequestsOptions {
  /** How far back a contract is searched the first time it is asked about (blocks). */
  readonly lookbackBlocks?: number;
  /** The largest block range of one eth_getLogs (RPC providers cap it). */
  readonly maxRangeBlocks?: number;
  /** A scan finished less than this long ago answers without a new one. */
  readonly freshForMs?: number;
  readonly nowMs?: () => number;
}

interface Tracked {
  /** The last block searched for this contract; undefined until its first search. */
  scannedTo: number | undefined;
  latest: (RoundRequest & { readonly block: number; readonly logIndex: number }) | undefined;
}

/**
 * The latest RoundRequested event of each contract asked about, found with eth_getLogs as the
 * chain moves on: one request per scan for all contracts (address list), scans shared by the
 * callers that ask meanwhile and reused for `freshForMs`. A contract is first searched
 * `lookbackBlocks` back (a request older than that is covered by the heartbeat anyway), then from
 * where the last scan ended. Reorgs are not undone: a request that was reorged out may be answered.
 */
export class RoundRequests {
  readonly #provider: JsonRpcProvider;
  readonly #lookbackBlocks: number;
  readonly #maxRangeBlocks: number;
  readonly #freshForMs: number;
  readonly #now: () => number;
  readonly #tracked = new Map<string, Tracked>();
  #scan: Promise<void> | undefined;
  #scannedAtMs = -Infinity;

  constructor(provider: JsonRpcProvider, options: RoundRequestsOptions = {}) {
    this.#provider = provider;
    this.#lookbackBlocks = options.lookbackBlocks ?? 10_000;
    this.#maxRangeBlocks = options.maxRangeBlocks ?? 5_000;
    this.#freshForMs = options.freshForMs ?? 1_000;
    this.#now = options.nowMs ?? Date.now;
  }

  /** The contract's latest RoundRequested, or undefined when none was found. Rejects on RPC failure. */
  async latest(contract: string): Promise<RoundRequest | undefined> {
    const key = contract.toLowerCase();
    let tracked = this.#tracked.get(key);
    if (!tracked) this.#tracked.set(key, (tracked = { scannedTo: undefined, latest: undefined }));
    // A contract never searched needs a scan even when the last one is fresh.
    while (tracked.scannedTo === undefined || this.#now() - this.#scannedAtMs >= this.#freshForMs) {
      const startedAtMs = this.#now();
      this.#scan ??= this.#scanAll().finally(() => (this.#scan = undefined));
      await this.#scan;
      if (tracked.scannedTo !== undefined && this.#scannedAtMs >= startedAtMs) break;
    }
    if (!tracked.latest) return undefined;
    const { configDigest, epoch, round } = tracked.latest;
    return { configDigest, epoch, round };
  }

  async #scanAll(): Promise<void> {
    const startedAtMs = this.#now();
    const head = await this.#provider.getBlockNumber();
    // Contracts that start from the same block share each eth_getLogs.
    const groups = new Map<number, string[]>();
    for (const [address, tracked] of this.#tracked) {
      const from =
        tracked.scannedTo === undefined ? Math.max(0, head - this.#lookbackBlocks) : tracked.scannedTo + 1;
      if (from > head) continue;
      groups.set(from, [...(groups.get(from) ?? []), address]);
    }
    for (const [from, addresses] of groups) {
      for (let start = from; start <= head; start += this.#maxRangeBlocks) {
        const to = Math.min(head, start + this.#maxRangeBlocks - 1);
        const logs = await this.#provider.getLogs({
          address: addresses,
          topics: [ROUND_REQUESTED_TOPIC],
          fromBlock: start,
          toBlock: to,
        });
        for (const log of logs) this.#remember(log);
      }
      for (const address of addresses) (this.#tracked.get(address) as Tracked).scannedTo = head;
    }
    this.#scannedAtMs = startedAtMs;
  }

  #remember(log: Log): void {
    const tracked = this.#tracked.get(log.address.toLowerCase());
    const decoded = decodeRoundRequestedLog(log);
    if (!tracked || !decoded.ok) return;
    const previous = tracked.latest;
    const later =
      !previous ||
      log.blockNumber > previous.block ||
      (log.blockNumber === previous.block && log.index > previous.logIndex);
    if (!later) return;
    const { configDigest, epoch, round } = decoded.value;
    tracked.latest = {
      configDigest: configDigest.toLowerCase(),
      epoch,
      round,
      block: log.blockNumber,
      logIndex: log.index,
    };
  }
}
