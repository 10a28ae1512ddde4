export * from './grafana.js';
export * from './dashboard.js';
export * from './promql.js';
export * from './alert-rules.js';
export * from './repo-files.js';
