/** Types of the aggregator's HTTP API, for clients in this repository (the oracle nodes). */
export type {
  BatchResponse,
  BatchRejectionReason,
  PairAggregateResponse,
  PairSourceQuote,
  RegisteredPair,
  RegisteredPairsResponse,
  Rejection,
  SourcePairsResponse,
  SourceQuoteResponse,
} from './quotes/quotes.service.js';
export type { FeedMessage } from './ws/price-feed.js';
