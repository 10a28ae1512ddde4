// Writes the local stack's market data: prices.json (where every exchange starts) and replay.jsonl
// (price changes the fake exchange plays in a loop). SYNTHETIC: a seeded random walk around
// late-2025 price levels, not recorded market data (nothing can be recorded offline here).
//   node packages/stack/market-data/generate.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const STEP_MS = 2_000;
const STEPS = 150; // five minutes, then the replay starts over
const USDT_PREMIUM = 1.0003; // USDT quotes run slightly above USD

// [base, quote, start, decimals, volatility per step]
const MARKETS = [
  ['BTC', 'USD', 97_250, 2, 0.0006],
  ['ETH', 'USD', 3_640, 2, 0.0008],
  ['LINK', 'USD', 23.4, 4, 0.001],
  ['EUR', 'USD', 1.0815, 5, 0.0001],
];
const WITH_USDT = new Set(['BTC', 'ETH', 'LINK']);
// A few exchanges quote slightly apart from the rest, as real ones do.
const SKEW = { coinbase: 1.0002, kraken: 0.9998, okx: 1.0001 };

let seed = 20251121;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const prices = {};
const lines = [];
const price = new Map(MARKETS.map(([base, , start]) => [base, start]));
const fmt = (value, decimals) => value.toFixed(decimals);
for (const [base, quote, start, decimals] of MARKETS) {
  prices[`${base}/${quote}`] = fmt(start, decimals);
  if (WITH_USDT.has(base)) prices[`${base}/USDT`] = fmt(start * USDT_PREMIUM, decimals);
}
for (let step = 0; step < STEPS; step++) {
  const timeMs = 1_763_700_000_000 + step * STEP_MS;
  for (const [base, quote, , decimals, volatility] of MARKETS) {
    const next = price.get(base) * (1 + (random() - 0.5) * 2 * volatility);
    price.set(base, next);
    lines.push({ timeMs, pair: `${base}/${quote}`, price: fmt(next, decimals) });
    if (WITH_USDT.has(base))
      lines.push({ timeMs, pair: `${base}/USDT`, price: fmt(next * USDT_PREMIUM, decimals) });
    if (step % 5 === 0) {
      for (const [source, factor] of Object.entries(SKEW)) {
        lines.push({ timeMs, pair: `${base}/${quote}`, price: fmt(next * factor, decimals), source });
      }
    }
  }
}
writeFileSync(join(here, 'prices.json'), `${JSON.stringify(prices, null, 2)}\n`);
writeFileSync(join(here, 'replay.jsonl'), `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
process.stdout.write(
  `wrote prices.json and replay.jsonl (${lines.length} changes over ${(STEPS * STEP_MS) / 1000} s)\n`,
);
