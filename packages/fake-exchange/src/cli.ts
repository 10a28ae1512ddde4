/**
 * Runs the fake exchange standalone:
 *
 *   node dist/cli.js [--port 8999] [--host 127.0.0.1] [--prices prices.json] [--replay changes.jsonl]
 *     [--control]
 *
 * With --control, `POST /__control/fault` with `{"source": "kraken", "fault": "status" | "garbage" |
 * "schema" | "zero" | "negative" | "hang" | "drop" | "freeze" | "ws-drop" | null}` sets or clears a
 * source's fault, on its REST answers and its streams (anyone who reaches the port can: keep it on
 * loopback).
 * Prints one line `fake exchange listening on http://<host>:<port>` when ready; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { handleControlRequest } from './control.js';
import { EXCHANGE_IDS } from './exchanges/index.js';
import { parsePriceFile, parseReplayFile, type PriceSetting } from './price-file.js';
import { startReplay } from './replay.js';
import { FakeExchange } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8999' },
      host: { type: 'string', default: '127.0.0.1' },
      prices: { type: 'string' },
      replay: { type: 'string' },
      control: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port ${values.port} is not a port`);
  const prices =
    values.prices === undefined ? [] : parsePriceFile(JSON.parse(readFileSync(values.prices, 'utf8')));
  const replay = values.replay === undefined ? [] : parseReplayFile(readFileSync(values.replay, 'utf8'));

  const unknown = new Set(
    [...prices, ...replay].flatMap(({ source }) =>
      source === undefined || EXCHANGE_IDS.includes(source) ? [] : [source],
    ),
  );
  if (unknown.size > 0)
    throw new Error(`unknown exchange ids ${[...unknown].join(', ')} (known: ${EXCHANGE_IDS.join(', ')})`);

  const exchange = await FakeExchange.start({
    port,
    host: values.host,
    ...(values.control ? { unrouted: handleControlRequest } : {}),
  });
  const apply = (setting: PriceSetting): void => {
    if (setting.source === undefined) exchange.setPriceEverywhere(setting.base, setting.quote, setting.price);
    else exchange.setPrice(setting.source, setting.base, setting.quote, setting.price);
  };
  prices.forEach(apply);
  const stopReplay = startReplay(replay, apply);
  const stop = (): void => {
    stopReplay();
    void exchange.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`fake exchange listening on ${exchange.origin}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake exchange: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
