import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from './spawn-service.js';

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** A fresh directory under the system temp dir; remove() deletes it with everything inside. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
}

/** What a started service gives its caller: its output and a stop() that also removes its directory. */
interface StoppableService {
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a service that works in its own temporary directory, which lives exactly as long as the
 * service: removed at once if `start` throws, else by the returned `stop()` after the service has
 * stopped. What `start` returns besides the service is passed through.
 */
export async function startInTempDir<Running extends StoppableService>(
  prefix: string,
  start: (
    dir: TempDir,
  ) => Promise<Omit<Running, keyof StoppableService> & { readonly service: RunningService }>,
): Promise<Running> {
  const dir = await makeTempDir(prefix);
  try {
    const { service, ...running } = await start(dir);
    const stoppable: StoppableService = {
      output: service.output,
      stop: async () => {
        await service.stop();
        await dir.remove();
      },
    };
    // `running` is `Running` without `output` and `stop`, which `stoppable` adds.
    return { ...running, ...stoppable } as unknown as Running;
  } catch (error) {
    await dir.remove();
    throw error;
  }
}
