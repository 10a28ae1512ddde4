import type { Labels } from './exposition.js';

/**
 * One `<name>/<value>` pair of a Pushgateway grouping key path. Values with a `/` (or empty) use
 * the `<name>@base64/<base64url>` form Pushgateway defines for them; the rest are URL-encoded.
 */
export function groupingPathSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** `<base>/metrics/job/<job>/<label>/<value>...`: the URL a Pushgateway PUT replaces one group at. */
export function pushgatewayGroupUrl(baseUrl: string, job: string, grouping: Labels): string {
  const base = baseUrl.replace(/\/+$/, '');
  const segments = [groupingPathSegment('job', job)];
  for (const [name, value] of Object.entries(grouping)) {
    if (name !== 'job') segments.push(groupingPathSegment(name, value));
  }
  return `${base}/metrics/${segments.join('/')}`;
}
