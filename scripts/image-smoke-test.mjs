// The image smoke test, run by scripts/test-image.sh once the image is built:
//   node scripts/image-smoke-test.mjs <image>      (podman on PATH, CONTAINERS_CONF set)
//
//   CONTAINER_CLI=docker node scripts/image-smoke-test.mjs <image>   (a Docker engine instead)
//
// On the host: a local chain (anvil) and the market replay (the fake exchange), the feeds deployed
// and configured with the node runner's admin CLI. In podman (host network, read-only root): the
// image on a test configuration. Checks: every service up in order; the aggregator's and every
// node's /health answer; a first on-chain answer; process-metrics sees every service's process; an
// oracle killed inside the container is restarted and counted; the same volumes start again
// (warm); a crash-looping service stops the container; `podman stop` shuts it down cleanly; a bad
// configuration starts nothing and names the field. Prints figures, then "N passed, N failed".
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  LOCAL_SECRET_FILES,
  latestRound,
  localConfiguration,
  startLocalChain,
  startMarketReplay,
} from '../packages/stack/dist/index.js';
import { SOURCE_IDS } from '../packages/config/dist/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const image = process.argv[2];
if (!image) throw new Error('usage: node scripts/image-smoke-test.mjs <image>');
const cli = process.env.CONTAINER_CLI || 'podman';
const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const podman = async (...args) => (await run(cli, args, { maxBuffer: 64 << 20 })).stdout.trim();
// Both inits say when a service is up or stopped: the s6-runner (S6_SOURCE=debian) and s6-rc (s6-overlay).
const upLine = (service) =>
  new RegExp(
    `\\[s6-runner\\] ${service} (ready|done) in|s6-rc: info: service ${service} successfully started`,
  );
const stoppedLine = (service) =>
  new RegExp(`\\[s6-runner\\] ${service} stopped|s6-rc: info: service ${service} successfully stopped`);
const figures = [];
const figure = (name, value) => {
  figures.push([name, value]);
  console.log(`figure: ${name}: ${value}`);
};
let passed = 0;
let failed = 0;
async function check(name, fn) {
  const began = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - began} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
async function waitFor(what, fn, timeoutMs = 60_000, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await sleep(intervalMs);
  }
}
async function portsFree(base, count) {
  for (let port = base; port < base + count; port++) {
    const free = await new Promise((r) => {
      const server = createServer().once('error', () => r(false));
      server.listen(port, '127.0.0.1', () => server.close(() => r(true)));
    });
    if (!free) return false;
  }
  return true;
}
/** A block of `count` free consecutive ports. */
async function portBlock(count) {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    if (await portsFree(base, count)) return base;
  }
}

/**
 * A container started attached (`podman create`, then `podman start --attach`), its output read
 * from that process's pipes and each line timed from the start. Not `run -d` plus `podman logs -f`: on CI, a follow started
 * right after `run -d` once delivered no line at all for two minutes (podman's log reader is
 * known to miss output), and the warm start timed out while the container was running.
 */
