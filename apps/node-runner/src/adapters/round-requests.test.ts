import type { JsonRpcProvider } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ocr1AggregatorInterface } from '@oracle/evm';
import { RoundRequests } from './round-requests.js';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const DIGEST = '0x000102030405060708090a0b0c0d0e0f';

interface FakeLog {
  address: string;
  blockNumber: number;
  index: number;
  topics: readonly string[];
  data: string;
}

/** A chain of `head` blocks whose RoundRequested logs are `logs`; records every eth_getLogs. */
function fakeChain() {
  const chain = {
    head: 100,
    logs: [] as FakeLog[],
    queries: [] as { address: string[]; fromBlock: number; toBlock: number }[],
    request(address: string, blockNumber: number, index: number, epoch: number, round: number): void {
      const { topics, data } = ocr1AggregatorInterface.encodeEventLog('RoundRequested', [
        '0x0000000000000000000000000000000000000001',
        DIGEST,
        epoch,
        round,
      ]);
      chain.logs.push({ address, blockNumber, index, topics, data });
    },
  };
  const provider = {
    getBlockNumber: () => Promise.resolve(chain.head),
    getLogs: (filter: { address: string[]; fromBlock: number; toBlock: number }) => {
      chain.queries.push({ address: filter.address, fromBlock: filter.fromBlock, toBlock: filter.toBlock });
      return Promise.resolve(
        chain.logs.filter(
          (l) =>
            filter.address.includes(l.address.toLowerCase()) &&
            l.blockNumber >= filter.fromBlock &&
            l.blockNumber <= filter.toBlock,
        ),
      );
    },
  };
  return { chain, provider: provider as unknown as JsonRpcProvider };
}

describe('RoundRequests', () => {
  it('searches a new contract back lookbackBlocks, in ranges of maxRangeBlocks, and keeps the latest', async () => {
    const { chain, provider } = fakeChain();
    chain.request(A, 20, 0, 1, 1); // before the lookback window
    chain.request(A, 70, 3, 2, 4);
    chain.request(A, 70, 1, 2, 3);
    chain.request(B, 90, 0, 9, 9);
    const requests = new RoundRequests(provider, { lookbackBlocks: 50, maxRangeBlocks: 30, freshForMs: 0 });
    expect(await requests.latest(A)).toEqual({ configDigest: DIGEST, epoch: 2, round: 4 });
    expect(chain.queries).toEqual([
      { address: [A], fromBlock: 50, toBlock: 79 },
      { address: [A], fromBlock: 80, toBlock: 100 },
    ]);
  });

  it('then searches only new blocks, for every contract at once; an unknown contract has none', async () => {
    const { chain, provider } = fakeChain();
    let now = 0;
    const requests = new RoundRequests(provider, { lookbackBlocks: 10, freshForMs: 1_000, nowMs: () => now });
    expect(await requests.latest(A)).toBeUndefined();
    expect(await requests.latest(B.toUpperCase().replace('0X', '0x'))).toBeUndefined();
    chain.queries.length = 0;
    chain.head = 105;
    chain.request(B, 104, 0, 7, 1);
    // Fresh: answered from the last scan.
    expect(await requests.latest(B)).toBeUndefined();
    expect(chain.queries).toEqual([]);
    now = 1_000;
    expect(await requests.latest(B)).toEqual({ configDigest: DIGEST, epoch: 7, round: 1 });
    expect(chain.queries).toEqual([{ address: [A, B], fromBlock: 101, toBlock: 105 }]);
  });

  it('shares one scan among the callers that ask meanwhile', async () => {
    const { chain, provider } = fakeChain();
    chain.request(A, 99, 0, 3, 2);
    const requests = new RoundRequests(provider, { lookbackBlocks: 10, freshForMs: 0 });
    const answers = await Promise.all([requests.latest(A), requests.latest(A), requests.latest(A)]);
    expect(answers).toEqual(Array(3).fill({ configDigest: DIGEST, epoch: 3, round: 2 }));
    expect(chain.queries).toHaveLength(1);
  });

  it('rejects when the RPC fails, and tries again next time', async () => {
    const { chain, provider } = fakeChain();
    let fail = true;
    const flaky = Object.assign(Object.create(provider) as JsonRpcProvider, {
      getBlockNumber: () => (fail ? Promise.reject(new Error('rpc down')) : Promise.resolve(chain.head)),
    });
    const requests = new RoundRequests(flaky, { freshForMs: 0 });
    await expect(requests.latest(A)).rejects.toThrow('rpc down');
    fail = false;
    expect(await requests.latest(A)).toBeUndefined();
  });
});
