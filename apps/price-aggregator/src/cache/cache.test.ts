import { describe, expect, it } from 'vitest';
import { testConfig } from '../config/fixtures/test-config.js';
import { CacheTiming } from './cache-timing.js';
import { PairRegistry } from './pair-registry.js';
import { QuoteCache, quoteSlot } from './quote-cache.js';
import { planRefresh, type RefreshView } from './refresh-plan.js';

const BTC = { base: 'BTC', quote: 'USD' };
const ETH = { base: 'ETH', quote: 'USD' };

class Clock {
  constructor(public ms = 1_000_000) {}
  readonly now = (): number => this.ms;
}

describe('QuoteCache', () => {
  it('serves an entry until its TTL and never at or after it', () => {
    const clock = new Clock();
    const cache = new QuoteCache(clock);
    cache.put('binance', { pair: BTC, price: '65000' }, 1_000, 'rest');
    clock.ms += 999;
    expect(cache.get(quoteSlot('binance', BTC))?.price).toBe('65000');
    clock.ms += 1;
    expect(cache.get(quoteSlot('binance', BTC))).toBeUndefined();
    expect([...cache.fresh()]).toEqual([]);
  });

  it('changes its version with every write and removal, and only then', () => {
    const clock = new Clock();
    const cache = new QuoteCache(clock);
    const versions = [cache.version];
    const step = (change: () => unknown): void => {
      change();
      versions.push(cache.version);
    };
    step(() => cache.put('okx', { pair: BTC, price: '1' }, 1_000, 'rest'));
    step(() => cache.get(quoteSlot('okx', BTC))); // a read changes nothing
    step(() => cache.delete(quoteSlot('okx', ETH))); // nothing to delete
    step(() => cache.put('okx', { pair: ETH, price: '2' }, 2_000, 'stream'));
    clock.ms += 1_000;
    step(() => cache.get(quoteSlot('okx', BTC))); // expired: evicted on read
    step(() => cache.delete(quoteSlot('okx', ETH)));
    step(() => cache.put('okx', { pair: BTC, price: '3' }, 10, 'rest'));
    clock.ms += 10;
    step(() => cache.evictExpired());
    step(() => cache.evictExpired());
    const changed = versions.slice(1).map((v, i) => v !== versions[i]);
    expect(changed).toEqual([true, false, false, true, true, true, true, true, false]);
  });

  it("keeps a quote's source timestamp and bound, and changes its version when the quote turns stale at its source", () => {
    const clock = new Clock(Date.UTC(2024, 5, 10, 12));
    const cache = new QuoteCache(clock);
    const stampedAt = clock.ms - 10_000;
    const quote = { pair: BTC, price: '1', sourceTimestampMs: stampedAt };
    expect(cache.put('okx', quote, 600_000, 'stream', 60_000)).toMatchObject({
      sourceTimestampMs: stampedAt,
      maxSourceAgeMs: 60_000,
    });
    cache.put('binance', { pair: BTC, price: '1' }, 600_000, 'rest', 60_000);
    expect(cache.get(quoteSlot('binance', BTC))).not.toHaveProperty('maxSourceAgeMs');
    const before = cache.version;
    clock.ms += 49_999;
    expect(cache.version).toBe(before);
    clock.ms += 1; // okx's quote is 60 s old by okx's clock: aggregates built before no longer hold
    const turned = cache.version;
    expect(turned).not.toBe(before);
    clock.ms += 500_000;
    expect(cache.version).toBe(turned);
  });

  it('restarts the TTL on every write and tells listeners', () => {
    const clock = new Clock();
    const cache = new QuoteCache(clock);
    const seen: string[] = [];
    cache.onUpdate((q) => seen.push(`${q.source}:${q.price}:${q.via}`));
    cache.put('okx', { pair: BTC, price: '1' }, 1_000, 'rest');
    clock.ms += 900;
    cache.put('okx', { pair: BTC, price: '2' }, 1_000, 'stream');
    clock.ms += 900;
    expect(cache.get(quoteSlot('okx', BTC))).toMatchObject({
      price: '2',
      receivedAtMs: 1_000_900,
      expiresAtMs: 1_001_900,
    });
    expect(seen).toEqual(['okx:1:rest', 'okx:2:stream']);
  });

  it('evicts expired entries in bulk', () => {
    const clock = new Clock();
    const cache = new QuoteCache(clock);
    cache.put('okx', { pair: BTC, price: '1' }, 100, 'rest');
    cache.put('okx', { pair: ETH, price: '1' }, 1_000, 'rest');
    clock.ms += 500;
    expect(cache.evictExpired()).toBe(1);
    expect([...cache.fresh()].map((q) => q.pair.base)).toEqual(['ETH']);
  });
});

