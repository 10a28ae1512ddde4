import { Counter, Gauge, Registry } from 'prom-client';
import type { ServiceSample } from './sampler.js';

export interface ProcessMetrics {
  readonly registry: Registry;
  /** Replaces every series with those of this sample, so stopped services and old pids disappear. */
  update(samples: readonly ServiceSample[]): void;
}

/** Labels of the per-process series (`service` alone on the per-service ones). */
export const PROCESS_LABEL_NAMES = ['service', 'process', 'pid'] as const;

/** The exporter's metrics, named as the reference and its dashboards have them. */
export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  const processLabels = PROCESS_LABEL_NAMES;
  const list = new Gauge({
    name: 'chainlink_process_list',
    help: 'Supervised processes (1 per running service), labelled with the process name and pid',
    labelNames: processLabels,
    registers: [registry],
  });
  const cpu = new Gauge({
    name: 'chainlink_process_cpu_percent',
    help: 'CPU use of the service process and its descendants since the previous sample, percent of one core',
    labelNames: processLabels,
    registers: [registry],
  });
  const rss = new Gauge({
    name: 'chainlink_process_memory_rss_kb',
    help: 'Resident memory of the service process and its descendants in KB',
    labelNames: processLabels,
    registers: [registry],
  });
  // A counter as documented; its value is the count kept by the s6 finish script.
  const restarts = new Counter({
    name: 'chainlink_s6_service_restart_count',
    help: 'Crash restarts of the service counted by its s6 finish script',
    labelNames: ['service'] as const,
    registers: [registry],
  });
  const lastRestart = new Gauge({
    name: 'chainlink_s6_service_last_restart_ts',
    help: 'Unix time of the last crash restart of the service (0 = none)',
    labelNames: ['service'] as const,
    registers: [registry],
  });

  return {
    registry,
    update(samples) {
      for (const metric of [list, cpu, rss, restarts, lastRestart]) metric.reset();
      for (const sample of samples) {
        const service = sample.service;
        restarts.inc({ service }, sample.restartCount);
        lastRestart.set({ service }, sample.lastRestartTs);
        if (!sample.process) continue;
        const labels = { service, process: sample.process.name, pid: String(sample.process.pid) };
        list.set(labels, 1);
        cpu.set(labels, Math.round(sample.process.cpuPercent * 100) / 100);
        rss.set(labels, sample.process.rssKb);
      }
    },
  };
}
