import type { ServerResponse } from 'node:http';

/** Sends a JSON body that is already serialised. */
export function sendJson(res: ServerResponse, statusCode: number, body: Buffer): void {
  res
    .writeHead(statusCode, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': body.length,
    })
    .end(body);
}
