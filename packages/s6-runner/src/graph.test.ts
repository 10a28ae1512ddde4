import { describe, expect, it } from 'vitest';
import { startOrder } from './graph.js';
import type { ServiceDefinition, ServiceType } from './source-format.js';

const svc = (
  name: string,
  type: ServiceType,
  dependencies: string[] = [],
  contents: string[] = [],
): ServiceDefinition => ({
  name,
  type,
  dir: `/x/${name}`,
  dependencies,
  contents,
});

const tree = new Map(
  [
    svc('user', 'bundle', [], ['node-2', 'node-1', 'price-aggregator', 'postgres']),
    svc('config-validate', 'oneshot', ['base']),
    svc('postgres-bootstrap', 'oneshot', ['base', 'config-validate']),
    svc('postgres', 'longrun', ['postgres-bootstrap']),
    svc('postgres-init', 'oneshot', ['postgres']),
    svc('price-aggregator', 'longrun', ['config-validate']),
    svc('node-1', 'longrun', ['postgres-init', 'price-aggregator']),
    svc('node-2', 'longrun', ['node-1', 'postgres-init']),
  ].map((s) => [s.name, s] as const),
);

describe('startOrder', () => {
  it('puts every service after its dependencies and expands bundles', () => {
    const order = startOrder(tree, ['user']);
    expect(order).toEqual([
      'config-validate',
      'postgres-bootstrap',
      'postgres',
      'postgres-init',
      'price-aggregator',
      'node-1',
      'node-2',
    ]);
  });

  it('names unknown services and cycles', () => {
    const broken = new Map(tree);
    broken.set('node-2', svc('node-2', 'longrun', ['node-9']));
    expect(() => startOrder(broken, ['user'])).toThrow('service node-2 refers to unknown service node-9');
    const cyclic = new Map(tree);
    cyclic.set('postgres-bootstrap', svc('postgres-bootstrap', 'oneshot', ['postgres-init']));
    expect(() => startOrder(cyclic, ['user'])).toThrow(
      /dependency cycle: .*postgres-init -> postgres -> postgres-bootstrap -> postgres-init$/,
    );
  });
});
