/**
 * A few builders for Grafana dashboard JSON (schema 39): rows of panels laid out left to right,
 * every panel on the `datasource` template variable. Only what the oracle dashboard uses.
 */

export interface Target {
  readonly expr: string;
  /** Grafana legend template, e.g. "{{source}}". */
  readonly legend?: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description?: string;
  readonly type?: 'timeseries' | 'stat';
  /** Grafana unit id, e.g. "s", "percentunit", "reqps", "bytes". */
  readonly unit?: string;
  readonly targets: readonly Target[];
  /** Grid width out of 24 (default 8). */
  readonly width?: number;
  /** One copy of the panel per value of this template variable. */
  readonly repeat?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

export interface QueryVariable {
  readonly name: string;
  readonly label: string;
  /** A Grafana Prometheus variable query, e.g. `label_values(metric, label)`. */
  readonly query: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly variables: readonly QueryVariable[];
  readonly rows: readonly RowSpec[];
}

type Json = Record<string, unknown>;

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const PANEL_HEIGHT = 8;

function panelJson(spec: PanelSpec, id: number, gridPos: Json): Json {
  const type = spec.type ?? 'timeseries';
  const defaults: Json = { unit: spec.unit ?? 'short' };
  if (spec.min !== undefined) defaults.min = spec.min;
  if (spec.max !== undefined) defaults.max = spec.max;
  if (spec.decimals !== undefined) defaults.decimals = spec.decimals;
  if (type === 'timeseries')
    defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never' };
  const options: Json =
    type === 'timeseries'
      ? {
          legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
          tooltip: { mode: 'multi', sort: 'desc' },
        }
      : {
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
          colorMode: 'value',
          graphMode: 'none',
          textMode: 'value_and_name',
        };
  return {
    id,
    type,
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos,
    ...(spec.repeat ? { repeat: spec.repeat, repeatDirection: 'h', maxPerRow: 4 } : {}),
    fieldConfig: { defaults, overrides: [] },
    options,
    targets: spec.targets.map((target, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: target.expr,
      legendFormat: target.legend ?? '__auto',
      range: true,
    })),
  };
}

function variableJson(variable: QueryVariable): Json {
  return {
    name: variable.name,
    label: variable.label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query: variable.query, refId: `${variable.name}-variable` },
    definition: variable.query,
    refresh: 2,
    includeAll: true,
    allValue: '.*',
    multi: true,
    sort: 1,
    current: { selected: true, text: ['All'], value: ['$__all'] },
  };
}

/** The dashboard as Grafana imports it: rows stacked top to bottom, panels flowing left to right. */
export function dashboardJson(spec: DashboardSpec): Json {
  const panels: Json[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    let x = 0;
    for (const panel of row.panels) {
      const w = panel.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      panels.push(panelJson(panel, id++, { h: PANEL_HEIGHT, w, x, y }));
      x += w;
    }
    y += PANEL_HEIGHT;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-3h', to: 'now' },
    schemaVersion: 39,
    version: 1,
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
          refresh: 1,
        },
        ...spec.variables.map(variableJson),
      ],
    },
    panels,
  };
}

/** Every PromQL expression of a generated dashboard, with its panel title (repeated panels once). */
export function panelQueries(dashboard: Json): Array<{ panel: string; expr: string }> {
  const panels = dashboard.panels as Json[];
  return panels.flatMap((panel) =>
    ((panel.targets as Json[] | undefined) ?? []).map((target) => ({
      panel: panel.title as string,
      expr: target.expr as string,
    })),
  );
}

/** The query of each template variable (the datasource variable has none). */
export function variableQueries(dashboard: Json): Array<{ name: string; query: string }> {
  const list = (dashboard.templating as { list: Json[] }).list;
  return list
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ name: variable.name as string, query: variable.definition as string }));
}
