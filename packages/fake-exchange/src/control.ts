import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeExchange } from './server.js';
import type { Fault } from './types.js';

/**
 * The fault kinds `POST /__control/fault` takes by name; `status` answers 503 unless a `status` is
 * given. `drop` and `freeze` act on streams only; `ws-drop` is the older name of `drop`.
 */
const FAULT_KINDS = [
  'status',
  'garbage',
  'schema',
  'zero',
  'negative',
  'hang',
  'drop',
  'freeze',
  'ws-drop',
] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

export const CONTROL_FAULT_PATH = '/__control/fault';

/** A fault request: `{"source": "kraken", "fault": "status" | ... | null, "status"?: 429}`. */
export function parseFaultRequest(
  body: unknown,
  exchangeIds: readonly string[],
): { source: string; fault: Fault | undefined } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object like {"source": "kraken", "fault": "status"}' };
  const { source, fault, status } = body as Record<string, unknown>;
  if (typeof source !== 'string' || !exchangeIds.includes(source))
    return { error: `source must be one of ${exchangeIds.join(', ')}` };
  if (fault !== null && !FAULT_KINDS.includes(fault as FaultKind))
    return { error: `fault must be null or one of ${FAULT_KINDS.join(', ')}` };
  if (fault !== 'status' && status !== undefined)
    return { error: `status is only taken with the status fault, not with ${String(fault)}` };
  if (fault === null) return { source, fault: undefined };
  if (fault !== 'status') return { source, fault: { kind: fault as Exclude<FaultKind, 'status'> } };
  if (
    status !== undefined &&
    (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)
  )
    return { error: 'status must be an HTTP error status (400..599)' };
  return { source, fault: { kind: 'status', status: (status as number | undefined) ?? 503 } };
}

export const CONTROL_TIMESTAMP_OFFSET_PATH = '/__control/timestamp-offset';

/**
 * A timestamp offset request: `{"source": "okx", "offsetMs": -172800000}` stamps okx's prices two
 * days in the past (`FakeExchange.setTimestampOffset`); `0` or `null` clears it.
 */
export function parseTimestampOffsetRequest(
  body: unknown,
  exchangeIds: readonly string[],
): { source: string; offsetMs: number } | { error: string } {
  const { source, offsetMs } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof source !== 'string' || !exchangeIds.includes(source))
    return { error: `source must be one of ${exchangeIds.join(', ')}` };
  if (offsetMs === null) return { source, offsetMs: 0 };
  if (!Number.isSafeInteger(offsetMs)) return { error: 'offsetMs must be an integer number of ms, or null' };
  return { source, offsetMs: offsetMs as number };
}

/**
 * The control API of a running fake exchange, for tests that drive a whole stack from outside:
 * `POST /__control/fault` sets or clears one source's fault, `POST /__control/timestamp-offset`
 * its timestamp offset. Answers 204, or 400 naming the problem. Returns false for any other
 * request (the server answers 404).
 */
export function handleControlRequest(
  req: IncomingMessage,
  res: ServerResponse,
  exchange: FakeExchange,
): boolean {
  if (
    req.method === 'POST' &&
    new URL(req.url ?? '/', 'http://control').pathname === CONTROL_TIMESTAMP_OFFSET_PATH
  ) {
    void readJson(req).then((body) => {
      const parsed = parseTimestampOffsetRequest(body, exchange.exchangeIds);
      if ('error' in parsed) {
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: parsed.error }));
        return;
      }
      exchange.setTimestampOffset(parsed.source, parsed.offsetMs);
      res.writeHead(204).end();
    });
    return true;
  }
  if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://control').pathname !== CONTROL_FAULT_PATH)
    return false;
  void readJson(req).then((body) => {
    const parsed = parseFaultRequest(body, exchange.exchangeIds);
    if ('error' in parsed) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: parsed.error }));
      return;
    }
    exchange.setFault(parsed.source, parsed.fault);
    res.writeHead(204).end();
  });
  return true;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
