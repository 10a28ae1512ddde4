/**
 * The oracle network's Grafana dashboard: what operators see of a container they cannot reach.
 * Metric names are those the services push (architecture.md §6, apps/node-runner's node metrics).
 * Every query is scoped by the `instance` and `environment` variables; feed panels also by `feed`.
 * `npm run gen:dashboard -w @oracle/monitoring` writes it to monitoring/grafana/sp-oracle.json.
 */
import { dashboardJson, type DashboardSpec, type PanelSpec, type RowSpec } from './grafana.js';

const SCOPE = 'instance=~"$instance", environment=~"$environment"';
const FEED_SCOPE = `${SCOPE}, feed=~"$feed"`;
const RATE = '$__rate_interval';

/** `metric{instance=~"$instance", environment=~"$environment", <extra>}` */
const m = (metric: string, extra = ''): string => `${metric}{${SCOPE}${extra ? `, ${extra}` : ''}}`;
/** The same, also scoped to the selected feeds. */
const f = (metric: string): string => `${metric}{${FEED_SCOPE}}`;
const rate = (selector: string): string => `rate(${selector}[${RATE}])`;
const quantile = (q: number, bucket: string, by: string[] = []): string =>
  `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(bucket)}))`;

const serviceOverview: RowSpec = {
  title: 'Service overview',
  panels: [
    {
      title: 'Aggregator requests by route',
      unit: 'reqps',
      targets: [{ expr: `sum by (route) (${rate(m('http_requests_total'))})`, legend: '{{route}}' }],
    },
    {
      title: 'Aggregator latency',
      unit: 's',
      targets: [
        { expr: quantile(0.5, m('http_request_duration_seconds_bucket')), legend: 'p50' },
        { expr: quantile(0.99, m('http_request_duration_seconds_bucket')), legend: 'p99' },
      ],
    },
    {
      title: 'Errors per second by component',
      description:
        'Aggregator 5xx answers, failed source requests, oracle node failures and failed metrics pushes.',
      unit: 'short',
      targets: [
        {
          expr: `sum(${rate(m('http_requests_total', 'status=~"5.."'))}) or sum(${rate(m('http_requests_total'))}) * 0`,
          legend: 'aggregator HTTP 5xx',
        },
        {
          expr: `sum(${rate(m('source_errors_total'))}) or sum(${rate(m('source_requests_total'))}) * 0`,
          legend: 'price sources',
        },
        {
          expr: `sum(${rate(m('oracle_failures_total'))}) or sum(${rate(m('oracle_rounds_total'))}) * 0`,
          legend: 'oracle nodes',
        },
        {
          expr: `sum by (job) (${rate(m('metrics_push_total', 'result="failure"'))})`,
          legend: '{{job}} metrics push',
        },
      ],
    },
    {
      title: 'Requests in flight',
      unit: 'short',
      targets: [{ expr: `sum(${m('http_requests_in_flight')})`, legend: 'aggregator' }],
    },
    {
      title: 'Seconds since the last metrics push',
      description: 'Per service and node; alert MetricsPushStopped fires when a service stops pushing.',
      unit: 's',
      targets: [
        {
          expr: `time() - max by (job, node) (${m('metrics_push_timestamp_seconds')})`,
          legend: '{{job}} {{node}}',
        },
      ],
    },
  ],
};

