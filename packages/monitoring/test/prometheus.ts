/**
 * A real Prometheus (Debian's `prometheus`) for the monitoring test: scrapes one Pushgateway every
 * second with honor_labels (the pushed job/instance labels stay), evaluates the given rule files
 * every second, keeps its TSDB in a temporary directory. Plus the few API calls the test makes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, spawnService, startInTempDir } from '@oracle/testing';

export interface Series {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface Alert {
  readonly labels: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly value: string;
}

export interface RunningPrometheus {
  readonly url: string;
  /** An instant query; throws with Prometheus's error for a bad expression. */
  query(expr: string): Promise<Series[]>;
  /** Values of `label` on the series `selector` matches (every series without one). */
  labelValues(label: string, selector?: string): Promise<string[]>;
  alerts(): Promise<Alert[]>;
  output(): string;
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

export async function startPrometheus(options: {
  pushgatewayUrl: string;
  ruleFiles: readonly string[];
}): Promise<RunningPrometheus> {
  return startInTempDir('prometheus', async (dir) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const configFile = join(dir.path, 'prometheus.yml');
    const pushgateway = new URL(options.pushgatewayUrl).host;
    await writeFile(
      configFile,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`),
        'scrape_configs:',
        '  - job_name: pushgateway',
        '    honor_labels: true',
        '    static_configs:',
        `      - targets: [${JSON.stringify(pushgateway)}]`,
        '',
      ].join('\n'),
    );
    const service = await spawnService(
      'prometheus',
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { name: 'prometheus', readyWhen: async () => (await fetch(`${url}/-/ready`)).ok },
    );
    const api = async <T>(path: string): Promise<T> => {
      const answer = (await (await fetch(`${url}${path}`)).json()) as ApiAnswer<T>;
      if (answer.status !== 'success') throw new Error(`prometheus ${path}: ${answer.error ?? 'failed'}`);
      return answer.data;
    };
    return {
      url,
      query: async (expr) =>
        (await api<{ result: Series[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
      labelValues: (label, selector) =>
        api<string[]>(
          `/api/v1/label/${label}/values${selector ? `?match[]=${encodeURIComponent(selector)}` : ''}`,
        ),
      alerts: async () => (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts,
      service,
    };
  });
}
