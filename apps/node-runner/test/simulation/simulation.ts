import type { AttributedObservation, OcrContext, ProtocolConfig } from '../../src/ocr/index.js';
import { byzantineBehaviour, type ByzantineTrait } from './byzantine.js';
import { FakeChain } from './fake-chain.js';
import { FakeClock } from './fake-clock.js';
import { InMemoryNetwork, RELIABLE, type NetworkFaults } from './in-memory-network.js';
import { PriceFeed, type PriceShock } from './price-feed.js';
import { Prng } from './prng.js';
import { Recorder } from './recorder.js';
import { evmCrypto, fastCrypto } from './sim-crypto.js';
import { SimNode, type RuntimeTiming } from './sim-node.js';
import { SimStore } from './sim-store.js';

export interface Scenario {
  readonly seed: number;
  readonly n: number;
  readonly f: number;
  readonly durationMs: number;
  /** 'fast' (keyed hashes) or 'evm' (the real OCR1 signatures); Leader(e) and the schedule are always real. */
  readonly crypto?: 'fast' | 'evm';
  readonly network?: NetworkFaults;
  /** Oracles that never start. */
  readonly crashed?: readonly number[];
  readonly byzantine?: readonly { readonly id: number; readonly traits: readonly ByzantineTrait[] }[];
  /** Honest running oracles crash and come back from their store. */
  readonly restarts?: {
    readonly everyMs: readonly [number, number];
    readonly downMs: readonly [number, number];
  };
  readonly partitions?: {
    readonly everyMs: readonly [number, number];
    readonly lastingMs: readonly [number, number];
  };
  /** Network faults, restarts and partitions stop here; the rest of the run is calm. Default: never. */
  readonly faultsEndMs?: number;
  /** Require the feed to update at least this often (after faultsEndMs, if set). */
  readonly livenessGapMs?: number;
  readonly chainReadTimeoutRate?: number;
  readonly volatilityPpm?: number;
  /** Windows in which every data source reports a multiple of the price. */
  readonly priceShocks?: readonly PriceShock[];
  /** Stores that do not keep the signing guard, as libocr: shows what the guard prevents. */
  readonly forgetSignedRounds?: boolean;
  readonly config?: Partial<ProtocolConfig>;
}

export interface SimulationResult {
  readonly violations: string[];
  readonly stats: {
    readonly accepted: number;
    readonly honestTransmits: number;
    readonly delivered: number;
    readonly dropped: number;
    readonly malformedReceived: number;
    readonly steps: number;
    readonly maxGapMs: number;
    readonly finalEpoch: number;
  };
  /** The reports the contract accepted, in order. */
  readonly accepted: readonly { readonly median: bigint; readonly atMs: number }[];
}

const DIGEST = '0x5e1f0c2a9b3d4e6f708192a3b4c5d6e7';

function protocolConfig(scenario: Scenario, oracleId: number): ProtocolConfig {
  return {
    configDigest: DIGEST,
    n: scenario.n,
    f: scenario.f,
    oracleId,
    deltaProgressMs: 3_000,
    deltaResendMs: 1_500,
    deltaRoundMs: 1_000,
    deltaGraceMs: 200,
    deltaStageMs: 600,
    deltaCMs: 8_000,
    rMax: 5,
    s: Array<number>(scenario.n).fill(1),
    alphaPpb: 5_000_000n,
    ...scenario.config,
  };
}

const TIMING: RuntimeTiming = {
  observationMs: [0, 80],
  chainReadMs: [5, 40],
  chainReadTimeoutRate: 0,
  blockchainTimeoutMs: 500,
  transmitMs: [20, 150],
};

/** Runs N simulated oracles against a fake chain and checks the protocol's invariants. */
export function runSimulation(scenario: Scenario): SimulationResult {
  const root = new Prng(scenario.seed);
  const clock = new FakeClock();
  const network = new InMemoryNetwork(clock, root.fork(1), scenario.network ?? RELIABLE);
  const recorder = new Recorder();
  const shared = protocolConfig(scenario, 0);
  const crypto = (scenario.crypto === 'evm' ? evmCrypto : fastCrypto)(shared, root.fork(2));
  const chain = new FakeChain(
    { configDigest: DIGEST, n: scenario.n, f: scenario.f, minAnswer: 1n, maxAnswer: (1n << 160n) - 1n },
    crypto.recoverSigner,
  );
  const price = new PriceFeed(root.fork(3), scenario.volatilityPpm);
  price.shocks = scenario.priceShocks ?? [];
  const timing = { ...TIMING, chainReadTimeoutRate: scenario.chainReadTimeoutRate ?? 0 };
  const env = { clock, network, chain, price, recorder, timing };

  const nodes = Array.from({ length: scenario.n }, (_, id) => {
    const config = protocolConfig(scenario, id);
    const traits = scenario.byzantine?.find((b) => b.id === id)?.traits;
    const prng = root.fork(100 + id);
    const baseCtx = crypto.contextFor(id);
    const ctx: OcrContext = traits
      ? baseCtx
      : {
          ...baseCtx,
          signReport: (epoch: number, round: number, observations: readonly AttributedObservation[]) => {
            recorder.honestSigned(id, epoch, round, observations);
            return baseCtx.signReport(epoch, round, observations);
          },
        };
    const behaviour = traits ? byzantineBehaviour(traits, config, baseCtx, prng.fork(1)) : undefined;
    return new SimNode(id, config, ctx, new SimStore(scenario.forgetSignedRounds), env, prng, behaviour);
  });

  const crashed = new Set(scenario.crashed ?? []);
  for (const node of nodes) if (!crashed.has(node.id)) node.start();

  const faultsEndMs = scenario.faultsEndMs ?? scenario.durationMs;
  scheduleFaults(scenario, nodes, crashed, network, clock, root.fork(4), faultsEndMs);
  clock.after(faultsEndMs, () => {
    network.faults = RELIABLE;
    network.partition(undefined);
  });

  clock.runUntil(scenario.durationMs);

  const violations = checkInvariants(scenario, recorder, chain, nodes);
  const times = chain.accepted.map((a) => a.atMs);
  const gaps = [...times, scenario.durationMs].map((t, i) => t - (i === 0 ? 0 : (times[i - 1] as number)));
  return {
    violations,
    stats: {
      accepted: chain.accepted.length,
      honestTransmits: recorder.transmits.filter((t) => t.honest).length,
      delivered: network.delivered,
      dropped: network.dropped,
      malformedReceived: recorder.malformedReceived,
      steps: recorder.steps,
      maxGapMs: Math.max(...gaps),
      finalEpoch: Math.max(...nodes.map((n) => n.current?.pacemaker.epoch ?? 0)),
    },
    accepted: chain.accepted.map(({ median, atMs }) => ({ median, atMs })),
  };
}

