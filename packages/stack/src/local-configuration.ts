import { SOURCE_CONFIG_KEYS, SOURCE_IDS, SOURCES_REQUIRING_API_KEY } from '@oracle/config';

export interface LocalStackEndpoints {
  /** Where the market replay (fake exchange) serves each source: REST and WebSocket base URLs. */
  readonly sourceUrls: (sourceId: string) => { baseUrl: string; wsUrl: string };
  readonly secretsDir: string;
  readonly dataDir: string;
  readonly postgresPort: number;
  /** The local chain: its RPC and id (1337 is libocr's private-testnet id: no minimum timings). */
  readonly rpcHttpUrl: string;
  readonly chainId: number;
  /** Where every service pushes its metrics (a Pushgateway base URL or a VictoriaMetrics import URL); absent: no push. */
  readonly metricsPush?: { readonly url: string; readonly intervalMs: number };
}

type Json = Record<string, unknown>;

/** Secret files the local configuration references, relative to the secrets directory. */
export const LOCAL_SECRET_FILES = {
  faucetKey: 'faucet/private-key',
  apiKey: (sourceId: string): string => `api-keys/${sourceId}`,
} as const;

/**
 * The local stack's configuration: configuration.example.json with everything pointed at this
 * machine (sources at the market replay, the chain at a local anvil whose first account owns the
 * contracts and funds the transmitters, secrets and data under the run directory, metrics pushed
 * only when `metricsPush` is given: by the aggregator, process metrics and every node, as instance
 * "local", environment "development", every `intervalMs`) and protocol timings short enough for a
 * first on-chain answer within seconds. Feeds lose their
 * contract and proxy addresses (and `contracts` its helper): the launcher deploys fresh contracts
 * and writes theirs. Deriving it from the
 * example keeps the two from drifting apart.
 */
export function localConfiguration(example: Json, endpoints: LocalStackEndpoints): Json {
  const cfg = structuredClone(example) as { solution: Json };
  const s = cfg.solution;
  s.spSecretsDir = endpoints.secretsDir;
  s.chainlinkChainId = endpoints.chainId;
  s.chainlinkRpcHttpUrl = endpoints.rpcHttpUrl;
  delete s.chainlinkRpcWsUrl;
  s.faucetPrivateKey = { file: LOCAL_SECRET_FILES.faucetKey };
  // anvil's fees are gwei-sized: top-ups far above the opBNB-sized defaults.
  s.faucetMinWei = '1000000000000000000';
  s.faucetTopupWei = '5000000000000000000';
  s.balanceTopupCheckIntervalMs = 10_000;
  (s.postgres as Json).port = endpoints.postgresPort;
  s.nodes = {
    ...(s.nodes as Json),
    dataDirBase: endpoints.dataDir,
    keystorePassword: undefined,
    observationTimeoutMs: 1_000,
    blockchainTimeoutMs: 5_000,
    configConfirmations: 1,
    configPollIntervalMs: 1_000,
  };
  s.ocr = {
    ...(s.ocr as Json),
    deltaProgressMs: 8_000,
    deltaResendMs: 2_000,
    deltaRoundMs: 2_000,
    deltaGraceMs: 300,
    deltaStageMs: 2_000,
    heartbeatSeconds: 60,
  };
  s.feeds = (s.feeds as Json[]).map(({ contractAddress: _address, proxyAddress: _proxy, ...feed }) => ({
    ...feed,
    heartbeatSeconds: 60,
  }));
  // The contracts of another chain: a fresh AdminCertificateHelper stand-in is deployed instead.
  if (s.contracts) {
    const { adminCertificateHelper: _helper, ...contracts } = s.contracts as Json;
    s.contracts = contracts;
  }
  const aggregator = s.priceAggregatorConfig as Json;
  aggregator.environment = 'development';
  const { basicAuth: _auth, ...push } = aggregator.metricsPush as Json;
  aggregator.metricsPush = endpoints.metricsPush
    ? {
        ...push,
        enabled: true,
        url: endpoints.metricsPush.url,
        intervalMs: endpoints.metricsPush.intervalMs,
        instance: 'local',
        environment: 'development',
      }
    : { ...push, enabled: false };
  // Process metrics samples and pushes on its own period: the same one, so staleness reads alike.
  if (endpoints.metricsPush)
    s.processMetrics = { ...(s.processMetrics as Json), intervalMs: endpoints.metricsPush.intervalMs };
  const sources = aggregator.sources as Record<string, Json>;
  for (const id of SOURCE_IDS) {
    const key = SOURCE_CONFIG_KEYS[id];
    const { baseUrl, wsUrl } = endpoints.sourceUrls(id);
    const source: Json = { ...(sources[key] ?? {}), enabled: true, baseUrl, wsUrl };
    if (source.apiKey || SOURCES_REQUIRING_API_KEY.includes(id))
      source.apiKey = { file: LOCAL_SECRET_FILES.apiKey(id) };
    sources[key] = source;
  }
  return JSON.parse(JSON.stringify(cfg)) as Json;
}
