/**
 * A real vmalert (Debian's victoria-metrics package) evaluating rule files every second against a
 * Prometheus-compatible query API, and sending its alerts to a notifier URL (Alertmanager API).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, spawnService } from '@oracle/testing';
import type { Alert } from './prometheus.js';

export interface RunningVmalert {
  readonly url: string;
  /** Active alerts (pending or firing), in Prometheus's shape. */
  alerts(): Promise<Alert[]>;
  output(): string;
  stop(): Promise<void>;
}

interface VmalertAlert {
  readonly name: string;
  readonly state: Alert['state'];
  readonly value: string;
  readonly labels: Record<string, string>;
}

export async function startVmalert(options: {
  datasourceUrl: string;
  notifierUrl: string;
  ruleFiles: readonly string[];
}): Promise<RunningVmalert> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await spawnService(
    'vmalert',
    [
      ...options.ruleFiles.map((file) => `-rule=${file}`),
      `-datasource.url=${options.datasourceUrl}`,
      `-notifier.url=${options.notifierUrl}`,
      '-evaluationInterval=1s',
      `-httpListenAddr=127.0.0.1:${port}`,
      '-loggerLevel=WARN',
    ],
    { name: 'vmalert', readyWhen: async () => (await fetch(`${url}/health`)).ok },
  );
  return {
    url,
    alerts: async () => {
      const answer = (await (await fetch(`${url}/api/v1/alerts`)).json()) as {
        data: { alerts: VmalertAlert[] | null };
      };
      return (answer.data.alerts ?? []).map(({ name, state, value, labels }) => ({
        state,
        value,
        labels: { alertname: name, ...labels },
      }));
    },
    output: service.output,
    stop: async () => void (await service.stop()),
  };
}

export interface ReceivedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export interface AlertReceiver {
  readonly url: string;
  readonly received: readonly ReceivedAlert[];
  stop(): Promise<void>;
}

/**
 * Where vmalert sends its notifications: the operator's Alertmanager, outside the product, reduced
 * to its `POST /api/v2/alerts` endpoint, keeping every alert it is sent.
 */
export async function startAlertReceiver(): Promise<AlertReceiver> {
  const received: ReceivedAlert[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/api/v2/alerts')
        received.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedAlert[]));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
