export * from './result.js';
export * from './sleep.js';
export * from './backoff.js';
export * from './retry.js';
export * from './single-flight.js';
export * from './notify-ready.js';
export * from './decimal.js';
export * from './http-request.js';
