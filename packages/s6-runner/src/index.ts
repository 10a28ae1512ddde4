export * from './source-format.js';
export * from './graph.js';
export * from './runner.js';
