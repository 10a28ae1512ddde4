import { afterAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from '../src/basic-auth.js';
import { waitFor } from '../src/wait-for.js';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from '../src/victoria-metrics.js';

describe('startVictoriaMetrics', () => {
  const started: RunningVictoriaMetrics[] = [];
  afterAll(async () => {
    await Promise.all(started.map((vm) => vm.stop()));
  });

  it('imports Prometheus text and exports it after a flush', async () => {
    const vm = await startVictoriaMetrics();
    started.push(vm);
    const post = await fetch(vm.importUrl, { method: 'POST', body: 'starter_check{job="starter"} 11\n' });
    expect(post.status).toBe(204);
    const exported = await waitFor(
      async () => {
        await vm.forceFlush();
        return (
          (await (await fetch(`${vm.url}/api/v1/export?match[]=starter_check`)).text()).trim() || undefined
        );
      },
      { timeoutMs: 10_000, what: 'the imported series' },
    );
    const series = JSON.parse(exported) as { metric: Record<string, string>; values: number[] };
    expect(series.metric).toEqual({ __name__: 'starter_check', job: 'starter' });
    expect(series.values).toEqual([11]);
  });

  it('requires the configured basic auth', async () => {
    const auth = { username: 'pusher', password: 'vm-secret' };
    const vm = await startVictoriaMetrics({ httpAuth: auth });
    started.push(vm);
    const body = 'starter_check 1\n';
    expect((await fetch(vm.importUrl, { method: 'POST', body })).status).toBe(401);
    const headers = { authorization: basicAuthHeader(auth.username, auth.password) };
    expect((await fetch(vm.importUrl, { method: 'POST', body, headers })).status).toBe(204);
  });
});