const cacheHealth: RowSpec = {
  title: 'Cache health',
  panels: [
    {
      title: 'Cache hit ratio',
      unit: 'percentunit',
      min: 0,
      max: 1,
      targets: [
        { expr: `max(${m('cache_hit_ratio')})`, legend: 'since start' },
        { expr: `max(${m('prefetch_success_rate')})`, legend: 'background refetch success' },
      ],
    },
    {
      title: 'Cache entries',
      unit: 'short',
      targets: [
        { expr: `sum(${m('cache_entries_total')})`, legend: 'entries' },
        { expr: `sum(${m('cache_stale_entries')})`, legend: 'stale (inside refetch window)' },
      ],
    },
    {
      title: 'Hits and misses',
      unit: 'ops',
      targets: [
        { expr: `sum(${rate(m('cache_hits_total'))})`, legend: 'hits' },
        { expr: `sum(${rate(m('cache_misses_total'))})`, legend: 'misses' },
      ],
    },
    {
      title: 'Background refetches',
      unit: 'ops',
      targets: [{ expr: `sum by (result) (${rate(m('refetch_operations_total'))})`, legend: '{{result}}' }],
    },
    {
      title: 'Refetch duration',
      unit: 's',
      targets: [
        { expr: quantile(0.5, m('refetch_duration_seconds_bucket')), legend: 'p50' },
        { expr: quantile(0.99, m('refetch_duration_seconds_bucket')), legend: 'p99' },
      ],
    },
  ],
};

const dataSources: RowSpec = {
  title: 'Data sources',
  panels: [
    {
      title: 'Source availability',
      description: '1 while the source answers, 0 while every request fails (alert PriceSourceDown).',
      unit: 'short',
      min: 0,
      max: 1,
      targets: [{ expr: `max by (source) (${m('source_availability')})`, legend: '{{source}}' }],
    },
    {
      title: 'Source latency p90',
      unit: 's',
      targets: [
        {
          expr: quantile(0.9, m('source_request_duration_seconds_bucket'), ['source']),
          legend: '{{source}}',
        },
      ],
    },
    {
      title: 'Source error ratio',
      unit: 'percentunit',
      targets: [
        {
          expr:
            `(sum by (source) (${rate(m('source_errors_total'))}) or sum by (source) (${rate(m('source_requests_total'))}) * 0)` +
            ` / sum by (source) (${rate(m('source_requests_total'))})`,
          legend: '{{source}}',
        },
      ],
    },
    {
      title: 'Source requests by status',
      unit: 'reqps',
      targets: [
        {
          expr: `sum by (source, status) (${rate(m('source_requests_total'))})`,
          legend: '{{source}} {{status}}',
        },
      ],
    },
    {
      title: 'Source errors by kind',
      unit: 'ops',
      targets: [
        {
          expr: `sum by (source, kind) (${rate(m('source_errors_total'))}) or sum by (source) (${rate(m('source_requests_total'))}) * 0`,
          legend: '{{source}} {{kind}}',
        },
      ],
    },
    {
      title: 'WebSocket streams',
      description: 'Open streams per source, reconnect attempts and frames received per second.',
      unit: 'short',
      targets: [
        { expr: `sum by (source) (${m('websocket_connections')})`, legend: '{{source}} open' },
        {
          expr: `sum by (source) (${rate(m('websocket_reconnects_total'))}) or sum by (source) (${m('websocket_connections')}) * 0`,
          legend: '{{source}} reconnects/s',
        },
        {
          expr: `sum by (source) (${rate(m('websocket_messages_received'))})`,
          legend: '{{source}} frames/s',
        },
      ],
    },
  ],
};

/** The on-chain answer next to the median the nodes observed (scaled alike), one panel per feed. */
const answerVsMedian: PanelSpec = {
  title: '$feed: on-chain answer vs aggregator median',
  repeat: 'feed',
  width: 12,
  unit: 'none',
  targets: [
    { expr: `max by (feed) (${f('oracle_feed_answer')})`, legend: 'on-chain answer' },
    {
      expr: `quantile by (feed) (0.5, ${f('oracle_feed_observation')})`,
      legend: 'aggregator median (observed)',
    },
  ],
};

