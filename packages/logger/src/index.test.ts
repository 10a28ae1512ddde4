import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from './index.js';

/** A logger writing into an array, and the parsed lines. */
function capture(level?: string) {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'test',
    level,
    destination: { write: (line: string) => lines.push(line) },
  });
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, parsed };
}

describe('createLogger', () => {
  it('writes one JSON object per line: level, time, service, fields, msg', () => {
    const { logger, lines, parsed } = capture();
    logger.info({ feed: 'ETH/USD', round: 3 }, 'Report transmitted');
    logger.warn('Plain message');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    const [first, second] = parsed();
    expect(first).toMatchObject({
      level: 'info',
      service: 'test',
      feed: 'ETH/USD',
      round: 3,
      msg: 'Report transmitted',
    });
    expect(Date.parse(String(first?.time))).toBeGreaterThan(Date.now() - 60_000);
    expect(Object.keys(first ?? {})).toEqual(['level', 'time', 'service', 'feed', 'round', 'msg']);
    expect(second).toMatchObject({ level: 'warn', msg: 'Plain message' });
  });

  it('redacts secrets at any depth, whatever their case, in fields and bindings', () => {
    const { logger, lines } = capture();
    logger.child({ auth: { Authorization: 'Bearer sk-0' } }).info(
      {
        apiKey: 'sk-1',
        nested: { source: { APIKEY: 'sk-2', basicAuth: { password: 'p' } } },
        list: [{ token: 'sk-3' }],
      },
      'Hello',
    );
    const line = lines.join('');
    for (const secret of ['sk-0', 'sk-1', 'sk-2', 'sk-3', '"p"']) expect(line).not.toContain(secret);
    expect(line.split(REDACTED).length - 1).toBe(5);
  });

  it('writes levels at or above its threshold only; silent writes nothing', () => {
    const warn = capture('warn');
    warn.logger.debug({ a: 1 }, 'no');
    warn.logger.info('no');
    warn.logger.error('yes');
    warn.logger.fatal('yes');
    expect(warn.parsed().map((l) => l.level)).toEqual(['error', 'fatal']);
    expect(warn.logger.isLevelEnabled('warn')).toBe(true);
    expect(warn.logger.isLevelEnabled('info')).toBe(false);
    const silent = capture('silent');
    silent.logger.fatal('no');
    expect(silent.lines).toEqual([]);
  });

  it('rejects an unknown level with a clear error', () => {
    expect(() => capture('verbose')).toThrow(
      /Unknown log level "verbose": use one of trace, debug, info, warn, error, fatal, silent/,
    );
  });

  it('child loggers add their bindings after the parent’s, and keep the level', () => {
    const { logger, parsed } = capture('debug');
    const child = logger.child({ peerId: 'p1' }).child({ feed: 'f' });
    child.debug({ epoch: 2 }, 'Epoch started');
    expect(child.level).toBe('debug');
    const [line] = parsed();
    expect(Object.keys(line ?? {})).toEqual(['level', 'time', 'service', 'peerId', 'feed', 'epoch', 'msg']);
  });

  it('logs errors with type, message, stack, own fields and cause; an Error alone is `err`', () => {
    const { logger, parsed } = capture();
    const cause = new RangeError('inner');
    const error = Object.assign(new Error('outer', { cause }), { code: 'E_OUTER', privateKey: '0xabc' });
    logger.error({ err: error }, 'Failed');
    logger.warn(new TypeError('bare'));
    const [first, second] = parsed();
    expect(first?.err).toMatchObject({
      type: 'Error',
      message: 'outer',
      code: 'E_OUTER',
      privateKey: REDACTED,
    });
    expect(String((first?.err as { stack: string }).stack)).toContain('outer');
    expect((first?.err as { cause: unknown }).cause).toMatchObject({ type: 'RangeError', message: 'inner' });
    expect(second).toMatchObject({ msg: 'bare', err: { type: 'TypeError', message: 'bare' } });
  });

  it('writes what JSON cannot hold: bigints, cycles, dates, buffers, undefined', () => {
    const { logger, parsed } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.info({
      answer: 123456789012345678901234567890n,
      cyclic,
      at: new Date(0),
      bytes: Buffer.from([1, 2]),
      gone: undefined,
    });
    const [line] = parsed();
    expect(line).toMatchObject({
      answer: '123456789012345678901234567890',
      cyclic: { name: 'loop', self: '[circular]' },
      at: '1970-01-01T00:00:00.000Z',
      bytes: { type: 'Buffer', data: [1, 2] },
    });
    expect(line).not.toHaveProperty('gone');
    expect(line).not.toHaveProperty('msg');
  });

  it('bounds deep objects', () => {
    const { logger, parsed } = capture();
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    logger.info({ deep }, 'Deep');
    expect(JSON.stringify(parsed()[0])).toContain('[too deep]');
  });
});
