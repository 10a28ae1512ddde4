/**
 * The two files the CLI reads. `prices.json` sets prices on every exchange, with optional
 * per-exchange overrides:
 *
 *   { "BTC/USD": "65000.12", "ETH/USD": "3500", "sources": { "binance": { "BTC/USDT": "65010.5" } } }
 *
 * A replay file is JSON lines of timestamped price changes (`source` optional = every exchange):
 *
 *   {"timeMs": 1718000000000, "pair": "BTC/USD", "price": "65001.2"}
 *   {"timeMs": 1718000000750, "pair": "BTC/USDT", "price": "65011.9", "source": "binance"}
 */

export interface PriceSetting {
  /** Exchange id; undefined = every exchange. */
  readonly source?: string;
  readonly base: string;
  readonly quote: string;
  readonly price: string;
}

export interface ReplayStep extends PriceSetting {
  /** When the change happened, in ms; only the spacing between steps matters. */
  readonly timeMs: number;
}

const PAIR_RE = /^([A-Za-z0-9._-]{1,30})\/([A-Za-z0-9._-]{1,30})$/;
const PRICE_RE = /^\d+(\.\d+)?$/;

/** Reads prices.json; throws an Error naming the offending key. */
export function parsePriceFile(json: unknown): PriceSetting[] {
  if (!isRecord(json)) throw new Error('prices file: expected an object like {"BTC/USD": "65000.12"}');
  const { sources = {}, ...everywhere } = json;
  if (!isRecord(sources))
    throw new Error('prices file: "sources" must map exchange ids to {"BASE/QUOTE": "price"}');
  const settings = Object.entries(everywhere).map(([pair, price]) =>
    setting(pair, price, undefined, 'prices file'),
  );
  for (const [source, prices] of Object.entries(sources)) {
    if (!isRecord(prices)) throw new Error(`prices file: sources.${source} must map "BASE/QUOTE" to a price`);
    for (const [pair, price] of Object.entries(prices))
      settings.push(setting(pair, price, source, `prices file sources.${source}`));
  }
  return settings;
}

/** Reads a replay file (JSON lines, blank lines allowed) into steps ordered by time. */
export function parseReplayFile(text: string): ReplayStep[] {
  const steps = text.split('\n').flatMap((line, index): ReplayStep[] => {
    if (line.trim() === '') return [];
    const where = `replay line ${index + 1}`;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    if (!isRecord(entry) || typeof entry.timeMs !== 'number' || !Number.isFinite(entry.timeMs)) {
      throw new Error(
        `${where}: expected {"timeMs": <ms>, "pair": "BASE/QUOTE", "price": "<decimal>", "source"?: "<id>"}`,
      );
    }
    if (entry.source !== undefined && typeof entry.source !== 'string')
      throw new Error(`${where}: "source" must be a string`);
    return [{ timeMs: entry.timeMs, ...setting(entry.pair, entry.price, entry.source, where) }];
  });
  return steps.sort((a, b) => a.timeMs - b.timeMs);
}

function setting(pair: unknown, price: unknown, source: string | undefined, where: string): PriceSetting {
  const match = typeof pair === 'string' ? PAIR_RE.exec(pair) : null;
  if (!match) throw new Error(`${where}: ${JSON.stringify(pair)} is not a pair like "BTC/USD"`);
  if (typeof price !== 'string' || !PRICE_RE.test(price)) {
    throw new Error(`${where}: the price of ${String(pair)} must be a decimal string like "65000.12"`);
  }
  const [, base = '', quote = ''] = match;
  return {
    ...(source === undefined ? {} : { source }),
    base: base.toUpperCase(),
    quote: quote.toUpperCase(),
    price,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
