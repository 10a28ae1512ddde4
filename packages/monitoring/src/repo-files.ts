import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in the repository, given relative to its root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), 'utf8');
}

/** The committed dashboard and rule files. */
export const DASHBOARD_FILE = 'monitoring/grafana/sp-oracle.json';
export const RULE_FILES = ['monitoring/alerts/sp-oracle.rules.yml'] as const;
