import { SOURCE_CONFIG_KEYS, SOURCE_IDS, SOURCES_REQUIRING_API_KEY } from '@oracle/config';

export interface LocalStackEndpoints {
  /** Where the market replay (fake exchange) serves each source: REST and WebSocket base URLs. */
  readonly sourceUrls: (sourceId: string) => { baseUrl: string; wsUrl: string };
  readonly secretsDir: string;
  readonly dataDir: string;
  readonly postgresPort: number;
  readonly rpcHttpUrl: string;
}

type Json = Record<string, unknown>;

/**
 * The local stack's configuration: configuration.example.json with everything pointed at this
 * machine (sources at the market replay, secrets and data under the run directory, metrics push
 * off). Deriving it from the example keeps the two from drifting apart.
 */
export function localConfiguration(example: Json, endpoints: LocalStackEndpoints): Json {
  const cfg = structuredClone(example) as { solution: Json };
  const s = cfg.solution;
  s.spSecretsDir = endpoints.secretsDir;
  s.chainlinkChainId = 1337;
  s.chainlinkRpcHttpUrl = endpoints.rpcHttpUrl;
  delete s.chainlinkRpcWsUrl;
  (s.postgres as Json).port = endpoints.postgresPort;
  const nodes = s.nodes as Json;
  nodes.dataDirBase = endpoints.dataDir;
  delete nodes.keystorePassword;
  const aggregator = s.priceAggregatorConfig as Json;
  aggregator.environment = 'development';
  (aggregator.metricsPush as Json).enabled = false;
  const sources = aggregator.sources as Record<string, Json>;
  for (const id of SOURCE_IDS) {
    const key = SOURCE_CONFIG_KEYS[id];
    const { baseUrl, wsUrl } = endpoints.sourceUrls(id);
    const source: Json = { ...(sources[key] ?? {}), enabled: true, baseUrl, wsUrl };
    if (source.apiKey || SOURCES_REQUIRING_API_KEY.includes(id)) source.apiKey = { file: `api-keys/${id}` };
    sources[key] = source;
  }
  return cfg;
}
