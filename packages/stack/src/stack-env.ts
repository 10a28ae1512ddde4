import type { Configuration } from '@oracle/config';

/** Quotes a value for POSIX sh: 'it'\''s' style. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface StackPaths {
  /** PostgreSQL data directory (image: /sp/postgresql/data). */
  readonly pgData: string;
  /** Directory of PostgreSQL's unix socket, reachable only by root and postgres. */
  readonly pgSocketDir: string;
}

/**
 * The non-secret values the service scripts need, derived once per boot from configuration.json
 * by the stage-2 hook and sourced by every script (s6 services do not share exported variables).
 */
export function stackEnvironment(cfg: Configuration, paths: StackPaths): Record<string, string> {
  const s = cfg.solution;
  return {
    TOTAL_NODES: String(s.totalNodes),
    BOOTSTRAP_NODES: s.bootstrapNodes.join(' '),
    MAX_RESTARTS: String(s.maxRestarts),
    RESTART_WINDOW_MS: String(s.restartWindowMs),
    SP_SECRETS_DIR: s.spSecretsDir,
    PGDATA: paths.pgData,
    PG_SOCKET_DIR: paths.pgSocketDir,
    PG_HOST: s.postgres.host,
    PG_PORT: String(s.postgres.port),
    // Every node holds a small pool; leave room for provisioning and an operator's psql.
    PG_MAX_CONNECTIONS: String(Math.max(50, s.totalNodes * 12 + 20)),
    AGGREGATOR_HOST: s.priceAggregatorConfig.host,
    AGGREGATOR_PORT: String(s.priceAggregatorConfig.port),
    PROCESS_METRICS_HOST: s.processMetrics.host,
    PROCESS_METRICS_PORT: String(s.processMetrics.port),
    NODES_HOST: s.nodes.host,
    NODES_API_PORT_BASE: String(s.nodes.apiPortBase),
    NODES_DATA_DIR_BASE: s.nodes.dataDirBase,
  };
}

export function renderEnvFile(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
  return `# Generated at boot from configuration.json by the stage-2 hook. Do not edit.\n${lines.join('\n')}\n`;
}