describe('CacheTiming', () => {
  const timing = new CacheTiming(
    testConfig({
      cache: { defaultTtlMs: 60_000 },
      refetch: { staleTriggerBeforeExpiry: 5_000 },
      sources: { binance: { ttlMs: 10_000, staleTriggerBeforeExpiry: 2_000 }, okx: { ttlMs: 4_000 } },
      pairsTtl: [
        { pair: 'btc/usd', source: 'binance', ttlMs: 3_000 },
        { pair: 'BTC/USD', ttlMs: 20_000 },
      ],
    }),
  );

  it('takes the most specific TTL', () => {
    expect(timing.ttlMs('binance', BTC)).toBe(3_000);
    expect(timing.ttlMs('okx', BTC)).toBe(20_000);
    expect(timing.ttlMs('binance', ETH)).toBe(10_000);
    expect(timing.ttlMs('kraken', ETH)).toBe(60_000);
  });

  it('refetches the configured lead before expiry, at most half the TTL', () => {
    expect(timing.refetchLeadMs('binance', ETH)).toBe(2_000);
    expect(timing.refetchLeadMs('kraken', ETH)).toBe(5_000);
    expect(timing.refetchLeadMs('okx', ETH)).toBe(2_000);
    expect(timing.refetchLeadMs('binance', BTC)).toBe(1_500);
  });
});

