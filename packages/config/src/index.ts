export * from './secret.js';
export * from './schema/sources.js';
export * from './schema/common.js';
export * from './schema/price-aggregator.js';
