import { join } from 'node:path';
import { basicAuthHeader } from './basic-auth.js';
import { freePort } from './free-port.js';
import { spawnService } from './spawn-service.js';
import { startInTempDir } from './temp-dir.js';

export interface VictoriaMetricsOptions {
  /** Listen on this loopback port (e.g. to bring a target back where a client already points); a free one by default. */
  readonly port?: number;
  /** Require basic auth on every endpoint (-httpAuth.username / -httpAuth.password). */
  readonly httpAuth?: { readonly username: string; readonly password: string };
}

export interface RunningVictoriaMetrics {
  /** Base URL, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  /** The Prometheus text import endpoint, `${url}/api/v1/import/prometheus`. */
  readonly importUrl: string;
  readonly port: number;
  /** Makes just-imported samples visible to queries (/internal/force_flush). */
  forceFlush(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Debian's victoria-metrics on a free loopback port with a temporary data directory. */
export async function startVictoriaMetrics(
  options: VictoriaMetricsOptions = {},
): Promise<RunningVictoriaMetrics> {
  return startInTempDir('victoria-metrics', async (dir) => {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const args = [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${join(dir.path, 'data')}`,
      '-retentionPeriod=1y',
      // Queries see samples as soon as they are flushed, not 30 s later.
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=WARN',
    ];
    const headers: Record<string, string> = {};
    if (options.httpAuth) {
      args.push(
        `-httpAuth.username=${options.httpAuth.username}`,
        `-httpAuth.password=${options.httpAuth.password}`,
      );
      headers.authorization = basicAuthHeader(options.httpAuth.username, options.httpAuth.password);
    }
    const service = await spawnService('victoria-metrics', args, {
      name: 'victoria-metrics',
      readyWhen: async () => (await fetch(`${url}/health`, { headers })).ok,
    });
    return {
      url,
      importUrl: `${url}/api/v1/import/prometheus`,
      port,
      forceFlush: async () => {
        const response = await fetch(`${url}/internal/force_flush`, { headers });
        if (!response.ok) throw new Error(`victoria-metrics force_flush answered ${response.status}`);
      },
      service,
    };
  });
}
