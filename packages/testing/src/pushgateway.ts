import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { basicAuthHeader } from './basic-auth.js';
import { freePort } from './free-port.js';
import { spawnService } from './spawn-service.js';
import { startInTempDir } from './temp-dir.js';

export interface PushgatewayOptions {
  /** Listen on this loopback port (e.g. to bring a target back where a client already points); a free one by default. */
  readonly port?: number;
  /**
   * Require basic auth (Pushgateway's --web.config.file). Pushgateway stores only a bcrypt hash,
   * so the caller gives both: the hash for the server, the password for readiness checks.
   */
  readonly basicAuth?: { readonly username: string; readonly password: string; readonly bcryptHash: string };
}

export interface RunningPushgateway {
  /** Base URL, e.g. http://127.0.0.1:40123 (push to `${url}/metrics/job/...`). */
  readonly url: string;
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Debian's prometheus-pushgateway on a free loopback port, in-memory only. */
export async function startPushgateway(options: PushgatewayOptions = {}): Promise<RunningPushgateway> {
  return startInTempDir('pushgateway', async (dir) => {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const args = [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file=', '--log.level=warn'];
    const headers: Record<string, string> = {};
    if (options.basicAuth) {
      const { username, password, bcryptHash } = options.basicAuth;
      const webConfig = join(dir.path, 'web-config.yml');
      await writeFile(
        webConfig,
        `basic_auth_users:\n  ${JSON.stringify(username)}: ${JSON.stringify(bcryptHash)}\n`,
      );
      args.push(`--web.config.file=${webConfig}`);
      headers.authorization = basicAuthHeader(username, password);
    }
    const service = await spawnService('prometheus-pushgateway', args, {
      name: 'pushgateway',
      readyWhen: async () => (await fetch(`${url}/-/ready`, { headers })).ok,
    });
    return {
      url,
      port,
      service,
    };
  });
}
