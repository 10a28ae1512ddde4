/**
 * Small helpers the exchange handlers share: prices with the exchange's price faults applied,
 * symbol lookup among the priced pairs, and who is subscribed to what on a WebSocket.
 */
import type { FakeHttpResponse, FakeSocket, Fault, Market } from './types.js';

export interface MarketPair {
  readonly base: string;
  readonly quote: string;
}

/** A price as the exchange reports it under its `zero` or `negative` fault. */
export function applyPriceFault(price: string, fault: Fault | undefined): string {
  if (fault?.kind === 'zero') return '0';
  if (fault?.kind === 'negative') return price.startsWith('-') ? price : `-${price}`;
  return price;
}

/** The price of base/quote on `source` with its price fault applied; undefined for an unknown pair. */
export function faultedPrice(market: Market, source: string, pair: MarketPair): string | undefined {
  const price = market.price(source, pair.base, pair.quote);
  return price === undefined ? undefined : applyPriceFault(price, market.fault(source));
}

/** The time `source` stamps on its prices now, epoch ms: its clock with its timestamp offset. */
export const exchangeNow = (market: Market, source: string): number => market.now?.(source) ?? Date.now();

/** Whether the exchange should answer in a changed shape (the `schema` fault). */
export const hasSchemaFault = (market: Market, source: string): boolean =>
  market.fault(source)?.kind === 'schema';

/** The priced pair that `spell` turns into `symbol` on this exchange, if any. */
export function pairBySymbol(
  market: Market,
  source: string,
  symbol: string,
  spell: (pair: MarketPair) => string,
): MarketPair | undefined {
  return market.pairs(source).find((pair) => spell(pair) === symbol);
}

/** Pads a plain decimal to `decimals` fractional digits, as some exchanges print prices ("1.5" → "1.50000000"). */
export function padDecimals(price: string, decimals: number): string {
  const match = /^(-?\d+)(?:\.(\d*))?$/.exec(price);
  if (!match) return price;
  const [, whole = '', fraction = ''] = match;
  return fraction.length > decimals ? price : `${whole}.${fraction.padEnd(decimals, '0')}`;
}

export const json = (body: unknown, status = 200): FakeHttpResponse => ({ status, body });

export const sendJson = (socket: FakeSocket, message: unknown): void => socket.send(JSON.stringify(message));

/** Sends a price message (push or subscription snapshot): the server holds it back under `freeze`. */
export const sendPriceJson = (socket: FakeSocket, message: unknown): void =>
  socket.sendPrice(JSON.stringify(message));

/** Parses a client frame as a JSON object; anything else is undefined. */
export function parseFrame(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Which sockets follow which topics (symbols, channels) on one exchange. */
export class SubscriptionBook {
  private readonly topicsBySocket = new Map<FakeSocket, Set<string>>();

  add(socket: FakeSocket, topic: string): void {
    const topics = this.topicsBySocket.get(socket) ?? new Set<string>();
    topics.add(topic);
    this.topicsBySocket.set(socket, topics);
  }

  remove(socket: FakeSocket, topic: string): void {
    this.topicsBySocket.get(socket)?.delete(topic);
  }

  forget(socket: FakeSocket): void {
    this.topicsBySocket.delete(socket);
  }

  subscribers(topic: string): FakeSocket[] {
    return [...this.topicsBySocket].filter(([, topics]) => topics.has(topic)).map(([socket]) => socket);
  }
}
