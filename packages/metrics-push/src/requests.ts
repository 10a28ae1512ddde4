import type { PushTarget } from './config.js';
import { chunkExposition, type Labels } from './exposition.js';
import { pushgatewayGroupUrl } from './pushgateway-url.js';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PushRequest {
  readonly method: 'PUT' | 'POST';
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface PushLabels {
  readonly job: string;
  readonly instance: string;
  readonly environment?: string;
  readonly groupingLabels: Labels;
  /** Pushgateway only: carried as a `ttl` grouping label. */
  readonly ttlSeconds: number;
}

function requestHeaders(target: PushTarget): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  headers['content-type'] = EXPOSITION_CONTENT_TYPE;
  if (target.basicAuth) {
    const token = Buffer.from(`${target.basicAuth.username}:${target.basicAuth.password.reveal()}`).toString(
      'base64',
    );
    headers.authorization = `Basic ${token}`;
  }
  return headers;
}

/** job, instance, environment (when set) and the grouping labels; the named ones win over grouping labels. */
export function identityLabels(labels: PushLabels): Record<string, string> {
  return {
    ...labels.groupingLabels,
    job: labels.job,
    instance: labels.instance,
    ...(labels.environment === undefined ? {} : { environment: labels.environment }),
  };
}

/**
 * The HTTP requests that deliver one rendered registry to one target.
 * Pushgateway: one PUT that replaces the group `job/<job>/instance/<instance>/.../ttl/<s>`.
 * VictoriaMetrics: POSTs of at most `batchSize` sample lines, the body as rendered; the identity
 * labels go as `extra_label=name=value` query arguments, which VictoriaMetrics adds to every sample,
 * replacing a label of the same name (as a Pushgateway grouping key does).
 */
export function buildPushRequests(
  target: PushTarget,
  text: string,
  labels: PushLabels,
  batchSize: number,
): PushRequest[] {
  const headers = requestHeaders(target);
  const identity = identityLabels(labels);
  if (target.format === 'pushgateway') {
    const { job: _job, ...grouping } = identity;
    const url = pushgatewayGroupUrl(target.url, labels.job, { ...grouping, ttl: String(labels.ttlSeconds) });
    return [{ method: 'PUT', url, headers, body: text }];
  }
  const url = withExtraLabels(target.url, identity);
  return chunkExposition(text, batchSize).map((body) => ({ method: 'POST', url, headers, body }));
}

/** `url` with one `extra_label=name=value` query argument per label, its own arguments kept. */
export function withExtraLabels(url: string, labels: Labels): string {
  const withLabels = new URL(url);
  for (const [name, value] of Object.entries(labels))
    withLabels.searchParams.append('extra_label', `${name}=${value}`);
  return withLabels.toString();
}
