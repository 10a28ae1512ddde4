/**
 * The sources as this process uses them: each registered definition joined with its
 * configuration (`sources.<key>`) and secrets. Pure lookups, no I/O.
 */
import { Inject, Injectable } from '@nestjs/common';
import { AGGREGATOR_CONFIG } from '../config/config.tokens.js';
import { SOURCE_CONFIG_KEYS, type AggregatorConfig, type SourceConfigKey } from '@oracle/config';
import type {
  HttpSourceDefinition,
  PriceSourceModule,
  SourceContext,
  SourceId,
  StreamSourceDefinition,
} from './price-source.js';

/** `sources.<key>` of the configuration, secrets resolved. */
export type SourceConfig = AggregatorConfig['sources'][SourceConfigKey];

export interface SourceSettings {
  readonly id: SourceId;
  readonly http: HttpSourceDefinition<unknown>;
  /** The stream definition when the source has one and `stream.enabled`; otherwise undefined. */
  readonly stream: StreamSourceDefinition | undefined;
  readonly config: SourceConfig;
  /** Usable: enabled in the configuration and, if the source requires one, with an API key. */
  readonly enabled: boolean;
  /** Why the source is not usable, when it is not. */
  readonly disabledReason: string | undefined;
  readonly baseUrl: string;
  /** `sources.<key>.wsUrl` when configured (tests), else the stream's default. */
  readonly wsUrl: string | undefined;
  readonly maxBatchSize: number;
  readonly rps: number | null;
  /** `sources.<key>.maxSourceAgeMs`, else the definition's default: the bound on a quote's own timestamp. */
  readonly maxSourceAgeMs: number;
  readonly context: SourceContext;
  /** `useProxy`: a URL, true (the global proxy) or false. */
  readonly proxy: SourceConfig['useProxy'];
}

/** The source definitions the catalog is made of (`sourceModules` in the application). */
export const SOURCE_MODULES = Symbol('SOURCE_MODULES');

@Injectable()
export class SourceCatalog {
  private readonly byId: ReadonlyMap<SourceId, SourceSettings>;

  constructor(
    @Inject(SOURCE_MODULES) modules: readonly PriceSourceModule[],
    @Inject(AGGREGATOR_CONFIG) config: AggregatorConfig,
  ) {
    this.byId = new Map(modules.map((module) => [module.http.id, settingsOf(module, config)]));
  }

  /** A registered source, usable or not. */
  get(id: SourceId): SourceSettings | undefined {
    return this.byId.get(id);
  }

  all(): SourceSettings[] {
    return [...this.byId.values()];
  }

  enabled(): SourceSettings[] {
    return this.all().filter((s) => s.enabled);
  }
}

function settingsOf(module: PriceSourceModule, config: AggregatorConfig): SourceSettings {
  const id = module.http.id;
  const sourceConfig = config.sources[SOURCE_CONFIG_KEYS[id]];
  const apiKey = sourceConfig.apiKey?.reveal();
  const missingKey = module.http.requiresApiKey && !apiKey;
  const disabledReason = !sourceConfig.enabled
    ? `${id} is disabled in the configuration`
    : missingKey
      ? `${id} requires an API key (sources.${SOURCE_CONFIG_KEYS[id]}.apiKey)`
      : undefined;
  const baseUrl = (sourceConfig.baseUrl ?? module.http.defaultBaseUrl).replace(/\/+$/, '');
  return {
    id,
    http: module.http,
    stream: sourceConfig.stream.enabled ? module.stream : undefined,
    config: sourceConfig,
    enabled: disabledReason === undefined,
    disabledReason,
    baseUrl,
    wsUrl: sourceConfig.wsUrl,
    maxBatchSize: sourceConfig.maxBatchSize ?? module.http.maxBatchSize,
    rps: sourceConfig.rps === undefined ? module.http.defaultRps : sourceConfig.rps,
    maxSourceAgeMs: sourceConfig.maxSourceAgeMs ?? module.http.defaultMaxSourceAgeMs,
    context: apiKey ? { apiKey, baseUrl } : { baseUrl },
    proxy: sourceConfig.useProxy,
  };
}
