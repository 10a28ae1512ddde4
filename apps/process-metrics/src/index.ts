export * from './collect.js';
export * from './sampler.js';
export * from './metrics.js';
export * from './server.js';
export * from './app.js';
