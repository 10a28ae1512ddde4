export * from './config.js';
export * from './exposition.js';
export * from './pushgateway-url.js';
export * from './requests.js';
export { describePushError, isRetryable, type PushError } from './send.js';
export * from './pusher.js';
