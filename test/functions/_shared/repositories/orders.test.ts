/**
 * The orders repository's pure parts: how a batch is cut into transactions (planChunks) and the
 * continuation items of orders longer than 24 h. Writing them through the handler:
 * test/functions/orders/handler.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
  process.env.ORDERS_TABLE = 'orders';
  process.env.LEDGER_TABLE = 'ledger';
});

const repo = await import('../../../../functions/_shared/repositories/orders.ts');
const core = await import('../../../../core/index.ts');
const { planChunks } = repo;

const shuffled = <T>(items: readonly T[]): T[] => [...items].sort(() => Math.random() - 0.5);

describe('planChunks: transactions of at most 100 actions, near one write per order', () => {
  const order = (worker: number, day: number, n: number) => ({
    platformId: 'p',
    orderId: `o-${worker}-${day}-${n}`,
    platformWorkerId: `w${worker}`,
    workerId: `wkr_${String(worker).padStart(4, '0')}`,
    industry: 'INSTANT_DELIVERY' as const,
    chargedIndustry: 'INSTANT_DELIVERY' as const,
    province: '110000',
    acceptedAt: `2025-08-0${day}T10:00:00+08:00`,
    date: `2025-08-0${day}`,
  });

  it("keeps every order exactly once and every transaction within DynamoDB's 100-action limit", () => {
    // The standard workload's shape: 20 orders per worker-day, shuffled.
    const orders = shuffled(Array.from({ length: 1000 }, (_, i) => order(i % 50, 1 + (i % 2), i)));

    const chunks = planChunks(orders, () => 0);

    const ids = chunks.flatMap((c) => c.orders.map((o) => o.orderId));
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toHaveLength(1000);
    let actions = 0;
    for (const c of chunks) {
      const days = new Set(c.orders.map((o) => `${o.workerId}|${o.date}`)).size;
      const fees = new Set(c.orders.map((o) => o.date)).size;
      const n = c.orders.length + days + fees;
      expect(n).toBeLessThanOrEqual(100);
      actions += n;
    }
    expect(actions).toBeLessThanOrEqual(1100);
  });
});

describe('continuation items of orders longer than 24 h (D4, docs/data-model.md A14)', () => {
  const HOUR = 3_600_000;
  const long = (orderId: string, hours: number, acceptedAt = '2025-08-01T10:00:00+08:00') => ({
    platformId: 'plt_1',
    orderId,
    platformWorkerId: 'rider-1',
    workerId: 'wkr_rider-1',
    industry: 'INSTANT_DELIVERY' as const,
    chargedIndustry: 'INSTANT_DELIVERY' as const,
    province: '110000',
    acceptedAt,
    finishedAt: new Date(new Date(acceptedAt).getTime() + hours * HOUR).toISOString(),
    date: '2025-08-01',
  });

  it('has none for an open order or one of at most 24 h, and one per further started 24 h, keyed by order and k', () => {
    expect(repo.continuationItems({ ...long('a', 1), finishedAt: undefined })).toEqual([]);
    expect(repo.continuationItems(long('a', 24))).toEqual([]);
    expect(repo.continuationItems(long('a', 24 + 1 / 3_600_000))).toHaveLength(1);
    expect(repo.continuationItems(long('a', 48))).toHaveLength(1);
    expect(repo.continuationItems(long('a', 48.01))).toHaveLength(2);

    const [item, ...rest] = repo.continuationItems(long('o-9', 30));

    expect(rest).toEqual([]);
    expect(item).toEqual({
      pk: 'plt_1#o-9#+1',
      wk: 'wkr_rider-1#plt_1',
      at: '2025-08-02T02:00:00.000Z#o-9#+1',
      continuationOf: 'o-9',
      orderId: 'o-9',
      province: '110000',
      industry: 'INSTANT_DELIVERY',
      acceptedAt: '2025-08-01T10:00:00+08:00',
      finishedAt: '2025-08-02T08:00:00.000Z',
    });
    // No item carries what the counters or the exactly-once check read.
    expect(item).not.toHaveProperty('date');
    expect(item).not.toHaveProperty('chargedIndustry');
    // The same order gives the same items: re-writing them is idempotent.
    expect(repo.continuationItems(long('o-9', 30))).toEqual([item]);
  });

  it('puts every instant of an order and of its grace period within the coverage look-back of one of its index items, under every rule table', () => {
    for (const table of core.RULE_TABLES) {
      expect(table.coverage.queryLookbackHours).toBeGreaterThanOrEqual(repo.CONTINUATION_STEP_HOURS);
      for (const coverGraceMinutes of [0, 5, 30, 90]) {
        for (const openOrderCoverHours of [1, 6, 48]) {
          const lookbackMs = core.coverageLookbackHours({ openOrderCoverHours, coverGraceMinutes }, table.effectiveFrom) * HOUR;
          for (const hours of [0, 1, 23.99, 24, 24.001, 30, 47, 48, 48.02, 71.5, 24 * 10 + 0.3]) {
            const order = long('x', hours);
            const accepted = new Date(order.acceptedAt).getTime();
            const end = new Date(order.finishedAt).getTime() + coverGraceMinutes * 60_000;

            const ats = [accepted, ...repo.continuationItems(order).map((i) => Date.parse((i.at as string).split('#')[0]!))];

            for (let t = accepted; t <= end + 1; t += 19 * 60_000) {
              const probe = Math.min(t, end);
              expect(
                ats.some((at) => at <= probe && at >= probe - lookbackMs),
                `${table.id} grace ${coverGraceMinutes} span ${hours} h t+${(probe - accepted) / HOUR} h`,
              ).toBe(true);
            }
          }
        }
      }
    }
  });

  it('plans an order with its continuation items as actions of its transaction: ≤ 100 each, ordinary orders unaffected', () => {
    const ordinary = Array.from({ length: 300 }, (_, i) => ({ ...long(`n-${i}`, 0.5), workerId: `wkr_${i % 15}` }));
    const longer = [long('l-30', 30), long('l-200d', 24 * 200), ...Array.from({ length: 40 }, (_, i) => long(`l-10d-${i}`, 24 * 10))];

    const chunks = planChunks(shuffled([...ordinary, ...longer]), () => 0);

    expect(chunks.flatMap((c) => c.orders.map((o) => o.orderId)).sort()).toEqual([...ordinary, ...longer].map((o) => o.orderId).sort());
    for (const c of chunks) {
      const days = new Set(c.orders.map((o) => `${o.workerId}|${o.date}|${o.province}`)).size;
      const fees = new Set(c.orders.map((o) => `${o.province}|${o.chargedIndustry}|${o.date}`)).size;
      const continuations = c.orders.reduce((n, o) => n + Math.min(repo.continuationCount(o), repo.MAX_CONTINUATIONS_IN_TRANSACTION), 0);
      expect(c.orders.length + continuations + days + fees).toBeLessThanOrEqual(100);
    }
    expect(repo.continuationCount(long('l-200d', 24 * 200))).toBe(199);
    expect(chunks.find((c) => c.orders.some((o) => o.orderId === 'l-200d'))!.orders).toHaveLength(1);
    // Ordinary orders only: one action per order, exactly as before.
    expect(planChunks(ordinary, () => 0).reduce((n, c) => n + c.orders.length, 0)).toBe(300);
    expect(ordinary.every((o) => repo.orderActions(o) === 1)).toBe(true);
  });
});
