import { JsonRpcProvider, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { startAnvil } from '@oracle/testing';

describe('startAnvil', () => {
  it('starts on a free loopback port with funded default accounts, and stop() ends it', async () => {
    const anvil = await startAnvil();
    const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      expect(anvil.chainId).toBe(31337);
      expect(anvil.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(anvil.wsUrl).toBe(anvil.rpcUrl.replace('http', 'ws'));
      expect((await provider.getNetwork()).chainId).toBe(31337n);
      expect(anvil.accounts).toHaveLength(10);
      for (const account of anvil.accounts)
        expect(new Wallet(account.privateKey).address.toLowerCase()).toBe(account.address);
      expect(await provider.getBalance(anvil.accounts[9]?.address as string)).toBeGreaterThan(10n ** 21n);
    } finally {
      await anvil.stop();
    }
    await expect(provider.getBlockNumber()).rejects.toThrow();
    provider.destroy();
  });

  it('takes chain id 1337, a block time, a code size limit and an account count', async () => {
    const anvil = await startAnvil({ chainId: 1337, blockTime: 1, codeSizeLimit: 100, accounts: 3 });
    const provider = new JsonRpcProvider(anvil.rpcUrl, undefined, {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 100,
    });
    try {
      expect((await provider.getNetwork()).chainId).toBe(1337n);
      expect(anvil.accounts).toHaveLength(3);
      const first = await provider.getBlockNumber();
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expect(await provider.getBlockNumber()).toBeGreaterThan(first);
      // 200 bytes of runtime code (a constructor returning zeros) exceed the 100-byte limit.
      const initCode = '0x61' + '00c8' + '6000' + 'f3'; // PUSH2 200, PUSH1 0, RETURN
      const deployer = new Wallet(anvil.accounts[0]?.privateKey as string, provider);
      await expect(deployer.sendTransaction({ data: initCode }).then((tx) => tx.wait())).rejects.toThrow();
    } finally {
      await anvil.stop();
      provider.destroy();
    }
  });
});