const feeds: RowSpec = {
  title: 'Feeds',
  panels: [
    answerVsMedian,
    {
      title: 'Answer age vs heartbeat',
      description:
        'Seconds since the latest on-chain answer; alert FeedAnswerStale past heartbeat + 10 % + 60 s.',
      unit: 's',
      targets: [
        {
          expr: `time() - max by (feed) (${f('oracle_feed_answer_timestamp_seconds')})`,
          legend: '{{feed}} age',
        },
        { expr: `max by (feed) (${f('oracle_feed_heartbeat_seconds')})`, legend: '{{feed}} heartbeat' },
      ],
    },
    {
      title: 'Deviation: on-chain answer vs median',
      description: 'Alert FeedAnswerDeviates when above the threshold for 10 minutes.',
      unit: 'percentunit',
      targets: [
        {
          expr: `abs(max by (feed) (${f('oracle_feed_answer')}) / quantile by (feed) (0.5, ${f('oracle_feed_observation')}) - 1)`,
          legend: '{{feed}} deviation',
        },
        {
          expr: `max by (feed) (${f('oracle_feed_deviation_threshold_ratio')})`,
          legend: '{{feed}} threshold',
        },
      ],
    },
    {
      title: 'Feeds held by their guard',
      description:
        'Oracle nodes whose feed guard holds the last on-chain answer (feeds[].guard: max change or price band); alert FeedGuardTripped. 0 while reporting normally.',
      unit: 'short',
      min: 0,
      decimals: 0,
      targets: [
        { expr: `sum by (feed) (${f('oracle_feed_guard_tripped')})`, legend: '{{feed}} nodes holding' },
      ],
    },
    {
      title: 'Rounds and reports per minute',
      unit: 'short',
      targets: [
        { expr: `max by (feed) (${rate(f('oracle_rounds_total'))}) * 60`, legend: '{{feed}} rounds' },
        { expr: `max by (feed) (${rate(f('oracle_reports_total'))}) * 60`, legend: '{{feed}} reports' },
      ],
    },
    {
      title: 'Transmissions per minute by outcome',
      unit: 'short',
      targets: [
        {
          expr: `sum by (feed, outcome) (${rate(f('oracle_transmissions_total'))}) * 60`,
          legend: '{{feed}} {{outcome}}',
        },
      ],
    },
    {
      title: 'Gas and fees spent per hour',
      unit: 'short',
      targets: [
        {
          expr: `sum by (feed) (${rate(f('oracle_transmit_gas_used_total'))}) * 3600`,
          legend: '{{feed}} gas',
        },
        {
          expr: `sum by (feed) (${rate(f('oracle_transmit_fee_wei_total'))}) * 3600 / 1e18`,
          legend: '{{feed}} fee (native token)',
        },
      ],
    },
    {
      title: 'Transmitter and faucet balances (native token)',
      description: 'Alerts TransmitterBalanceLow below the faucet threshold and FaucetBalanceLow.',
      unit: 'none',
      targets: [
        {
          expr: `max by (node) (${m('oracle_transmitter_balance_wei', 'role="oracle"')}) / 1e18`,
          legend: 'transmitter node {{node}}',
        },
        { expr: `max(${m('oracle_faucet_balance_wei', 'role="oracle"')}) / 1e18`, legend: 'faucet' },
        {
          expr: `max(${m('oracle_faucet_min_wei', 'role="oracle"')}) / 1e18`,
          legend: 'faucet threshold (faucetMinWei)',
        },
      ],
    },
  ],
};

