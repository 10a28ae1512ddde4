import type { SourceError } from '../sources/price-source.js';

/** A request the quote API cannot answer, with the HTTP status the reference uses for it. */
export class QuoteError extends Error {
  constructor(
    readonly status: 400 | 404 | 429 | 502 | 504,
    message: string,
  ) {
    super(message);
    this.name = 'QuoteError';
  }

  /** 404 when the source does not know the pair, 504 when it did not answer in time, else 502. */
  static fromSource(error: SourceError): QuoteError {
    if (error.kind === 'not_found' || error.kind === 'unsupported') return new QuoteError(404, error.message);
    if (error.kind === 'timeout') return new QuoteError(504, error.message);
    return new QuoteError(502, error.message);
  }
}
