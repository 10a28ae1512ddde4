/**
 * What the local stack's status line shows: per feed, the aggregator's cross-source median and the
 * feed's latest on-chain answer (AggregatorV3Interface.latestRoundData over plain JSON-RPC, at the
 * feed's proxy as consumers read it).
 */
import { formatScaled } from '@oracle/core';

export interface FeedStatus {
  readonly pair: string;
  readonly aggregated?: { readonly price: string; readonly sources: number };
  readonly onChain?: { readonly roundId: bigint; readonly answer: string; readonly ageSeconds: number };
}

const LATEST_ROUND_DATA = '0xfeaf968c'; // latestRoundData()

function word(hex: string, index: number): bigint {
  return BigInt(`0x${hex.slice(2 + index * 64, 2 + (index + 1) * 64) || '0'}`);
}

function signed256(value: bigint): bigint {
  return value >= 1n << 255n ? value - (1n << 256n) : value;
}

/** The latest round of an OCR1/AggregatorV3 contract, or undefined before its first answer. */
export async function latestRound(
  rpcUrl: string,
  address: string,
  decimals: number,
  nowSeconds = Date.now() / 1000,
): Promise<FeedStatus['onChain']> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_call',
      params: [{ to: address, data: LATEST_ROUND_DATA }, 'latest'],
    }),
  });
  const body = (await response.json()) as { result?: string; error?: { message: string } };
  if (!body.result || body.result.length < 2 + 5 * 64) return undefined;
  const roundId = word(body.result, 0);
  const updatedAt = Number(word(body.result, 3));
  if (roundId === 0n || updatedAt === 0) return undefined;
  const answer = formatScaled(signed256(word(body.result, 1)), decimals);
  return { roundId, answer, ageSeconds: Math.max(0, Math.round(nowSeconds - updatedAt)) };
}

/** The aggregator's answer for each pair of a GET /quotes/batch, keyed by "BASE/QUOTE". */
export async function aggregatedPrices(
  aggregatorUrl: string,
  pairs: readonly string[],
): Promise<Map<string, FeedStatus['aggregated']>> {
  const query = pairs.map((p) => p.replace('/', '-')).join(',');
  const response = await fetch(`${aggregatorUrl}/quotes/batch?pairs=${query}`);
  const body = (await response.json()) as {
    pairs?: Record<string, { price?: string; contributors?: unknown[] }>;
  };
  const prices = new Map<string, FeedStatus['aggregated']>();
  for (const [key, value] of Object.entries(body.pairs ?? {})) {
    if (value.price)
      prices.set(key.replace('-', '/'), { price: value.price, sources: value.contributors?.length ?? 0 });
  }
  return prices;
}

const PHASE_OFFSET = 64n;

/** A round id as `#12`; read through a proxy (phaseId << 64 | aggregatorRoundId) as `#12 phase 1`. */
function roundLabel(roundId: bigint): string {
  const phase = roundId >> PHASE_OFFSET;
  const round = roundId & ((1n << PHASE_OFFSET) - 1n);
  return phase === 0n ? `#${round}` : `#${round} phase ${phase}`;
}

/** `BTC/USD 65001.2 (6 sources) chain 65001.2 #12 phase 1 3s ago | ...` */
export function formatStatus(feeds: readonly FeedStatus[]): string {
  return feeds
    .map(({ pair, aggregated, onChain }) => {
      const offChain = aggregated ? `${aggregated.price} (${aggregated.sources} sources)` : 'no price';
      const chain = onChain
        ? `chain ${onChain.answer} ${roundLabel(onChain.roundId)} ${onChain.ageSeconds}s ago`
        : 'chain: no answer yet';
      return `${pair} ${offChain} ${chain}`;
    })
    .join(' | ');
}
