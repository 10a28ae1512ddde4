#!/usr/bin/env node
/**
 * S6_STAGE2_HOOK body: validate configuration.json, write the stack environment file, prepare the
 * s6-rc source directory (copy the shipped definitions when S6_RC_STATIC_DIR is set, as in the
 * image) and generate node-1..node-N. Any configuration problem stops the boot here, listed by path.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfiguration } from '@oracle/config';
import { generateNodeServices } from '../generate-services.js';
import { renderEnvFile, stackEnvironment } from '../stack-env.js';

const { values } = parseArgs({
  options: {
    'source-dir': { type: 'string' },
    'template-dir': { type: 'string' },
    'stack-env': { type: 'string' },
  },
});
const sourceDir = values['source-dir'] ?? '/run/oracle/s6-rc.d';
const templateDir = values['template-dir'] ?? '/etc/s6-overlay/templates/node';
const envFile = values['stack-env'] ?? '/run/oracle/stack.env';

try {
  const cfg = await loadConfiguration();
  const staticDir = process.env.S6_RC_STATIC_DIR;
  if (staticDir) {
    await rm(sourceDir, { recursive: true, force: true });
    await cp(staticDir, sourceDir, { recursive: true });
  }
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
  process.stderr.write(
    `${JSON.stringify({ level: 'info', service: 'stage2-hook', msg: `generated ${nodes.join(', ')}` })}\n`,
  );
} catch (error) {
  const message = error instanceof ConfigurationError ? error.message : `stage-2 hook failed: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
