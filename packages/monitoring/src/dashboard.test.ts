import { describe, expect, it } from 'vitest';
import { oracleDashboard } from './dashboard.js';
import { panelQueries, variableQueries } from './grafana.js';
import { DASHBOARD_FILE, readRepoFile } from './repo-files.js';

type Json = Record<string, unknown>;
const dashboard = oracleDashboard();
const panels = dashboard.panels as Json[];

describe('the Grafana dashboard', () => {
  it('is committed up to date (npm run gen:dashboard -w @oracle/monitoring)', () => {
    expect(JSON.parse(readRepoFile(DASHBOARD_FILE))).toEqual(dashboard);
  });

  it('is importable: fixed uid, current schema, a Prometheus datasource variable used by every panel', () => {
    expect(dashboard.uid).toBe('sp-oracle-overview');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const variables = (dashboard.templating as { list: Json[] }).list;
    expect(variables[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, String(panel.title)).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets as Json[]) expect(target.datasource).toEqual(panel.datasource);
    }
  });

  it('scopes every selector of every query by the instance and environment variables', () => {
    const queries = panelQueries(dashboard);
    expect(queries.length).toBeGreaterThan(40);
    for (const { panel, expr } of queries) {
      const selectors = expr.match(/[a-z_]+\{[^}]*\}/g) ?? [];
      expect(selectors.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      for (const selector of selectors) {
        expect(selector, panel).toContain('instance=~"$instance"');
        expect(selector, panel).toContain('environment=~"$environment"');
      }
    }
  });

  it('has the instance, environment and feed variables, each a label_values query', () => {
    expect(variableQueries(dashboard).map((v) => v.name)).toEqual(['environment', 'instance', 'feed']);
    for (const { query } of variableQueries(dashboard)) expect(query).toMatch(/^label_values\(/);
  });

  it('covers every part the operators asked for, with unique panel ids and no overlapping panels', () => {
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual([
      'Service overview',
      'Cache health',
      'Data sources',
      'Feeds',
      'Oracle network (DON)',
      'Processes',
    ]);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const { gridPos } of panels as Array<{ gridPos: { x: number; y: number; w: number; h: number } }>) {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++)
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
  });
});
