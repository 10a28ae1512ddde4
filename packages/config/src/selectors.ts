import { join, resolve } from 'node:path';
import { deepFreeze } from './deep-freeze.js';
import type { Configuration } from './load-configuration.js';
import type { Secret } from './secret.js';

type Solution = Configuration['solution'];

export type AggregatorConfig = Solution['priceAggregatorConfig'];
export type Feed = Solution['feeds'][number];
export type NodeRole = 'bootstrap' | 'oracle';

/** A secret a node needs: given in the configuration, or generated on first boot into a file. */
export type NodeSecret =
  | { readonly origin: 'configuration'; readonly secret: Secret }
  | { readonly origin: 'generated'; readonly file: string };

/** The part of a configuration (validated, or with secrets resolved) that says where node keys are. */
interface KeySettings {
  readonly solution: {
    readonly spSecretsDir: string;
    readonly nodes: { readonly keys: Solution['nodes']['keys'] };
  };
}

/** Directory of node i's generated secrets: its keys, and passwords not given in the configuration. */
export function nodeSecretsDir(cfg: KeySettings, nodeIndex: number): string {
  return join(cfg.solution.spSecretsDir, 'nodes', String(nodeIndex));
}

/**
 * Where node `nodeIndex`'s key files are, in the configured layout (`nodes.keys`): the sealed
 * layout's `<spSecretsDir>/nodes/<i>/` (the transmitter key is in ocr-key.json there), or a
 * Chainlink deployment's `<spSecretsDir>/<nodes.keys.dir>/<i>/`.
 */
export function nodeKeyFiles(cfg: KeySettings, nodeIndex: number) {
  const s = cfg.solution;
  if (s.nodes.keys.layout === 'chainlink') {
    const dir = join(resolve(s.spSecretsDir, s.nodes.keys.dir), String(nodeIndex));
    return {
      layout: 'chainlink' as const,
      dir,
      evmKeyFile: join(dir, 'evm_key.json'),
      p2pKeyFile: join(dir, 'p2p_key.json'),
      ocrKeyFile: join(dir, 'ocr_key.json'),
    };
  }
  const dir = nodeSecretsDir(cfg, nodeIndex);
  return {
    layout: 'sealed' as const,
    dir,
    evmKeyFile: join(dir, 'evm-key.json'),
    p2pKeyFile: join(dir, 'p2p-key.json'),
    ocrKeyFile: join(dir, 'ocr-key.json'),
  };
}

export type NodeKeyFiles = ReturnType<typeof nodeKeyFiles>;

/** The secrets the price aggregator reads (`loadConfiguration({ secrets })`). */
export const AGGREGATOR_SECRETS: readonly string[] = ['solution.priceAggregatorConfig'];

/** The secrets the process-metrics exporter reads: its own push settings or the aggregator's. */
export const PROCESS_METRICS_SECRETS: readonly string[] = [
  'solution.priceAggregatorConfig.metricsPush',
  'solution.processMetrics',
];

/**
 * The secrets node `nodeIndex` reads: the faucet key, the keystore password, its own database
 * password, and the metrics push credentials it shares with the aggregator and process metrics.
 */
export function nodeSecrets(nodeIndex: number): readonly string[] {
  return [
    'solution.faucetPrivateKey',
    'solution.priceAggregatorConfig.metricsPush',
    'solution.nodes.keystorePassword',
    `solution.postgres.passwords[${nodeIndex - 1}]`,
  ];
}

/**
 * The price aggregator's slice, secrets resolved. Every feed's pair is a configured pair of the
 * aggregator, aggregated over exactly the feed's sources and symbols (`pairs[]` gains an entry for
 * each feed that has none; the validation refuses a feed whose sources differ from its pair's
 * entry), so whoever asks for a feed's pair gets the median the feed observes.
 */
export function selectAggregatorConfig(cfg: Configuration): AggregatorConfig {
  const aggregator = cfg.solution.priceAggregatorConfig;
  const listed = new Set(aggregator.pairs.map((entry) => entry.pair));
  const feedPairs = cfg.solution.feeds
    .filter((feed) => !listed.has(feed.pair))
    .map((feed) => ({
      pair: feed.pair,
      sources: feed.sources.map(({ source, symbol }) => (symbol === feed.pair ? source : { source, symbol })),
    }));
  if (feedPairs.length === 0) return aggregator;
  return deepFreeze({ ...aggregator, pairs: [...aggregator.pairs, ...feedPairs] });
}

