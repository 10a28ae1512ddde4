import type { ServiceDefinition } from './source-format.js';

/**
 * Bundles s6-overlay itself provides: services depend on `base` so that they start after the
 * container's own initialisation. Outside the image there is nothing to wait for.
 */
export const OVERLAY_PROVIDED = new Set(['base']);

type Services = ReadonlyMap<string, ServiceDefinition>;

/** The atomic services (oneshots and longruns) a name stands for: itself, or a bundle's members, expanded. */
function atoms(services: Services, name: string, from: string): string[] {
  if (OVERLAY_PROVIDED.has(name)) return [];
  const def = services.get(name);
  if (!def) throw new Error(`${from} refers to unknown service ${name}`);
  if (def.type !== 'bundle') return [name];
  return def.contents.flatMap((member) => atoms(services, member, `bundle ${name}`));
}

/** The atomic services `name` depends on directly (bundles in its dependencies expanded), sorted. */
export function directDependencies(services: Services, name: string): string[] {
  const def = services.get(name);
  if (!def) throw new Error(`unknown service ${name}`);
  const deps = def.dependencies.flatMap((dependency) => atoms(services, dependency, `service ${name}`));
  return [...new Set(deps)].sort();
}

/**
 * The atomic services reachable from `roots`, bundles expanded, in an order where every service
 * comes after all of its dependencies. Ties keep alphabetical order so the order is stable. Throws
 * on unknown names and on cycles, naming the path.
 */
export function startOrder(services: Services, roots: readonly string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();

  const visit = (name: string, path: readonly string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const dependency of directDependencies(services, name)) visit(dependency, [...path, name]);
    state.set(name, 'done');
    order.push(name);
  };

  for (const root of roots) for (const atom of atoms(services, root, 'the command line')) visit(atom, []);
  return order;
}
