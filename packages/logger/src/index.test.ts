import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

describe('createLogger', () => {
  it('writes JSON with the service name and redacts secrets at any depth', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const logger = createLogger({ service: 'test', destination: out });
    logger.info({ apiKey: 'sk-1', nested: { source: { apiKey: 'sk-2', basicAuth: { password: 'p' } } } }, 'Hello');
    await new Promise((r) => setImmediate(r));
    const line = chunks.join('');
    expect(line).not.toContain('sk-1');
    expect(line).not.toContain('sk-2');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed.service).toBe('test');
    expect(parsed.msg).toBe('Hello');
    expect(parsed.level).toBe('info');
  });
});
