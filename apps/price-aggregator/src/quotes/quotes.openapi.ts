/**
 * OpenAPI schemas of the quote routes' answers (the types in quotes.service.ts, written out for
 * the document at `/api`), so the document says what the routes answer without DTO classes.
 */
import type { ApiResponseSchemaHost } from '@nestjs/swagger';

type SchemaObject = ApiResponseSchemaHost['schema'];

const isoTime: SchemaObject = { type: 'string', format: 'date-time' };
const decimal: SchemaObject = { type: 'string', example: '65000.12', description: 'a decimal string' };
const sourceId: SchemaObject = { type: 'string', example: 'binance' };

const registeredPair: SchemaObject = {
  type: 'object',
  required: ['source', 'pair', 'configured', 'registeredAt', 'lastRequestAt'],
  properties: {
    source: sourceId,
    pair: { type: 'string', example: 'BTC/USDT', description: 'the symbol as asked of the source' },
    configured: { type: 'boolean', description: 'registered from the configuration, kept warm for good' },
    registeredAt: isoTime,
    lastRequestAt: isoTime,
    quote: {
      type: 'object',
      description: 'the cached quote; absent when none is live',
      required: ['price', 'receivedAt', 'expiresAt', 'via'],
      properties: {
        price: decimal,
        receivedAt: isoTime,
        expiresAt: isoTime,
        via: { type: 'string', enum: ['rest', 'stream'] },
        sourceTimestamp: isoTime,
      },
    },
    lastError: {
      type: 'object',
      description: 'the error of the latest fetch, when it failed',
      properties: { kind: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

const rejection: SchemaObject = {
  type: 'object',
  required: ['source', 'reason'],
  properties: {
    source: sourceId,
    reason: { type: 'string', example: 'outlier' },
    price: decimal,
    message: { type: 'string' },
  },
};

const pairAggregate: SchemaObject = {
  type: 'object',
  required: ['pair', 'minSources', 'contributors', 'rejected', 'quotes'],
  properties: {
    pair: { type: 'string', example: 'BTC/USD' },
    price: { ...decimal, description: 'the aggregate; absent when the pair could not be answered' },
    error: { type: 'string' },
    minSources: { type: 'integer' },
    contributors: { type: 'array', items: sourceId },
    rejected: { type: 'array', items: rejection },
    quotes: {
      type: 'array',
      items: {
        type: 'object',
        properties: { source: sourceId, symbol: { type: 'string' }, price: decimal, receivedAt: isoTime },
      },
    },
  },
};

const pairList: SchemaObject = {
  type: 'array',
  items: {
    oneOf: [
      { type: 'string', example: 'BTC/USD' },
      { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2, example: ['EUR', 'USD'] },
    ],
  },
  maxItems: 500,
};

export const openApi = {
  sourceQuote: {
    type: 'object',
    required: ['source', 'pair', 'price', 'receivedAt'],
    properties: {
      source: sourceId,
      pair: { type: 'array', items: { type: 'string' }, example: ['BTC', 'USDT'] },
      price: decimal,
      receivedAt: isoTime,
    },
  },
  batch: {
    type: 'object',
    required: ['timestamp', 'pairs'],
    properties: { timestamp: isoTime, pairs: { type: 'object', additionalProperties: pairAggregate } },
  },
  batchBody: {
    oneOf: [pairList, { type: 'object', required: ['pairs'], properties: { pairs: pairList } }],
  },
  registeredPairs: {
    type: 'object',
    required: ['timestamp', 'sources'],
    properties: {
      timestamp: isoTime,
      sources: { type: 'object', additionalProperties: { type: 'array', items: registeredPair } },
    },
  },
  sourcePairs: {
    type: 'object',
    required: ['timestamp', 'source', 'pairs'],
    properties: { timestamp: isoTime, source: sourceId, pairs: { type: 'array', items: registeredPair } },
  },
} satisfies Record<string, SchemaObject>;
