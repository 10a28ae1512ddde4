import { JsonRpcProvider } from 'ethers';

/**
 * The node's JSON-RPC connection. No response cache (`cacheTimeout: -1`): ethers would otherwise
 * hand out a nonce or a contract state up to 250 ms old. The network is fixed by configuration,
 * so nothing is probed at start and a chain that is down only fails the calls made meanwhile.
 * Calls made within a few ms of each other go out as one JSON-RPC batch.
 */
export function jsonRpcProvider(url: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(url, chainId, {
    staticNetwork: true,
    cacheTimeout: -1,
    pollingInterval: 1_000,
    batchStallTime: 5,
  });
}