const don: RowSpec = {
  title: 'Oracle network (DON)',
  panels: [
    {
      title: 'Peers connected per node',
      unit: 'short',
      targets: [
        {
          expr: `max by (node, role) (${m('oracle_p2p_peers_connected')})`,
          legend: 'node {{node}} ({{role}})',
        },
      ],
    },
    {
      title: 'Oracles participating vs quorum (2f+1)',
      description: 'Best connectivity among the nodes; alert OracleQuorumLost below the quorum.',
      unit: 'short',
      targets: [
        { expr: `max by (feed) (${f('oracle_feed_oracles_connected')})`, legend: '{{feed}} connected' },
        { expr: `max by (feed) (${f('oracle_feed_quorum')})`, legend: '{{feed}} quorum' },
      ],
    },
    {
      title: 'Round latency',
      description: 'Observation request to mined transmission, on the transmitting node.',
      unit: 's',
      targets: [
        { expr: quantile(0.5, m('oracle_round_duration_seconds_bucket')), legend: 'p50' },
        { expr: quantile(0.9, m('oracle_round_duration_seconds_bucket')), legend: 'p90' },
        { expr: quantile(0.99, m('oracle_round_duration_seconds_bucket')), legend: 'p99' },
      ],
    },
    {
      title: 'Epoch and epoch changes per hour',
      unit: 'short',
      targets: [
        { expr: `max by (feed) (${f('oracle_feed_epoch')})`, legend: '{{feed}} epoch' },
        {
          expr: `max by (feed) (${rate(f('oracle_epoch_changes_total'))}) * 3600`,
          legend: '{{feed}} changes/h',
        },
      ],
    },
    {
      title: 'Leader (OracleID) and round',
      type: 'stat',
      decimals: 0,
      targets: [
        { expr: `max by (feed) (${f('oracle_feed_leader')})`, legend: '{{feed}} leader' },
        { expr: `max by (feed) (${f('oracle_feed_round')})`, legend: '{{feed}} round' },
      ],
    },
    {
      title: 'P2P messages per second',
      unit: 'short',
      targets: [
        {
          expr: `sum by (node) (${rate(m('oracle_p2p_messages_sent_total'))})`,
          legend: 'node {{node}} sent',
        },
        {
          expr: `sum by (node) (${rate(m('oracle_p2p_messages_received_total'))})`,
          legend: 'node {{node}} received',
        },
        {
          expr: `sum by (node) (${rate(m('oracle_p2p_messages_dropped_total'))}) or sum by (node) (${rate(m('oracle_p2p_messages_sent_total'))}) * 0`,
          legend: 'node {{node}} dropped',
        },
      ],
    },
  ],
};

const processes: RowSpec = {
  title: 'Processes',
  panels: [
    {
      title: 'CPU per service',
      unit: 'percent',
      targets: [{ expr: `sum by (service) (${m('chainlink_process_cpu_percent')})`, legend: '{{service}}' }],
    },
    {
      title: 'Resident memory per service',
      unit: 'bytes',
      targets: [
        { expr: `sum by (service) (${m('chainlink_process_memory_rss_kb')}) * 1024`, legend: '{{service}}' },
      ],
    },
    {
      title: 'Crash restarts per service',
      description: 'Counted by the s6 finish scripts; alert ServiceRestarting on any increase.',
      unit: 'short',
      targets: [
        { expr: `max by (service) (${m('chainlink_s6_service_restart_count')})`, legend: '{{service}}' },
        { expr: `count(${m('chainlink_process_list')})`, legend: 'running processes' },
      ],
    },
  ],
};

export const DASHBOARD: DashboardSpec = {
  uid: 'sp-oracle-overview',
  title: 'SP Oracle: price aggregator, oracle network, processes',
  description:
    'Pushed metrics of the all-in-one oracle container (price aggregator, OCR1 oracle nodes, s6 services).',
  tags: ['sp-oracle', 'oracle', 'ocr1'],
  variables: [
    {
      name: 'environment',
      label: 'Environment',
      query: 'label_values(metrics_push_timestamp_seconds, environment)',
    },
    {
      name: 'instance',
      label: 'Instance',
      query: 'label_values(metrics_push_timestamp_seconds{environment=~"$environment"}, instance)',
    },
    { name: 'feed', label: 'Feed', query: `label_values(oracle_feed_answer{${SCOPE}}, feed)` },
  ],
  rows: [serviceOverview, cacheHealth, dataSources, feeds, don, processes],
};

/** The dashboard JSON as committed in monitoring/grafana/sp-oracle.json. */
export function oracleDashboard(): Record<string, unknown> {
  return dashboardJson(DASHBOARD);
}
