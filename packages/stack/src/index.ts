export * from './stack-env.js';
export * from './generate-services.js';
export * from './scram.js';
export * from './generated-secret.js';
export * from './provision-postgres.js';
export * from './system-user.js';
