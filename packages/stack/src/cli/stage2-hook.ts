#!/usr/bin/env node
/**
 * The S6_STAGE2_HOOK body, run before s6-rc compiles the service database:
 *
 *   1. copy the shipped definitions (S6_RC_STATIC_DIR) into the source directory s6-rc compiles
 *      (S6_RC_SOURCE_DIR; in the image /etc/s6-overlay/s6-rc.d links there, so the root may be read-only);
 *   2. read configuration.json and generate node-1..node-N from totalNodes;
 *   3. write the non-secret stack environment every script sources (s6 services share no exports).
 *
 * A configuration it cannot use makes it print every problem by JSON path and exit 1: s6-overlay
 * stops the container (S6_BEHAVIOUR_IF_STAGE2_FAILS=2), the local runner starts nothing. The
 * copied tree is left in place either way, so a compiler that goes on anyway still finds
 * config-validate first, which fails the same way. Secrets are not read here (config-validate does).
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfiguration } from '@oracle/config';
import { generateNodeServices } from '../generate-services.js';
import { renderEnvFile, stackEnvironment } from '../stack-env.js';

const { values } = parseArgs({
  options: {
    'source-dir': { type: 'string' },
    'static-dir': { type: 'string' },
    'template-dir': { type: 'string' },
    'stack-env': { type: 'string' },
  },
});
const sourceDir = values['source-dir'] ?? '/run/oracle/s6-rc.d';
const staticDir = values['static-dir'];
const templateDir = values['template-dir'] ?? '/etc/s6-overlay/templates/node';
const envFile = values['stack-env'] ?? '/run/oracle/stack.env';

const print = (text: string): void => {
  for (const line of text.split('\n')) process.stderr.write(`stage2-hook: ${line}\n`);
};

try {
  if (staticDir && resolve(staticDir) !== resolve(sourceDir)) {
    await rm(sourceDir, { recursive: true, force: true });
    await cp(staticDir, sourceDir, { recursive: true });
  }
  const cfg = await loadConfiguration({ secrets: [] });
  const nodes = await generateNodeServices({
    sourceDir,
    templateDir,
    totalNodes: cfg.solution.totalNodes,
    bootstrapNodes: cfg.solution.bootstrapNodes,
  });
  await mkdir(dirname(envFile), { recursive: true });
  const env = stackEnvironment(cfg, {
    pgData: process.env.PGDATA ?? '/sp/postgresql/data',
    pgSocketDir: process.env.PG_SOCKET_DIR ?? '/run/postgresql',
  });
  await writeFile(envFile, renderEnvFile(env), { mode: 0o644 });
  print(`generated ${nodes.join(', ')}`);
} catch (error) {
  print(error instanceof ConfigurationError ? error.message : `failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
