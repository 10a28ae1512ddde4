/** Injection tokens of what main.ts hands to the Nest application. */

/** The validated `priceAggregatorConfig` slice, secrets resolved (AggregatorConfig from @oracle/config). */
export const AGGREGATOR_CONFIG = Symbol('AGGREGATOR_CONFIG');
/** The process's JSON logger (@oracle/logger); services take child loggers from it. */
export const LOGGER = Symbol('LOGGER');
