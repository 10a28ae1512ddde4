#!/usr/bin/env node
/**
 * The `secrets-access` oneshot (root, after config-validate): makes every secret file the
 * configuration references readable by the service users that read it, and by no other (see
 * secrets-access.ts). Outside the image (not root, or no service users) it changes nothing.
 */
import { execFileSync } from 'node:child_process';
import { ConfigurationError, configurationPath, parseJsonText, validateConfiguration } from '@oracle/config';
import { readFile } from 'node:fs/promises';
import { grantSecretAccess } from '../secrets-access.js';

const log = (level: string, msg: string): void => {
  process.stderr.write(
    `${JSON.stringify({ level, time: new Date().toISOString(), service: 'secrets-access', msg })}\n`,
  );
};

function groupId(name: string): number | undefined {
  try {
    const gid = Number(
      execFileSync('getent', ['group', name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).split(':')[2],
    );
    return Number.isInteger(gid) ? gid : undefined;
  } catch {
    return undefined;
  }
}

try {
  if (process.getuid?.() !== 0 || groupId('oracle-node') === undefined) {
    log('info', 'Not the image (not root, or no service users): secret files stay as they are');
  } else {
    const path = configurationPath();
    const json = parseJsonText(await readFile(path, 'utf8'));
    const validated = json.ok ? validateConfiguration(json.value) : json;
    if (!validated.ok) throw new ConfigurationError(path, validated.error);
    for (const line of await grantSecretAccess(validated.value, groupId)) log('info', line);
  }
} catch (error) {
  log('error', `Cannot give the services access to their secrets: ${(error as Error).message}`);
  process.exitCode = 1;
}