class Container {
  constructor(name) {
    this.name = name;
    this.lines = [];
  }
  async start(args) {
    await run(cli, ['rm', '-f', this.name]).catch(() => undefined);
    this.lines = [];
    // Created first, so the container exists (for `podman wait`, `exec`) once start() returns.
    await podman('create', '--name', this.name, ...args, image);
    this.startedAt = Date.now();
    this.attached = spawn(cli, ['start', '--attach', this.name], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.attached.on('error', (error) => this.lines.push({ at: this.elapsed(), text: `${cli}: ${error}` }));
    // `podman start --attach` exits with the container's exit code.
    this.exited = new Promise((resolve) => this.attached.once('exit', (code) => resolve(code)));
    for (const stream of [this.attached.stdout, this.attached.stderr]) {
      let rest = '';
      stream.setEncoding('utf8').on('data', (chunk) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop();
        for (const text of parts) this.lines.push({ at: this.elapsed(), text });
      });
      stream.on('end', () => rest && this.lines.push({ at: this.elapsed(), text: rest }));
    }
  }
  elapsed() {
    return Date.now() - this.startedAt;
  }
  line(pattern) {
    return this.lines.find((l) => pattern.test(l.text));
  }
  index(pattern) {
    return this.lines.findIndex((l) => pattern.test(l.text));
  }
  waitLine(pattern, timeoutMs = 120_000) {
    return waitFor(`a log line ${pattern}`, () => this.line(pattern), timeoutMs, 100);
  }
  /** Waits until every service logged that it is up; when the last one did, in ms from the start. */
  async allUp(services, timeoutMs = 120_000) {
    const lines = await waitFor(
      'every service to be up',
      () => {
        const found = services.map((service) => this.line(upLine(service)));
        return found.every(Boolean) && found;
      },
      timeoutMs,
      100,
    );
    return Math.max(...lines.map((l) => l.at));
  }
  /** Waits until every service logged that it stopped (the log stream may lag the exit a little). */
  allDown(services, timeoutMs = 10_000) {
    return waitFor(
      'every service to log its stop',
      () => services.every((service) => this.line(stoppedLine(service))),
      timeoutMs,
      100,
    );
  }
  exec(...command) {
    return podman('exec', this.name, ...command);
  }
  /** Waits for the container to exit; its exit code. */
  async exitCode(timeoutMs = 90_000) {
    return Promise.race([
      this.exited,
      sleep(timeoutMs).then(() => Promise.reject(new Error(`${this.name} still runs after ${timeoutMs} ms`))),
    ]);
  }
  async remove() {
    await run(cli, ['rm', '-f', this.name]).catch(() => undefined);
    this.attached?.kill();
  }
  /** What the engine says of the container (for a failure that left no output). */
  state() {
    return podman('ps', '-a', '--filter', `name=^${this.name}$`, '--format', '{{.Status}}').then(
      (status) => status || 'removed',
      (error) => `unknown (${error.message})`,
    );
  }
  /** What explains a failure: the runner's lines, warnings and errors, and the last few lines. */
  dump(last = 15) {
    const telling = /\[s6-runner\]|stage2-hook|config-validate|s6-rc|"level":"(warn|error|fatal)"/;
    return this.lines
      .filter((l, i) => telling.test(l.text) || i >= this.lines.length - last)
      .map((l) => `  [${(l.at / 1000).toFixed(1)}s] ${l.text.slice(0, 400)}`)
      .join('\n');
  }
}

async function nodePid(container, service) {
  const pid = Number(await container.exec('s6-svstat', '-o', 'pid', `/run/service/${service}`));
  return pid > 0 ? pid : undefined;
}

async function processMetrics(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const rss = new Map();
  for (const match of text.matchAll(/^chainlink_process_memory_rss_kb\{([^}]*)\} (\d+)/gm)) {
    const service = /service="([^"]+)"/.exec(match[1])?.[1];
    if (service) rss.set(service, Number(match[2]));
  }
  return rss;
}

