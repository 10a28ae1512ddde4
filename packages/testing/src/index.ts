export * from './free-port.js';
export * from './wait-for.js';
export * from './temp-dir.js';
export * from './basic-auth.js';
export * from './spawn-service.js';
export * from './postgres.js';
export * from './pushgateway.js';
export * from './victoria-metrics.js';
