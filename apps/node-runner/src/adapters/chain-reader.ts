import { hexlify, type JsonRpcProvider } from 'ethers';
import { CONFIG_SET_TOPIC, decodeConfigSetLog, ocr1AggregatorInterface } from '@oracle/evm';
import type {
  ChainReader,
  ConfigSetEvent,
  LatestConfigDetails,
  LatestTransmission,
  RoundRequest,
} from '../ports/chain.js';
import { RoundRequests, type RoundRequestsOptions } from './round-requests.js';

/**
 * ChainReader over ethers: eth_call against the stock OCR1 ABI (both aggregator flavours answer
 * it), eth_getLogs for ConfigSet and RoundRequested.
 */
export class EthersChainReader implements ChainReader {
  readonly #roundRequests: RoundRequests;

  constructor(
    private readonly provider: JsonRpcProvider,
    options: { readonly roundRequests?: RoundRequestsOptions } = {},
  ) {
    this.#roundRequests = new RoundRequests(provider, options.roundRequests);
  }

  blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  async latestConfigDetails(contract: string): Promise<LatestConfigDetails> {
    const [configCount, blockNumber, configDigest] = await this.#call(contract, 'latestConfigDetails');
    return {
      configCount: BigInt(configCount as bigint),
      blockNumber: Number(blockNumber),
      configDigest: hexlify(configDigest as string).toLowerCase(),
    };
  }

  async configSetEvents(contract: string, blockNumber: number): Promise<ConfigSetEvent[]> {
    const logs = await this.provider.getLogs({
      address: contract,
      topics: [CONFIG_SET_TOPIC],
      fromBlock: blockNumber,
      toBlock: blockNumber,
    });
    return logs.flatMap((log) => {
      const decoded = decodeConfigSetLog(log);
      return decoded.ok ? [decoded.value] : [];
    });
  }

  async latestTransmissionDetails(contract: string, from: string): Promise<LatestTransmission> {
    const [configDigest, epoch, round, latestAnswer, latestTimestamp] = await this.#call(
      contract,
      'latestTransmissionDetails',
      from,
    );
    return {
      configDigest: hexlify(configDigest as string).toLowerCase(),
      epoch: Number(epoch),
      round: Number(round),
      answer: BigInt(latestAnswer as bigint),
      timestampMs: Number(latestTimestamp) * 1000,
    };
  }

  /** Read together with latestTransmissionDetails before every report decision; see RoundRequests. */
  latestRoundRequested(contract: string): Promise<RoundRequest | undefined> {
    return this.#roundRequests.latest(contract);
  }

  balance(address: string): Promise<bigint> {
    return this.provider.getBalance(address);
  }

  async #call(contract: string, fn: string, from?: string): Promise<readonly unknown[]> {
    const data = ocr1AggregatorInterface.encodeFunctionData(fn, []);
    const result = await this.provider.call({ to: contract, data, ...(from ? { from } : {}) });
    return ocr1AggregatorInterface.decodeFunctionResult(fn, result);
  }
}
