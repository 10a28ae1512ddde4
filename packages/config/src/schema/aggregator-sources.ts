import { SOURCE_CONFIG_KEYS, SOURCE_IDS, type SourceConfigKey, type SourceId } from './sources.js';

type SourcesBlock<T> = Readonly<Record<SourceConfigKey, T>>;

/** The settings of one source, by id (`exchangerate-host` lives under `sources.exchangeratehost`). */
export function sourceSettings<T>(sources: SourcesBlock<T>, id: SourceId): T {
  return sources[SOURCE_CONFIG_KEYS[id]];
}

/** Ids of the sources switched on in `priceAggregatorConfig.sources`, in registry order. */
export function enabledSourceIds(sources: SourcesBlock<{ readonly enabled: boolean }>): SourceId[] {
  return SOURCE_IDS.filter((id) => sourceSettings(sources, id).enabled);
}
