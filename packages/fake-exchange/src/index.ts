export { FakeExchange, type FakeExchangeOptions } from './server.js';
export { EXCHANGE_IDS } from './exchanges/index.js';
export type * from './types.js';
