/**
 * Helpers for the exchange handler tests: a market with fixed prices, a source's request as the
 * server hands it to a handler, and a socket that records what a handler sends. Not exported from
 * the package; it needs nothing outside it, so building it alongside the handlers is harmless.
 */
import type { FakeHttpRequest, FakeSocket, Fault, Market } from './types.js';

/** A market quoting `prices` ("BTC/USD" → "67187.33") on every exchange, with `fault` active. */
export const marketOf = (prices: Readonly<Record<string, string>>, fault?: Fault): Market => ({
  price: (_source, base, quote) => prices[`${base}/${quote}`],
  fault: () => fault,
  pairs: () =>
    Object.keys(prices).map((key) => ({ base: key.split('/')[0] ?? '', quote: key.split('/')[1] ?? '' })),
  recordRequest: () => undefined,
});

/** A GET request a source built (path with query, headers), as the server routes it to a handler. */
export function requestOf(spec: {
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}): FakeHttpRequest {
  const url = new URL(spec.path, 'http://fake');
  return {
    method: 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: spec.headers ?? {},
    body: undefined,
  };
}

/** A server-side socket whose sent frames land in `sent`; `receive` delivers a frame from the client. */
export function socketPair(): { socket: FakeSocket; sent: string[]; receive: (text: string) => void } {
  const sent: string[] = [];
  const listeners: { message?: (text: string) => void; close?: () => void } = {};
  const socket: FakeSocket = {
    send: (text) => sent.push(text),
    sendPrice: (text) => sent.push(text),
    close: () => listeners.close?.(),
    onMessage: (listener) => (listeners.message = listener),
    onClose: (listener) => (listeners.close = listener),
  };
  return { socket, sent, receive: (text) => listeners.message?.(text) };
}

/** A source's quote result as its price, or as its error kind when it failed. */
export const priceOrKind = (result: { price: string } | { error: { kind: string } }): string =>
  'price' in result ? result.price : result.error.kind;
