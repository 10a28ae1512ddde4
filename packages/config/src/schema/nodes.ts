import { z } from 'zod';
import {
  absolutePathSchema,
  logLevelSchema,
  portSchema,
  positiveIntSchema,
  secretRefSchema,
} from './common.js';
import { nodeKeysSchema } from './node-keys.js';

/** Settings shared by the nodes 1..totalNodes; each node derives its own ports and paths from its index. */
export const nodesSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Address every node listens on and its peers dial'),
  apiPortBase: portSchema
    .default(6600)
    .describe('Node i serves its HTTP API (health, metrics) on apiPortBase + i'),
  p2pPortBase: portSchema.default(9900).describe('Node i listens for its peers on p2pPortBase + i'),
  dataDirBase: absolutePathSchema
    .default('/run/oracle/nodes')
    .describe('Node i keeps its working files in <dataDirBase>/<i>'),
  logLevel: logLevelSchema.default('info'),
  keys: nodeKeysSchema.describe(
    "Where the node keys come from: generated and sealed (default), or a Chainlink deployment's",
  ),
  keystorePassword: secretRefSchema
    .optional()
    .describe(
      'Password of the key files. Sealed layout: when absent each node generates one on first boot into <spSecretsDir>/nodes/<i>/keystore-password. Chainlink layout: required, the password the keys were exported with',
    ),
  observationTimeoutMs: positiveIntSchema
    .default(10_000)
    .describe('Time allowed to fetch one observation from the price aggregator'),
  blockchainTimeoutMs: positiveIntSchema.default(20_000).describe('Time allowed for one RPC call'),
  configConfirmations: z
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('Blocks a ConfigSet event must be buried under before it is used'),
  configPollIntervalMs: z
    .int()
    .min(1_000)
    .default(60_000)
    .describe('How often the contract configuration is polled'),
});
