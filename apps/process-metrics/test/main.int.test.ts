import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { freePort, makeTempDir, waitFor, type TempDir } from '@oracle/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The built entry point, as s6 runs it (`npm run test:int` builds first).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function configuration(port: number, secretsDir: string): object {
  return {
    solution: {
      totalNodes: 5,
      chainlinkChainId: 31337,
      chainlinkRpcHttpUrl: 'http://127.0.0.1:8545',
      spSecretsDir: secretsDir,
      priceAggregatorConfig: {
        sources: {
          cryptocompare: { enabled: false },
          finnhub: { enabled: false },
          alphavantage: { enabled: false },
        },
      },
      feeds: [{ name: 'BTC / USD', pair: 'BTC/USD', decimals: 8 }],
      processMetrics: { port, intervalMs: 1_000 },
    },
  };
}

describe('process-metrics main', () => {
  let tmp: TempDir;
  beforeEach(async () => {
    tmp = await makeTempDir('process-metrics-main');
    await mkdir(join(tmp.path, 'service'));
  });
  afterEach(async () => {
    await tmp.remove();
  });

  const start = (configPath: string) =>
    spawn(process.execPath, [MAIN], {
      env: { ...process.env, CONFIG_PATH: configPath, SCAN_DIR: join(tmp.path, 'service'), NOTIFY_FD: '3' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });

  it('signals readiness on NOTIFY_FD once listening, serves /healthz, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const configPath = join(tmp.path, 'configuration.json');
    await writeFile(configPath, JSON.stringify(configuration(port, tmp.path)));
    const child = start(configPath);
    try {
      let notified = '';
      let output = '';
      (child.stdio[3] as Readable).on('data', (chunk: Buffer) => (notified += chunk.toString()));
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => notified === '\n', {
        timeoutMs: 15_000,
        what: 'the readiness newline',
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n--- output ---\n${output}`);
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 1 with a readable message when the configuration is invalid', async () => {
    const configPath = join(tmp.path, 'configuration.json');
    await writeFile(configPath, JSON.stringify({ solution: { totalNodes: 'five' } }));
    const child = start(configPath);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output).toContain('Configuration is invalid');
    expect(output).toContain('totalNodes');
  });
});