/** What every node knows about node `index`, including the key file its peer id is read from. */
function peer(cfg: Configuration, index: number) {
  const s = cfg.solution;
  return {
    index,
    role: (s.bootstrapNodes.includes(index) ? 'bootstrap' : 'oracle') as NodeRole,
    host: s.nodes.host,
    apiPort: s.nodes.apiPortBase + index,
    p2pPort: s.nodes.p2pPortBase + index,
    p2pKeyFile: nodeKeyFiles(cfg, index).p2pKeyFile,
  };
}

export type Peer = ReturnType<typeof peer>;

const configuredOrGenerated = (secret: Secret | undefined, file: string): NodeSecret =>
  secret ? { origin: 'configuration', secret } : { origin: 'generated', file };

/** A URL a local client can dial for a listen address (a wildcard address means loopback). */
function localUrl(host: string, port: number): string {
  const dialable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${dialable.includes(':') ? `[${dialable}]` : dialable}:${port}`;
}

/** Everything node `nodeIndex` (1..totalNodes) needs; throws a RangeError for an index outside. */
export function selectNodeConfig(cfg: Configuration, nodeIndex: number) {
  const s = cfg.solution;
  if (!Number.isInteger(nodeIndex) || nodeIndex < 1 || nodeIndex > s.totalNodes) {
    throw new RangeError(`node index ${nodeIndex} is outside 1..${s.totalNodes}`);
  }
  const secretsDir = nodeSecretsDir(cfg, nodeIndex);
  const { heartbeatSeconds: _heartbeat, deviationPpb: _deviation, ...onChainTiming } = s.ocr;
  const { observationTimeoutMs, blockchainTimeoutMs, configConfirmations, configPollIntervalMs } = s.nodes;
  return deepFreeze({
    ...peer(cfg, nodeIndex),
    logLevel: s.nodes.logLevel,
    dataDir: join(s.nodes.dataDirBase, String(nodeIndex)),
    keys: {
      ...nodeKeyFiles(cfg, nodeIndex),
      // The chainlink layout's password is always configured (the validation requires it).
      password: configuredOrGenerated(s.nodes.keystorePassword, join(secretsDir, 'keystore-password')),
    },
    database: {
      host: s.postgres.host,
      port: s.postgres.port,
      name: `${s.postgres.databasePrefix}_${nodeIndex}`,
      role: `${s.postgres.rolePrefix}_${nodeIndex}`,
      password: configuredOrGenerated(s.postgres.passwords?.[nodeIndex - 1], join(secretsDir, 'db-password')),
    },
    chain: {
      chainId: s.chainlinkChainId,
      rpcHttpUrl: s.chainlinkRpcHttpUrl,
      rpcWsUrl: s.chainlinkRpcWsUrl,
      gas: s.gas,
    },
    faucet: {
      privateKey: s.faucetPrivateKey,
      minWei: s.faucetMinWei,
      topupWei: s.faucetTopupWei,
      checkIntervalMs: s.balanceTopupCheckIntervalMs,
    },
    ocr: {
      ...onChainTiming,
      observationTimeoutMs,
      blockchainTimeoutMs,
      configConfirmations,
      configPollIntervalMs,
    },
    feeds: s.feeds,
    priceAggregatorUrl: localUrl(s.priceAggregatorConfig.host, s.priceAggregatorConfig.port),
    peers: Array.from({ length: s.totalNodes }, (_, i) => peer(cfg, i + 1)),
  });
}

export type NodeConfig = ReturnType<typeof selectNodeConfig>;

/** The process-metrics exporter's settings; it pushes like the aggregator unless it has its own `push`. */
export function selectProcessMetricsConfig(cfg: Configuration) {
  const { push, jobName, intervalMs, ...local } = cfg.solution.processMetrics;
  const {
    jobName: _jobName,
    intervalMs: _intervalMs,
    ...aggregatorPush
  } = cfg.solution.priceAggregatorConfig.metricsPush;
  return deepFreeze({ ...local, intervalMs, push: { ...(push ?? aggregatorPush), jobName, intervalMs } });
}

export type ProcessMetricsConfig = ReturnType<typeof selectProcessMetricsConfig>;
