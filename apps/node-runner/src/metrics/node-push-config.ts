import type { MetricsPushConfig } from '@oracle/metrics-push';
import type { NodeRole } from '@oracle/config';

/** Label names on the node's own series; a grouping label of the same name would overwrite them. */
export const NODE_LABEL_NAMES: readonly string[] = [
  'feed',
  'outcome',
  'kind',
  'direction',
  'reason',
  'node',
  'role',
];

/**
 * Node `nodeIndex` pushes where the price aggregator pushes (priceAggregatorConfig.metricsPush:
 * targets, credentials, interval, instance, environment) as job "oracle-node", with a grouping
 * label node="<i>" so each node is its own Pushgateway group. Grouping labels that would relabel
 * the node's series (e.g. a `feed` or `role`) are left out.
 */
export function nodePushConfig(push: MetricsPushConfig, nodeIndex: number): MetricsPushConfig {
  const groupingLabels = Object.fromEntries(
    Object.entries(push.groupingLabels).filter(([name]) => !NODE_LABEL_NAMES.includes(name)),
  );
  return {
    ...push,
    jobName: 'oracle-node',
    groupingLabels: { ...groupingLabels, node: String(nodeIndex) },
  };
}

/** The labels every series of node `nodeIndex` carries. */
export function nodeLabels(nodeIndex: number, role: NodeRole): Record<string, string> {
  return { node: String(nodeIndex), role };
}