describe('planRefresh', () => {
  function setup() {
    const clock = new Clock();
    const cache = new QuoteCache(clock);
    const registry = new PairRegistry();
    const inFlight = new Set<string>();
    const view: RefreshView = {
      entry: (slot) => cache.get(slot),
      leadMs: () => 1_000,
      inFlight: (slot) => inFlight.has(`${slot.source}|${slot.pair.base}`),
    };
    return { clock, cache, registry, inFlight, view };
  }

  it('plans new registrations at once and cached ones at expiry minus the lead', () => {
    const { clock, cache, registry, view } = setup();
    registry.request(quoteSlot('binance', BTC), clock.ms);
    registry.request(quoteSlot('binance', ETH), clock.ms);
    registry.request(quoteSlot('okx', BTC), clock.ms);
    cache.put('binance', { pair: ETH, price: '3000' }, 5_000, 'rest');
    const first = planRefresh(registry.all(), view, clock.ms);
    expect(Object.fromEntries(first.due)).toEqual({ binance: [BTC], okx: [BTC] });
    expect(first.nextDueAtMs).toBe(clock.ms + 4_000);
    clock.ms += 4_000;
    expect(Object.fromEntries(planRefresh(registry.all(), view, clock.ms).due)).toMatchObject({
      binance: [BTC, ETH],
    });
  });

  it('refetches a quote the lead before it turns stale at its source when that comes before its expiry', () => {
    const { clock, cache, registry, view } = setup();
    registry.request(quoteSlot('okx', BTC), clock.ms);
    registry.request(quoteSlot('okx', ETH), clock.ms);
    // Cached for 300 s, but stamped 10 s ago by a source whose bound is 60 s: stale 50 s from now.
    cache.put(
      'okx',
      { pair: BTC, price: '1', sourceTimestampMs: clock.ms - 10_000 },
      300_000,
      'rest',
      60_000,
    );
    // Arrived stale already (stamped 2 days ago): asking again sooner would not help.
    cache.put(
      'okx',
      { pair: ETH, price: '1', sourceTimestampMs: clock.ms - 172_800_000 },
      300_000,
      'rest',
      60_000,
    );
    expect(planRefresh(registry.all(), view, clock.ms).nextDueAtMs).toBe(clock.ms + 50_000 - 1_000);
    clock.ms += 49_000;
    expect(Object.fromEntries(planRefresh(registry.all(), view, clock.ms).due)).toEqual({ okx: [BTC] });
  });

  it('takes what falls due at a source within its merge window along, so a round leaves as one request', () => {
    const { clock, cache, registry, view } = setup(); // lead 1 s: a merge window of 500 ms
    const SOL = { base: 'SOL', quote: 'USD' };
    for (const pair of [BTC, ETH, SOL]) registry.request(quoteSlot('binance', pair), clock.ms);
    registry.request(quoteSlot('okx', BTC), clock.ms);
    // The answers of one round arrived a few tens of ms apart.
    cache.put('binance', { pair: BTC, price: '1' }, 5_000, 'rest');
    clock.ms += 30;
    cache.put('binance', { pair: ETH, price: '1' }, 5_000, 'rest');
    cache.put('okx', { pair: BTC, price: '1' }, 5_000, 'rest');
    clock.ms += 600;
    cache.put('binance', { pair: SOL, price: '1' }, 5_000, 'rest'); // 630 ms later: beyond the window
    clock.ms = 1_000_000 + 4_000; // BTC is due
    const plan = planRefresh(registry.all(), view, clock.ms);
    expect(Object.fromEntries(plan.due)).toEqual({ binance: [BTC, ETH] });
    // okx had nothing due, so nothing of it moves early; SOL waits for its own time.
    expect(plan.nextDueAtMs).toBe(1_000_000 + 30 + 4_000);
  });

  it('moves nothing early that spacing or backoff holds back', () => {
    const { clock, cache, registry, view } = setup();
    registry.request(quoteSlot('binance', BTC), clock.ms);
    registry.request(quoteSlot('binance', ETH), clock.ms);
    cache.put('binance', { pair: BTC, price: '1' }, 5_000, 'rest');
    cache.put('binance', { pair: ETH, price: '1' }, 5_100, 'rest');
    registry.fetchStarted(quoteSlot('binance', ETH), clock.ms + 4_050);
    clock.ms += 4_000;
    expect(Object.fromEntries(planRefresh(registry.all(), view, clock.ms).due)).toEqual({ binance: [BTC] });
  });

  it('skips pairs in flight and honours spacing and failure backoff', () => {
    const { clock, registry, inFlight, view } = setup();
    registry.request(quoteSlot('binance', BTC), clock.ms);
    registry.request(quoteSlot('binance', ETH), clock.ms);
    inFlight.add('binance|BTC');
    registry.fetchStarted(quoteSlot('binance', ETH), clock.ms + 1_000);
    registry.fetchFinished(quoteSlot('binance', ETH), { kind: 'timeout', message: 'slow' }, clock.ms + 2_000);
    const plan = planRefresh(registry.all(), view, clock.ms);
    expect(plan.due.size).toBe(0);
    expect(plan.nextDueAtMs).toBe(clock.ms + 2_000);
    expect(registry.get(quoteSlot('binance', ETH))?.failures).toBe(1);
  });
});

describe('PairRegistry', () => {
  it('drops requested pairs idle for the timeout, never configured ones, and tells listeners', () => {
    const registry = new PairRegistry();
    const events: string[] = [];
    registry.subscribe({
      added: (s, pairs) => events.push(`+${s}:${pairs.map((p) => p.base).join()}`),
      removed: (s, pairs) => events.push(`-${s}:${pairs.map((p) => p.base).join()}`),
    });
    registry.request(quoteSlot('binance', BTC), 0, true);
    registry.request(quoteSlot('binance', ETH), 0);
    registry.request(quoteSlot('okx', ETH), 0);
    registry.request(quoteSlot('okx', ETH), 5_000);
    expect(registry.removeInactive(10_001, 10_000).map((r) => `${r.source}:${r.pair.base}`)).toEqual([
      'binance:ETH',
    ]);
    expect(registry.removeInactive(15_000, 10_000)).toEqual([]);
    expect(registry.removeInactive(15_001, 10_000).map((r) => r.source)).toEqual(['okx']);
    expect(registry.size).toBe(1);
    expect(events).toEqual(['+binance:BTC', '+binance:ETH', '+okx:ETH', '-binance:ETH', '-okx:ETH']);
  });
});
