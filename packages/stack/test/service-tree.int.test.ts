/**
 * The image's service tree under real s6 (Debian's s6-svscan, driven by the s6-runner): the real
 * definitions, scripts, stage-2 hook, config check, PostgreSQL, node keys and provisioning; stand-ins
 * only for the three long-running apps.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@oracle/testing';
import { prepareTree, processesUnder, type StandInEvent, type Tree } from './service-tree-fixture.js';

const NODES = ['node-1', 'node-2', 'node-3', 'node-4', 'node-5'];
const ORACLES = NODES.slice(1);

describe('the service tree under s6', () => {
  let tree: Tree;
  let bootMs = 0;

  beforeAll(async () => {
    tree = await prepareTree();
    const began = Date.now();
    await tree.runner.up();
    bootMs = Date.now() - began;
  });
  afterAll(() => tree?.remove());

  const transitionAt = (service: string, state: string): number => {
    const found = tree.transitions.find((t) => t.service === service && t.state === state);
    if (!found) throw new Error(`${service} never became ${state}`);
    return found.at;
  };
  const eventOf = (events: readonly StandInEvent[], service: string, event: string): StandInEvent => {
    const found = events.find((e) => e.service === service && e.event === event);
    if (!found) throw new Error(`${service} never recorded ${event}`);
    return found;
  };

  it('brings every service up, none before its dependencies are ready', async () => {
    const up = tree.transitions.filter((t) => t.state === 'up').map((t) => t.service);
    expect(new Set(up)).toEqual(
      new Set([
        'config-validate',
        'secrets-access',
        'node-keys',
        'confidential-admin',
        'postgres-bootstrap',
        'postgres',
        'postgres-init',
        'price-aggregator',
        'process-metrics',
        ...NODES,
      ]),
    );
    expect(transitionAt('config-validate', 'up')).toBeLessThanOrEqual(
      transitionAt('postgres-bootstrap', 'starting'),
    );
    for (const reader of ['node-keys', 'price-aggregator', 'process-metrics']) {
      expect(transitionAt('secrets-access', 'up')).toBeLessThanOrEqual(transitionAt(reader, 'starting'));
    }
    expect(transitionAt('postgres', 'up')).toBeLessThanOrEqual(transitionAt('postgres-init', 'starting'));

    const events = await tree.events();
    const aggregatorReady = eventOf(events, 'price-aggregator', 'ready').at;
    const bootstrapReady = eventOf(events, 'node-1', 'ready').at;
    for (const node of NODES) {
      const started = eventOf(events, node, 'start').at;
      expect(started, `${node} started before postgres-init was done`).toBeGreaterThanOrEqual(
        transitionAt('postgres-init', 'up'),
      );
      expect(started, `${node} started before node-keys was done`).toBeGreaterThanOrEqual(
        transitionAt('node-keys', 'up'),
      );
      expect(started, `${node} started before confidential-admin was done`).toBeGreaterThanOrEqual(
        transitionAt('confidential-admin', 'up'),
      );
      expect(started, `${node} started before the aggregator was ready`).toBeGreaterThanOrEqual(
        aggregatorReady,
      );
    }
    for (const oracle of ORACLES) {
      expect(
        eventOf(events, oracle, 'start').at,
        `${oracle} started before node-1 was ready`,
      ).toBeGreaterThanOrEqual(bootstrapReady);
    }
    console.log(`service tree (5 nodes, stand-in apps) up in ${bootMs} ms`);
  });

  it('gives each node its own database that no other node can connect to', async () => {
    const { port } = tree.configuration.solution.postgres as { port: number };
    const password = (node: number): Promise<string> =>
      readFile(join(tree.dir, 'secrets/nodes', String(node), 'db-password'), 'utf8').then((text) =>
        text.trim(),
      );
    const connect = async (node: number, database: number): Promise<string> => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port,
        user: `chainlink_node_${node}`,
        password: await password(node),
        database: `chainlink_node_${database}`,
      });
      try {
        await client.connect();
        const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
        return rows[0]?.db ?? '';
      } finally {
        await client.end().catch(() => undefined);
      }
    };
    expect(await connect(2, 2)).toBe('chainlink_node_2');
    await expect(connect(2, 3)).rejects.toThrow(/permission denied for database "chainlink_node_3"/);
    await expect(connect(3, 2)).rejects.toThrow(/permission denied for database "chainlink_node_2"/);
  });

  it('restarts a killed node within a second and counts the crash', async () => {
    const pid = tree.pid('node-3');
    expect(pid).toBeDefined();
    // s6-supervise delays the restart of a process that ran less than a second (crash-loop throttle).
    const started = (await tree.events()).find((e) => e.pid === pid && e.event === 'start')!.at;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 1_100 - Date.now())));
    const killedAt = Date.now();
    process.kill(pid!, 'SIGKILL');
    const restarted = await waitFor(
      async () =>
        (await tree.events()).find((e) => e.service === 'node-3' && e.event === 'start' && e.pid !== pid),
      { timeoutMs: 5_000, intervalMs: 20, what: 'node-3 to start again' },
    );
    console.log(`node-3 back ${restarted.at - killedAt} ms after SIGKILL`);
    expect(restarted.at - killedAt).toBeLessThan(1_000);
    expect(tree.pid('node-3')).toBe(restarted.pid);
    const serviceDir = tree.runner.serviceDir('node-3');
    expect(await readFile(join(serviceDir, 'restart-count'), 'utf8')).toBe('1\n');
    expect(Number(await readFile(join(serviceDir, 'last-restart'), 'utf8'))).toBeCloseTo(killedAt / 1000, -1);
  });

  it('does not count a requested restart', async () => {
    const serviceDir = tree.runner.serviceDir('node-4');
    execFileSync('s6-svc', ['-r', serviceDir]); // SIGTERM; the stand-in exits 0
    await waitFor(
      async () =>
        (await tree.events()).filter((e) => e.service === 'node-4' && e.event === 'start').length === 2,
      {
        timeoutMs: 5_000,
        what: 'node-4 to start again',
      },
    );
    expect(existsSync(join(serviceDir, 'restart-count'))).toBe(false);
  });

  it('stops every service in reverse order once one crashes more than maxRestarts times in the window', async () => {
    const stopRequest = tree.runner.waitForStopRequest();
    await tree.crashAtStart('node-2');
    process.kill(tree.pid('node-2')!, 'SIGKILL');
    const request = await stopRequest;
    expect(request.exitCode).toBe(1);
    expect(request.reason).toMatch(/^node-2 crashed 3 times within 60s \(last: exit code 3\)$/);
    expect(await readFile(join(tree.runner.serviceDir('node-2'), 'restart-count'), 'utf8')).toBe('3\n');

    await tree.runner.down();
    const downAt = (service: string): number => transitionAt(service, 'down');
    for (const oracle of ORACLES) expect(downAt(oracle)).toBeLessThanOrEqual(downAt('node-1'));
    for (const node of NODES) {
      expect(downAt(node)).toBeLessThanOrEqual(downAt('price-aggregator'));
      expect(downAt(node)).toBeLessThanOrEqual(downAt('postgres-init'));
    }
    expect(downAt('postgres-init')).toBeLessThanOrEqual(downAt('postgres'));
    expect(downAt('postgres')).toBeLessThanOrEqual(downAt('postgres-bootstrap'));
    expect(downAt('postgres-bootstrap')).toBeLessThanOrEqual(downAt('config-validate'));
    const events = await tree.events();
    const aggregatorStop = eventOf(events, 'price-aggregator', 'stop').at;
    for (const node of ['node-1', 'node-3', 'node-4', 'node-5']) {
      expect(eventOf(events, node, 'stop').at).toBeLessThanOrEqual(aggregatorStop);
    }
    expect(processesUnder(tree.dir)).toEqual([]);
  });
});
