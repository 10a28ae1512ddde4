/**
 * One oracle node: NODE_INDEX selects its slice of configuration.json (CONFIG_PATH, default
 * /sp/configurations/configuration.json). Node 1 (a bootstrap node) only helps peers meet and
 * follows the feeds' configs; the others run one OCR1 protocol instance per feed. SIGTERM stops it
 * gracefully; an uncaught error is logged and exits 1 (s6 restarts it).
 */
import { loadConfiguration, nodeSecrets, selectNodeConfig, type NodeConfig } from '@oracle/config';
import { notifyReady } from '@oracle/core';
import { createLogger, type Logger } from '@oracle/logger';
import { createMetricsPusher, type MetricsPushConfig } from '@oracle/metrics-push';
import { AggregatorObserver } from './adapters/aggregator-observer.js';
import { EthersChainReader } from './adapters/chain-reader.js';
import { ConfigSetSubscription } from './adapters/config-set-subscription.js';
import { ContractConfigTracker } from './adapters/contract-config-tracker.js';
import { EthersTransmitter } from './adapters/ethers-transmitter.js';
import { Faucet } from './adapters/faucet.js';
import { Libp2pTransport } from './adapters/libp2p-transport.js';
import { openPgStoreWhenReachable } from './adapters/pg-store.js';
import { jsonRpcProvider } from './adapters/rpc-provider.js';
import { startApiServer } from './http/api-server.js';
import type { NodeKeys } from './keys/node-keys.js';
import { readPeerIdOf } from './keys/public-keys.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import { nodeLabels, nodePushConfig } from './metrics/node-push-config.js';
import { NodeRuntime, type OracleParts } from './runtime/node-runtime.js';
import { loadKeysOf, readNodeSecret } from './runtime/node-secrets.js';
import type { FeedInfo } from './runtime/protocol-instance.js';
import { systemClock } from './runtime/system-clock.js';
import { donModelSource } from './status-page/don-collector.js';