function scheduleFaults(
  scenario: Scenario,
  nodes: readonly SimNode[],
  crashed: ReadonlySet<number>,
  network: InMemoryNetwork,
  clock: FakeClock,
  prng: Prng,
  faultsEndMs: number,
): void {
  const { restarts, partitions } = scenario;
  if (restarts) {
    const candidates = nodes.filter((n) => n.honest && !crashed.has(n.id));
    const restartOne = (): void => {
      if (clock.nowMs >= faultsEndMs) return;
      const node = prng.pick(candidates);
      if (node.running) {
        node.crash();
        clock.after(prng.int(restarts.downMs[0], restarts.downMs[1]), () => node.start());
      }
      clock.after(prng.int(restarts.everyMs[0], restarts.everyMs[1]), restartOne);
    };
    clock.after(prng.int(restarts.everyMs[0], restarts.everyMs[1]), restartOne);
  }
  if (partitions) {
    const split = (): void => {
      if (clock.nowMs >= faultsEndMs) return;
      const shuffled = prng.shuffle(nodes.map((n) => n.id));
      const cut = prng.int(1, shuffled.length - 1);
      network.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      clock.after(prng.int(partitions.lastingMs[0], partitions.lastingMs[1]), () => {
        network.partition(undefined);
        clock.after(prng.int(partitions.everyMs[0], partitions.everyMs[1]), split);
      });
    };
    clock.after(prng.int(partitions.everyMs[0], partitions.everyMs[1]), split);
  }
}

function checkInvariants(
  scenario: Scenario,
  recorder: Recorder,
  chain: FakeChain,
  nodes: readonly SimNode[],
): string[] {
  const violations: string[] = [];

  // No honest node signs twice for one (epoch, round), across restarts.
  for (const [key, reports] of recorder.honestSignatures) {
    if (new Set(reports).size > 1) violations.push(`node ${key}: signed two different reports`);
    else if (reports.length > 1) violations.push(`node ${key}: signed the same report twice`);
  }
  for (const node of nodes)
    for (const refused of node.store.refused) violations.push(`node ${node.id}: ${refused}`);

  // At most one accepted report per (epoch, round), in increasing order.
  chain.accepted.forEach((a, i) => {
    const previous = chain.accepted[i - 1];
    if (previous && (previous.epoch > a.epoch || (previous.epoch === a.epoch && previous.round >= a.round))) {
      violations.push(`accepted (${a.epoch}, ${a.round}) after (${previous.epoch}, ${previous.round})`);
    }
    if (a.observations.some((o) => o.observer >= scenario.n))
      violations.push(`accepted (${a.epoch}, ${a.round}) names an unknown observer`);
  });

  // Every median that reached the chain, or that an honest node tried to send, lies among honest observations.
  const medians = [
    ...chain.accepted.map((a) => ({ what: 'accepted', ...a })),
    ...recorder.transmits.filter((t) => t.honest).map((t) => ({ what: `transmitted by ${t.node}`, ...t })),
  ];
  for (const { what, epoch, round, median } of medians) {
    const range = recorder.honestRange(epoch, round);
    if (!range) violations.push(`${what} (${epoch}, ${round}): no honest observation backs median ${median}`);
    else if (median < range.min || median > range.max) {
      violations.push(
        `${what} (${epoch}, ${round}): median ${median} outside honest range [${range.min}, ${range.max}]`,
      );
    }
  }

  // Honest transmissions fail only by losing a race.
  for (const t of recorder.transmits) {
    if (t.honest && !t.outcome.ok && t.outcome.reason !== 'stale report') {
      violations.push(
        `contract rejected node ${t.node}'s report (${t.epoch}, ${t.round}): ${t.outcome.reason}`,
      );
    }
  }
  for (const error of recorder.honestErrors) violations.push(`honest error log: ${error}`);

  // Liveness: the feed keeps updating (once faults stop, if they do).
  if (scenario.livenessGapMs !== undefined) {
    const from = scenario.faultsEndMs ?? 0;
    const times = [from, ...chain.accepted.map((a) => a.atMs).filter((t) => t > from), scenario.durationMs];
    for (let i = 1; i < times.length; i++) {
      const gap = (times[i] as number) - (times[i - 1] as number);
      if (gap > scenario.livenessGapMs) {
        violations.push(
          `no update for ${gap} ms after ${times[i - 1]} ms (bound ${scenario.livenessGapMs} ms)`,
        );
      }
    }
  }
  return violations;
}
