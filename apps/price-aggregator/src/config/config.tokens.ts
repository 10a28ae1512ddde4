/** Injection tokens of what main.ts hands to the Nest application. */

/** The validated `priceAggregatorConfig` slice (PriceAggregatorConfigParsed). */
export const AGGREGATOR_CONFIG = Symbol('AGGREGATOR_CONFIG');
/** Secrets the aggregator needs, resolved from their references (AggregatorSecrets). */
export const AGGREGATOR_SECRETS = Symbol('AGGREGATOR_SECRETS');
/** The process's pino logger; services take child loggers from it. */
export const LOGGER = Symbol('LOGGER');
