import type {
  HttpRequestSpec,
  HttpSourceDefinition,
  Pair,
  SourceError,
  SourcePairError,
  SourcePrice,
} from '../price-source.js';
import { failAll, pairError, priceFor, upstreamText } from '../source-price.js';
import { yahooChartSchema, type YahooChartResponse } from './yahoofinance.schema.js';
import { yahooSymbolOf, type YahooInstrument } from './yahoofinance.symbols.js';

function chartError(code: string, description: string): SourceError {
  const message = `yahoo finance error ${upstreamText(code)}: ${upstreamText(description)}`;
  if (/not found/i.test(code)) return { kind: 'not_found', message };
  if (/unauthori[sz]ed|forbidden/i.test(code)) return { kind: 'unauthorized', message };
  if (/too many/i.test(code)) return { kind: 'rate_limited', message };
  return { kind: 'http', message };
}

/** Whether Yahoo's instrumentType is the kind of instrument the symbol was chosen for. */
function instrumentMatches(expected: YahooInstrument, instrumentType: string | undefined): boolean {
  if (instrumentType === undefined) return true;
  if (expected === 'currency') return instrumentType === 'CURRENCY';
  if (expected === 'crypto') return instrumentType === 'CRYPTOCURRENCY';
  return instrumentType !== 'CURRENCY' && instrumentType !== 'CRYPTOCURRENCY';
}

/** `/v8/finance/chart/<SYMBOL>`, one symbol per request, no key. */
export const yahooFinanceHttp: HttpSourceDefinition<YahooChartResponse> = {
  id: 'yahoofinance',
  defaultBaseUrl: 'https://query1.finance.yahoo.com',
  defaultRps: 10,
  /**
   * `regularMarketTime` of the regular session stops at each close. US exchanges' longest regular
   * closure (a Good Friday weekend; Christmas or New Year on a Friday: Thursday's close to Monday's
   * open) is under 3 d 21 h; forex closes at weekends; crypto never. Listings elsewhere close longer
   * (Xetra 24-26 December, Tokyo's Golden Week): raise it for them, or lower it where Yahoo serves
   * only forex and crypto.
   */
  defaultMaxSourceAgeMs: 4 * 86_400_000,
  maxBatchSize: 1,
  requiresApiKey: false,

  supports: (pair: Pair) => yahooSymbolOf(pair) !== undefined,

  buildRequest(pairs: readonly Pair[]): HttpRequestSpec {
    const symbol = pairs[0] ? (yahooSymbolOf(pairs[0])?.symbol ?? '') : '';
    return { path: `/v8/finance/chart/${encodeURIComponent(symbol)}?interval=1d&range=1d` };
  },

  responseSchema: yahooChartSchema,

  toQuotes(response, pairs) {
    const { result, error } = response.chart;
    if (error) return failAll(pairs, chartError(error.code, error.description));
    const meta = result?.[0]?.meta;
    return pairs.map((pair): SourcePrice | SourcePairError => {
      const wanted = yahooSymbolOf(pair);
      if (!wanted)
        return pairError(pair, 'unsupported', `yahoo finance has no symbol for ${pair.base}/${pair.quote}`);
      if (!meta) return pairError(pair, 'not_found', `yahoo finance returned no chart for ${wanted.symbol}`);
      if (meta.symbol.toUpperCase() !== wanted.symbol.toUpperCase()) {
        return pairError(pair, 'not_found', `yahoo finance answered ${meta.symbol} for ${wanted.symbol}`);
      }
      if (!instrumentMatches(wanted.instrument, meta.instrumentType)) {
        return pairError(
          pair,
          'not_found',
          `yahoo finance lists ${wanted.symbol} as ${meta.instrumentType}, not a ${wanted.instrument}`,
        );
      }
      // Exact comparison on purpose: London listings are in GBp (pence), not GBP.
      if (meta.currency && meta.currency !== pair.quote) {
        return pairError(
          pair,
          'not_found',
          `yahoo finance prices ${wanted.symbol} in ${meta.currency}, not ${pair.quote}`,
        );
      }
      if (meta.regularMarketPrice === undefined)
        return pairError(pair, 'not_found', `yahoo finance has no price for ${wanted.symbol}`);
      const timeMs = meta.regularMarketTime === undefined ? undefined : meta.regularMarketTime * 1000;
      return priceFor(pair, meta.regularMarketPrice, timeMs);
    });
  },
};