// ------------------------------------------------------------------------------------------------
const work = await mkdtemp(join(tmpdir(), 'image-smoke-'));
const helpers = [];
const containers = [];
try {
  const replayPort = await portBlock(1);
  const chainPort = await portBlock(1);
  const [chain, replay] = await Promise.all([
    startLocalChain(chainPort, work),
    startMarketReplay(
      repo,
      replayPort,
      join(repo, 'packages/stack/market-data/prices.json'),
      join(repo, 'packages/stack/market-data/replay.jsonl'),
    ),
  ]);
  helpers.push(replay, chain);

  const secrets = join(work, 'secrets');
  const writeSecret = async (file, value) => {
    await mkdir(dirname(join(secrets, file)), { recursive: true, mode: 0o700 });
    await writeFile(join(secrets, file), `${value}\n`, { mode: 0o600 });
  };
  for (const id of SOURCE_IDS) {
    await writeSecret(LOCAL_SECRET_FILES.apiKey(id), 'smoke-test-key');
  }
  await writeSecret(LOCAL_SECRET_FILES.faucetKey, chain.ownerKey);
  const nodesBase = await portBlock(12);
  const aggregatorPort = await portBlock(1);
  const metricsPort = await portBlock(1);
  const example = JSON.parse(await readFile(join(repo, 'configuration.example.json'), 'utf8'));
  const configFor = (secretsDir) => {
    const cfg = localConfiguration(example, {
      sourceUrls: (id) => ({
        baseUrl: `http://127.0.0.1:${replayPort}/${id}`,
        wsUrl: `ws://127.0.0.1:${replayPort}/${id}`,
      }),
      secretsDir,
      dataDir: '/run/oracle/nodes',
      postgresPort: nodesBase + 11,
      rpcHttpUrl: chain.rpcUrl,
      chainId: chain.chainId,
    });
    cfg.solution.nodes.apiPortBase = nodesBase;
    cfg.solution.nodes.p2pPortBase = nodesBase + 5;
    cfg.solution.priceAggregatorConfig.port = aggregatorPort;
    cfg.solution.processMetrics.port = metricsPort;
    return cfg;
  };
  // The admin CLI runs on the host: it sees the secrets (and later the node keys) at their host path.
  const hostConfig = join(work, 'host-configuration.json');
  await writeFile(hostConfig, JSON.stringify(configFor(secrets), null, 2));
  const admin = async (...args) =>
    JSON.parse(
      (
        await run(process.execPath, [
          join(repo, 'apps/node-runner/dist/cli/admin.js'),
          ...args,
          '--config',
          hostConfig,
        ])
      ).stdout,
    );
  await admin('deploy', '--out', hostConfig);
  const deployed = JSON.parse(await readFile(hostConfig, 'utf8')).solution.feeds;
  const containerConfig = join(work, 'configuration.json');
  const config = configFor('/sp/secrets');
  config.solution.feeds = deployed;
  await writeFile(containerConfig, JSON.stringify(config, null, 2));
  const pgDir = join(work, 'postgresql');
  await mkdir(pgDir);

  const runArgs = (configFile) => [
    '--network=host',
    '--read-only',
    // s6 runs the service scripts from /run: it must allow exec (Docker's --tmpfs default does not).
    '--tmpfs',
    '/run:rw,exec,nosuid,nodev',
    '--tmpfs',
    '/tmp:rw,nosuid,nodev',
    '-v',
    `${secrets}:/sp/secrets`,
    '-v',
    `${pgDir}:/sp/postgresql`,
    '-v',
    `${configFile}:/sp/configurations/configuration.json:ro`,
  ];
  const nodes = [1, 2, 3, 4, 5].map((i) => `node-${i}`);
  const services = [
    'config-validate',
    'secrets-access',
    'node-keys',
    'postgres-bootstrap',
    'postgres',
    'postgres-init',
    'price-aggregator',
    'process-metrics',
    ...nodes,
  ];

  // --- cold start -------------------------------------------------------------------------------
  const cold = new Container('sp-oracle-smoke');
  containers.push(cold);
  await cold.start(runArgs(containerConfig));
  let configured;
  await check('every service comes up, in dependency order', async () => {
    await cold.waitLine(upLine('node-keys'));
    // The nodes' keys exist now: configure the feeds on-chain while the rest starts. The contracts
    // are Super Protocol's flavour: the owner appoints node 1's account admin on the local stand-in,
    // and node 1's account sends setConfig, as in production.
    configured = admin('appoint-admin').then(() => admin('set-config'));
    configured.catch(() => undefined);
    const upAt = await cold.allUp(services);
    figure('image cold start to all services ready', `${(upAt / 1000).toFixed(1)} s`);
    const at = (service) => cold.index(upLine(service));
    for (const node of nodes) {
      for (const dependency of ['postgres-init', 'price-aggregator', 'node-keys'])
        assert(at(dependency) < at(node), `${node} was up before ${dependency}`);
    }
    for (const oracle of nodes.slice(1)) assert(at('node-1') < at(oracle), `${oracle} was up before node-1`);
    assert(
      at('postgres-bootstrap') < at('postgres') && at('postgres') < at('postgres-init'),
      'postgres out of order',
    );
    assert(
      at('config-validate') < Math.min(...services.slice(1).map(at)),
      'something was up before config-validate',
    );
  });
  await check('the aggregator and every node answer /health, and the image HEALTHCHECK passes', async () => {
    await configured;
    await waitFor(
      'the aggregator /health',
      async () => (await fetch(`http://127.0.0.1:${aggregatorPort}/health`)).status === 200,
      60_000,
    );
    for (let i = 1; i <= 5; i++) {
      await waitFor(
        `node-${i} /health`,
        async () => (await fetch(`http://127.0.0.1:${nodesBase + i}/health`)).status === 200,
        60_000,
      );
    }
    const health = await cold.exec('node', '/app/packages/stack/dist/cli/healthcheck.js');
    assert(/^healthy: 7 services answer/.test(health), health);
  });
  await check('a first answer arrives on-chain', async () => {
    const feed = deployed[0];
    await waitFor(
      'an on-chain answer',
      // Read as consumers read it: through the feed's proxy.
      () => latestRound(chain.rpcUrl, feed.proxyAddress, feed.decimals),
      90_000,
      200,
    );
    figure(
      'image cold start to first on-chain answer',
      `${((Date.now() - cold.startedAt) / 1000).toFixed(1)} s`,
    );
  });
  await check('process-metrics sees the process of every service (s6-svperms)', async () => {
    const rss = await waitFor(
      'RSS of every service',
      async () => {
        const found = await processMetrics(metricsPort);
        return (
          ['postgres', 'price-aggregator', 'process-metrics', ...nodes].every((s) => found.has(s)) && found
        );
      },
      30_000,
      1_000,
    );
    let total = 0;
    // Sums of VmRSS over each service's process tree: pages shared between processes (PostgreSQL's
    // shared buffers, Node's code) count once per process, so the total overstates real use.
    for (const [service, kb] of [...rss].sort()) {
      figure(`RSS ${service}`, `${(kb / 1024).toFixed(0)} MiB`);
      total += kb;
    }
    figure(
      'RSS total (postgres, aggregator, process-metrics, 1 bootstrap + 4 oracles)',
      `${(total / 1024).toFixed(0)} MiB`,
    );
    const nodesTotal = nodes.reduce((sum, node) => sum + rss.get(node), 0);
    figure('RSS of the 5 nodes', `${(nodesTotal / 1024).toFixed(0)} MiB`);
    figure(
      'container memory (cgroup, podman stats)',
      await podman('stats', '--no-stream', '--format', '{{.MemUsage}}', cold.name),
    );
  });
  await check('an oracle killed inside the container is restarted and counted', async () => {
    const pid = await nodePid(cold, 'node-3');
    assert(pid, 'node-3 has no pid');
    await cold.exec('sh', '-c', `kill -KILL ${pid}`);
    const killedAt = Date.now();
    const again = await waitFor(
      'node-3 to run again',
      async () => {
        const now = await nodePid(cold, 'node-3');
        return now && now !== pid && now;
      },
      10_000,
      50,
    );
    figure('oracle restart after SIGKILL (seen from the host)', `${Date.now() - killedAt} ms`);
    assert(again > 0, 'no new pid');
    assert((await cold.exec('cat', '/run/service/node-3/restart-count')) === '1', 'restart-count is not 1');
    await waitFor(
      'node-3 /health again',
      async () => (await fetch(`http://127.0.0.1:${nodesBase + 3}/health`)).status === 200,
      60_000,
    );
  });
  await check('a crash-looping service stops the container, naming it', async () => {
    for (let crash = 1; crash <= 4; crash++) {
      const pid = await waitFor(
        'node-2 to run',
        () => nodePid(cold, 'node-2').catch(() => undefined),
        10_000,
        50,
      );
      await cold.exec('sh', '-c', `kill -KILL ${pid}`).catch(() => undefined);
      if (crash < 4)
        await waitFor('node-2 to restart', async () => (await nodePid(cold, 'node-2')) !== pid, 10_000, 50);
    }
    const code = await cold.exitCode();
    assert(code === 1, `exit code ${code}, expected 1`);
    assert(
      cold.line(/node-2.*4 crashes within 600s, more than maxRestarts=3; stopping all services/),
      'no line naming node-2',
    );
    await cold.allDown(services.filter((s) => s !== 'node-2'));
    const stopOrder = (service) => cold.index(stoppedLine(service));
    for (const oracle of ['node-3', 'node-4', 'node-5'])
      assert(stopOrder(oracle) < stopOrder('node-1'), `node-1 stopped before ${oracle}`);
    assert(
      stopOrder('node-1') < stopOrder('postgres-init') && stopOrder('postgres-init') < stopOrder('postgres'),
      'postgres stopped before the nodes',
    );
  });
  await cold.remove();

  // --- warm start and clean stop ----------------------------------------------------------------
  const warm = new Container('sp-oracle-smoke-warm');
  containers.push(warm);
  await check(
    'the same volumes start again (warm) and `podman stop` shuts everything down cleanly',
    async () => {
      await warm.start(runArgs(containerConfig));
      const upAt = await warm.allUp(services);
      figure('image warm start to all services ready', `${(upAt / 1000).toFixed(1)} s`);
      assert(warm.line(/cluster exists/), 'postgres-bootstrap did not reuse the cluster');
      const began = Date.now();
      await podman('stop', '-t', '30', warm.name);
      figure(`${cli} stop`, `${((Date.now() - began) / 1000).toFixed(1)} s`);
      const code = await warm.exitCode(10_000);
      assert(code === 0, `exit code ${code}`);
      await warm.allDown(services);
      const stopOrder = (service) => warm.index(stoppedLine(service));
      for (const node of nodes)
        assert(stopOrder(node) < stopOrder('postgres'), `${node} stopped after postgres`);
      for (const oracle of nodes.slice(1))
        assert(stopOrder(oracle) < stopOrder('node-1'), `node-1 stopped before ${oracle}`);
      assert(
        stopOrder('postgres') < stopOrder('postgres-bootstrap') &&
          stopOrder('postgres-bootstrap') < stopOrder('config-validate'),
        'oneshots out of order',
      );
    },
  );
  await warm.remove();

  // --- a configuration that cannot be used -------------------------------------------------------
  const bad = new Container('sp-oracle-smoke-bad');
  containers.push(bad);
  await check('a bad configuration starts nothing and names the field', async () => {
    const badConfig = join(work, 'bad-configuration.json');
    const broken = JSON.parse(JSON.stringify(config));
    broken.solution.feeds[0].pair = 'BTCUSD';
    await writeFile(badConfig, JSON.stringify(broken, null, 2));
    await bad.start(runArgs(badConfig));
    const code = await bad.exitCode();
    assert(code !== 0, 'the container exited 0');
    await sleep(300);
    assert(
      bad.line(/solution\.feeds\[0\]\.pair: /),
      `no line naming solution.feeds[0].pair:\n${bad.dump(20)}`,
    );
    for (const service of services) assert(!bad.line(upLine(service)), `${service} started`);
  });

  const size = Number(await podman('image', 'inspect', '--format', '{{.Size}}', image));
  figure('image size', `${(size / 1e6).toFixed(0)} MB`);
} catch (error) {
  failed++;
  console.log(`FAIL setup: ${error.stack ?? error}`);
} finally {
  if (failed > 0)
    for (const c of containers)
      console.log(`--- ${c.name} (${await c.state()}), last lines:\n${c.dump() || '  (no output)'}`);
  for (const c of containers) await c.remove();
  for (const helper of helpers) await helper.stop();
  if (existsSync(work)) await rm(work, { recursive: true, force: true });
  console.log('\nfigures:');
  for (const [name, value] of figures) console.log(`  ${name}: ${value}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  // Exit explicitly: a lingering handle (a keep-alive socket, a helper's timer) once kept the
  // process alive after a complete run, and CI would have waited for it until its time limit.
  process.exit(failed > 0 ? 1 : 0);
}
