import { z } from 'zod';
import {
  absolutePathSchema,
  bigintStringSchema,
  httpUrlSchema,
  positiveIntSchema,
  secretRefSchema,
  wsUrlSchema,
} from './common.js';
import { confidentialAdminSchema } from './confidential-admin.js';
import { contractsSchema } from './contracts.js';
import { feedSchema } from './feeds.js';
import { gasSchema } from './gas.js';
import { nodesSchema } from './nodes.js';
import { ocrSchema } from './ocr.js';
import { postgresSchema } from './postgres.js';
import { priceAggregatorConfigSchema } from './price-aggregator.js';
import { processMetricsSchema } from './process-metrics.js';

/**
 * The keys of `solution`, each checked on its own. Keys of the reference implementation keep their
 * names where their meaning is unchanged (totalNodes, chainlinkChainId, faucet*, ...); new concerns
 * are blocks (postgres, gas, nodes, ocr, processMetrics, feeds).
 */
export const solutionFieldsSchema = z.strictObject({
  signature: z
    .string()
    .min(1)
    .optional()
    .describe('Signature of the rest of the solution, checked against CONFIGURATION_PUBLIC_KEY'),

  totalNodes: z
    .int()
    .min(2)
    .max(32)
    .describe('Number of nodes: 1..totalNodes; bootstrap nodes first, the others are oracles'),
  bootstrapNodes: z.array(z.int().positive()).min(1).default([1]).describe('Indices of the bootstrap nodes'),
  maxRestarts: z
    .int()
    .min(1)
    .default(3)
    .describe('Crashes of one service within restartWindowMs that stop the container'),
  restartWindowMs: z.int().min(1_000).default(600_000),
  spSecretsDir: absolutePathSchema
    .default('/sp/secrets')
    .describe('Base of relative secret file paths and of generated node keys'),

  chainlinkChainId: positiveIntSchema.describe('EVM chain id, e.g. 204 (opBNB) or 5611 (opBNB testnet)'),
  chainlinkRpcHttpUrl: httpUrlSchema.describe('JSON-RPC over HTTP'),
  chainlinkRpcWsUrl: wsUrlSchema.optional().describe('JSON-RPC over WebSocket, for event subscriptions'),

  faucetPrivateKey: secretRefSchema
    .optional()
    .describe('Key of the account that tops up the transmitters; no top-ups when absent'),
  faucetMinWei: bigintStringSchema
    .prefault('20000000000000')
    .describe('Top up a transmitter whose balance falls below this, wei'),
  faucetTopupWei: bigintStringSchema.prefault('10000000000000').describe('Amount of one top-up, wei'),
  balanceTopupCheckIntervalMs: z.int().min(5_000).default(3_600_000),

  postgres: postgresSchema.prefault({}),
  gas: gasSchema.prefault({}),
  nodes: nodesSchema.prefault({}),
  ocr: ocrSchema.prefault({}),
  contracts: contractsSchema.prefault({}),
  confidentialAdmin: confidentialAdminSchema.prefault({}),
  priceAggregatorConfig: priceAggregatorConfigSchema,
  processMetrics: processMetricsSchema.prefault({}),
  feeds: z.array(feedSchema).min(1),
});

export type SolutionFields = z.output<typeof solutionFieldsSchema>;