const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const nodeIndex = Number(process.env.NODE_INDEX);
  const bootLogger = createLogger({ service: `node-${process.env.NODE_INDEX ?? '?'}` });
  installCrashHandlers(bootLogger);
  let node: NodeConfig;
  let push: MetricsPushConfig;
  try {
    if (!Number.isInteger(nodeIndex))
      throw new Error('NODE_INDEX must be set to the node number (1..totalNodes)');
    const configuration = await loadConfiguration({ secrets: nodeSecrets(nodeIndex) });
    node = selectNodeConfig(configuration, nodeIndex);
    push = nodePushConfig(configuration.solution.priceAggregatorConfig.metricsPush, nodeIndex);
  } catch (error) {
    const problems = (error as { problems?: unknown }).problems;
    bootLogger.fatal({ problems, error: (error as Error).message }, 'Configuration cannot be used');
    process.exit(1);
  }
  const baseLogger = createLogger({
    service: `node-${nodeIndex}`,
    level: node.logLevel,
    base: { nodeId: nodeIndex },
  });
  installCrashHandlers(baseLogger);

  let keys: NodeKeys;
  let bootstrapPeers: { peerId: string; host: string; port: number }[];
  try {
    keys = await loadKeysOf(node);
    bootstrapPeers = await Promise.all(
      node.peers
        .filter((p) => p.role === 'bootstrap' && p.index !== nodeIndex)
        .map(async (p) => ({
          peerId: await readPeerIdOf({ layout: node.keys.layout, p2pKeyFile: p.p2pKeyFile }),
          host: p.host === '0.0.0.0' ? '127.0.0.1' : p.host,
          port: p.p2pPort,
        })),
    );
  } catch (error) {
    baseLogger.fatal({ error: (error as Error).message }, 'Cannot load the node keys');
    process.exit(1);
  }
  const logger = baseLogger.child({ peerId: keys.peerId });

  let dbPassword: string;
  try {
    dbPassword = await readNodeSecret(node.database.password, 'database password');
  } catch (error) {
    logger.fatal({ error: (error as Error).message }, 'Cannot read the database password');
    process.exit(1);
  }
  const metrics = new NodeMetrics(nodeLabels(nodeIndex, node.role));
  const { host, port, name, role } = node.database;
  // A database that is down or restarting is waited for; only one that refuses this node ends it.
  const opened = await openPgStoreWhenReachable({
    connectionString: `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(dbPassword)}@${host}:${port}/${encodeURIComponent(name)}`,
    logger,
    onDatabaseError: () => metrics.failures.inc({ kind: 'database' }),
  });
  if (!opened.ok) {
    logger.fatal({ error: opened.error.message }, 'Cannot open the database');
    process.exit(1);
  }
  const store = opened.value;
  const clock = systemClock;
  const transport = new Libp2pTransport({
    privateKey: keys.p2pPrivateKey(),
    listenPort: node.p2pPort,
    listenHost: node.host,
    bootstrapPeers,
    // Missing peers are dialled (and asked of the bootstrap node) every second: a fresh DON meshes in seconds.
    reconcileIntervalMs: 1_000,
    metrics: metrics.transportMetrics(),
    logger,
  });
  const provider = jsonRpcProvider(node.chain.rpcHttpUrl, node.chain.chainId);
  const chain = new EthersChainReader(provider);

  const feeds: FeedInfo[] = [];
  for (const feed of node.feeds) {
    if (feed.contractAddress)
      feeds.push({
        name: feed.name,
        pair: feed.pair,
        decimals: feed.decimals,
        contract: feed.contractAddress,
        ...(feed.guard ? { guard: feed.guard } : {}),
      });
    else logger.warn({ feed: feed.name }, 'Feed has no contractAddress yet (not deployed); skipping it');
  }

  let oracle: OracleParts | undefined;
  let faucet: Faucet | undefined;
  if (node.role === 'oracle') {
    const transmitter = new EthersTransmitter({
      provider,
      chain,
      privateKey: keys.oracle.reveal().transmitterPrivateKey,
      chainId: node.chain.chainId,
      gas: node.chain.gas,
      store,
      clock,
      logger: logger.child({ component: 'transmitter' }),
      metrics,
      feedOf: (contract) =>
        feeds.find((f) => f.contract.toLowerCase() === contract.toLowerCase())?.name ?? contract,
    });
    await transmitter.settlePending();
    oracle = {
      keys: keys.oracle,
      chain,
      transmitter,
      observer: new AggregatorObserver({
        baseUrl: node.priceAggregatorUrl,
        timeoutMs: node.ocr.observationTimeoutMs,
        logger: logger.child({ component: 'observer' }),
      }),
    };
    faucet = new Faucet({
      provider,
      target: transmitter.address,
      faucetPrivateKey: node.faucet.privateKey?.reveal(),
      minWei: node.faucet.minWei,
      topupWei: node.faucet.topupWei,
      checkIntervalMs: node.faucet.checkIntervalMs,
      caps: node.chain.gas,
      clock,
      logger: logger.child({ component: 'faucet' }),
      metrics,
    });
  }

  const runtime = new NodeRuntime({
    feeds,
    store,
    transport,
    clock,
    metrics,
    logger,
    blockchainTimeoutMs: node.ocr.blockchainTimeoutMs,
    ...(oracle ? { oracle } : {}),
    trackerFor: (feed) =>
      new ContractConfigTracker({
        contract: feed.contract,
        chain,
        store,
        chainId: node.chain.chainId,
        confirmations: node.ocr.configConfirmations,
        pollIntervalMs: node.ocr.configPollIntervalMs,
        ...(oracle ? { identity: { keys: keys.oracle, peerId: keys.peerId } } : {}),
        clock,
        logger: logger.child({ feed: feed.name }),
        onProblem: () => metrics.failures.inc({ kind: 'config' }),
      }),
  });
  await transport.start();
  await runtime.start();
  const subscription = node.chain.rpcWsUrl
    ? new ConfigSetSubscription({
        wsUrl: node.chain.rpcWsUrl,
        contracts: feeds.map((f) => f.contract),
        onConfigSet: (contract) => runtime.configSetSeen(contract),
        clock,
        logger,
      })
    : undefined;
  subscription?.start();
  faucet?.start();
  const pusher = createMetricsPusher({
    registry: metrics.registry,
    config: push,
    logger: logger.child({ component: 'metrics-push' }),
    collect: () => runtime.updateConnectionGauges(),
  });
  pusher.start();

  const api = await startApiServer({
    host: '127.0.0.1',
    port: node.apiPort,
    registry: metrics.registry,
    logger,
    health: () => runtime.health(),
    status: () => ({
      node: nodeIndex,
      role: node.role,
      peerId: keys.peerId,
      transmitter: oracle?.transmitter.address,
      peers: transport.connectedPeers(),
      feeds: runtime.status(),
    }),
    // A bootstrap node serves the DON status page.
    ...(node.role === 'bootstrap' ? { don: donModelSource(node, clock) } : {}),
  });
  notifyReady();
  logger.info(
    { role: node.role, apiPort: api.port, p2pPort: node.p2pPort, feeds: feeds.length },
    node.role === 'oracle' ? 'Oracle node started' : 'Bootstrap node started',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Stopping');
    setTimeout(() => {
      logger.error('Graceful stop timed out; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    await api.close();
    subscription?.stop();
    await faucet?.stop();
    await runtime.stop();
    // The last push, after the protocol stopped and before the connections close.
    await pusher.stop();
    await transport.stop();
    await store.close();
    provider.destroy();
    logger.info('Stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

function installCrashHandlers(logger: Logger): void {
  process.removeAllListeners('uncaughtException');
  process.removeAllListeners('unhandledRejection');
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'Unhandled promise rejection; exiting');
    process.exit(1);
  });
}

void main();
