import type { ServiceDefinition } from './source-format.js';

/**
 * Bundles s6-overlay itself provides: services depend on `base` so that they start after the
 * container's own initialisation. Outside the image there is nothing to wait for.
 */
export const OVERLAY_PROVIDED = new Set(['base']);

/**
 * The atomic services (oneshots and longruns) reachable from `roots`, bundles expanded, in an order
 * where every service comes after all of its dependencies. Ties keep alphabetical order so the
 * order is stable. Throws on unknown names and on cycles, naming the path.
 */
export function startOrder(services: ReadonlyMap<string, ServiceDefinition>, roots: readonly string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();

  const expand = (name: string, from: string): string[] => {
    if (OVERLAY_PROVIDED.has(name)) return [];
    const def = services.get(name);
    if (!def) throw new Error(`${from} refers to unknown service ${name}`);
    if (def.type !== 'bundle') return [name];
    return def.contents.flatMap((member) => expand(member, `bundle ${name}`));
  };

  const visit = (name: string, path: readonly string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    const def = services.get(name);
    if (!def) throw new Error(`unknown service ${name}`);
    for (const dependency of [...def.dependencies].sort()) {
      for (const atom of expand(dependency, `service ${name}`)) visit(atom, [...path, name]);
    }
    state.set(name, 'done');
    order.push(name);
  };

  for (const root of roots) for (const atom of expand(root, 'the command line')) visit(atom, []);
  return order;
}
