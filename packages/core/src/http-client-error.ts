/**
 * Node's `clientError` (a request it could not parse, headers too large, a request timeout),
 * answered with a JSON body and a closed connection in place of Node's bare
 * `HTTP/1.1 400 Bad Request`. One implementation for every HTTP server of ours; each gives the
 * shape of its error body.
 */
import type { Duplex } from 'node:stream';

/** Node's own statuses for a request it cannot parse; 400 for the rest. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** Answers (or, where no answer can be written, destroys) the socket of a request Node could not parse. */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  body: (statusCode: number, reason: string) => string,
): void {
  // A reset peer cannot be answered; a socket with a response under way cannot take a second one.
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (error.code === 'ECONNRESET' || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const [statusCode, reason] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request'];
  const text = body(statusCode, reason.toLowerCase());
  socket.end(
    `HTTP/1.1 ${statusCode} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
