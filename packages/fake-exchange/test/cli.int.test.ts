/** The built CLI (`npm run build` first): prices file, per-exchange overrides, replay, clean stop. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeTempDir, spawnService, waitFor, type TempDir } from '@oracle/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let dir: TempDir;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  dir = await makeTempDir('fake-exchange-cli');
});
afterAll(async () => {
  await dir.remove();
});

it('serves the prices file and replays price changes in a loop until stopped', async () => {
  const prices = join(dir.path, 'prices.json');
  const replay = join(dir.path, 'replay.jsonl');
  await writeFile(
    prices,
    JSON.stringify({ 'BTC/USDT': '65000.12', sources: { okx: { 'BTC/USDT': '65010.5' } } }),
  );
  await writeFile(
    replay,
    [
      '{"timeMs": 0, "pair": "ETH/USDT", "price": "3500", "source": "bybit"}',
      '{"timeMs": 200, "pair": "ETH/USDT", "price": "3501", "source": "bybit"}',
    ].join('\n'),
  );
  const port = await freePort();
  const service = await spawnService(
    process.execPath,
    [cli, '--port', String(port), '--prices', prices, '--replay', replay],
    {
      readyWhen: /fake exchange listening on http:\/\/127\.0\.0\.1:\d+/,
      stopSignal: 'SIGTERM',
    },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    const binance = await (await fetch(`${base}/binance/api/v3/ticker/price?symbol=BTCUSDT`)).json();
    expect(binance).toEqual({ symbol: 'BTCUSDT', price: '65000.12000000' });
    const okx = await (await fetch(`${base}/okx/api/v5/market/ticker?instId=BTC-USDT`)).json();
    expect(okx).toMatchObject({ data: [{ last: '65010.5' }] });

    const changes: string[] = [];
    await waitFor(
      async () => {
        const body = (await (
          await fetch(`${base}/bybit/v5/market/tickers?category=spot&symbol=ETHUSDT`)
        ).json()) as {
          result: { list?: Array<{ lastPrice: string }> };
        };
        const price = body.result.list?.[0]?.lastPrice;
        if (price && price !== changes.at(-1)) changes.push(price);
        return changes.join(' ').includes('3500 3501 3500');
      },
      { timeoutMs: 5_000, intervalMs: 20, what: 'the replay to play 3500, 3501 and loop back to 3500' },
    );
  } finally {
    expect(await service.stop()).toEqual({ code: 0, signal: null });
  }
});

it('refuses unknown exchanges and bad files with a readable message', async () => {
  const prices = join(dir.path, 'bad-prices.json');
  await writeFile(prices, JSON.stringify({ sources: { nasdaq: { 'AAPL/USD': '200' } } }));
  const failed = spawnService(process.execPath, [cli, '--port', '0', '--prices', prices], {
    readyWhen: /listening/,
  });
  await expect(failed).rejects.toThrow(/unknown exchange ids nasdaq/);
});

it('with --control, sets and clears a source fault in the running process; without, has no control API', async () => {
  const [controlled, plain] = await Promise.all(
    [['--control'], []].map(async (extra) => {
      const port = await freePort();
      const service = await spawnService(process.execPath, [cli, '--port', String(port), ...extra], {
        readyWhen: /fake exchange listening/,
        stopSignal: 'SIGTERM',
      });
      return { service, base: `http://127.0.0.1:${port}` };
    }),
  );
  const fault = (base: string, body: unknown): Promise<Response> =>
    fetch(`${base}/__control/fault`, { method: 'POST', body: JSON.stringify(body) });
  const coinbase = async (): Promise<number> =>
    (await fetch(`${controlled!.base}/coinbase/products/BTC-USD/ticker`)).status;
  try {
    expect(await coinbase()).not.toBe(502);
    expect((await fault(controlled!.base, { source: 'coinbase', fault: 'status', status: 502 })).status).toBe(
      204,
    );
    expect(await coinbase()).toBe(502);
    expect((await fault(controlled!.base, { source: 'coinbase', fault: null })).status).toBe(204);
    expect(await coinbase()).not.toBe(502);
    expect((await fault(plain!.base, { source: 'coinbase', fault: 'status' })).status).toBe(404);
  } finally {
    for (const { service } of [controlled!, plain!])
      expect(await service.stop()).toEqual({ code: 0, signal: null });
  }
});
