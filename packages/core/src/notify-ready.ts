import { writeSync } from 'node:fs';

/**
 * Tells the supervisor the service is ready: s6 passes a file descriptor number in the
 * service's `notification-fd` file, and our run scripts export it as NOTIFY_FD.
 * Without NOTIFY_FD (plain `node dist/main.js`) this does nothing.
 */
export function notifyReady(env: NodeJS.ProcessEnv = process.env): boolean {
  const fdText = env.NOTIFY_FD;
  if (!fdText || !/^\d+$/.test(fdText)) return false;
  try {
    writeSync(Number(fdText), '\n');
    return true;
  } catch {
    return false;
  }
}
