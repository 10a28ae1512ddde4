import { readFile } from 'node:fs/promises';
import {
  ConfigurationError,
  configurationPath,
  loadConfiguration,
  parseJsonText,
  type Configuration,
  type ConfigurationProblem,
} from '@oracle/config';
import { parsePublicKey, signatureProblem } from './config-signature.js';

export interface CheckedConfiguration {
  readonly path: string;
  readonly configuration: Configuration;
  /** Whether a signature was required (CONFIGURATION_PUBLIC_KEY set) and verified. */
  readonly signatureVerified: boolean;
}

/**
 * Everything `config-validate` checks before any service starts: the file parses and validates,
 * every secret it references can be read, and, when `publicKeyBase64` is given (the image's
 * CONFIGURATION_PUBLIC_KEY), `solution.signature` verifies. Throws one ConfigurationError listing
 * every problem by JSON path; nothing in it quotes the file or a secret.
 */
export async function checkConfiguration(options: {
  readonly path?: string;
  readonly publicKeyBase64?: string;
}): Promise<CheckedConfiguration> {
  const path = configurationPath({ path: options.path });
  const problems: ConfigurationProblem[] = [];
  let configuration: Configuration | undefined;
  try {
    configuration = await loadConfiguration({ path });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(...error.problems);
  }
  const publicKeyBase64 = options.publicKeyBase64?.trim();
  if (publicKeyBase64) {
    const publicKey = parsePublicKey(publicKeyBase64);
    const json = parseJsonText(await readFile(path, 'utf8').catch(() => ''));
    const solution = json.ok ? (json.value as { solution?: unknown }).solution : undefined;
    if (solution !== null && typeof solution === 'object' && !Array.isArray(solution)) {
      const problem = signatureProblem(solution as Record<string, unknown>, publicKey);
      if (problem) problems.push({ path: 'solution.signature', message: problem });
    }
  }
  if (problems.length > 0 || !configuration) throw new ConfigurationError(path, problems);
  return { path, configuration, signatureVerified: Boolean(publicKeyBase64) };
}
