import type { MetricsPushConfigParsed, Secret, WithSecrets } from '@oracle/config';

/** `priceAggregatorConfig.metricsPush` as the config loader hands it out: parsed, secrets resolved, read-only. */
export type MetricsPushConfig = WithSecrets<MetricsPushConfigParsed>;

export type PushFormat = 'pushgateway' | 'victoriametrics';

export interface BasicAuth {
  readonly username: string;
  readonly password: Secret;
}

/** One place metrics are pushed to. */
export interface PushTarget {
  /** Label value for the pusher's own metrics and logs: format and host, never credentials. */
  readonly name: string;
  readonly format: PushFormat;
  readonly url: string;
  readonly basicAuth?: BasicAuth;
  readonly headers: Readonly<Record<string, string>>;
}

/** The reference's single `url` is a VictoriaMetrics import URL when it names the import API, else a Pushgateway. */
export function detectFormat(url: string): PushFormat {
  return url.includes('/api/v1/import') ? 'victoriametrics' : 'pushgateway';
}

function targetName(format: PushFormat, url: string): string {
  return `${format}:${new URL(url).host}`;
}

/** The single reference-compatible `url` (if any) followed by `targets[]`. */
export function resolveTargets(config: MetricsPushConfig): PushTarget[] {
  const targets: PushTarget[] = [];
  if (config.url) {
    const format = detectFormat(config.url);
    targets.push({
      name: targetName(format, config.url),
      format,
      url: config.url,
      headers: config.headers,
      ...(config.basicAuth ? { basicAuth: config.basicAuth } : {}),
    });
  }
  for (const target of config.targets) {
    targets.push({
      name: targetName(target.format, target.url),
      format: target.format,
      url: target.url,
      headers: target.headers,
      ...(target.basicAuth ? { basicAuth: target.basicAuth } : {}),
    });
  }
  return targets;
}
