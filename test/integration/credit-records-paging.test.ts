/**
 * `GET /v1/credit-records` pages (`limit`, `nextToken`) on the local stack: three platforms' unpaid bills
 * closed by the scheduled month close give three records, read page by page without loss or repetition,
 * with the status filter applied across pages; a token is good only for the list it came from (another
 * platform's list, a forged or garbled token → 400 naming `nextToken`, never a 500).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, closesOn, shanghaiMonth, shanghaiStartOfDay } from '../../core/index.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { PROVINCE, registerWorker, setUpWorld, type World } from './cases-fixtures.ts';

let stack: TestStack;
let sfn: LocalStepFunctions;
const worlds: World[] = [];
const now = new Date();
const month = shanghaiMonth(now);
/** 00:00 Asia/Shanghai after closesOn (due day 15): the moment the month becomes CLOSED. */
const closingMoment = shanghaiStartOfDay(addDays(closesOn(month, 15), 1));
/** A moment of this month, not in the future. */
const inMonth = new Date(Math.min(new Date(`${month}-01T09:00:00+08:00`).getTime(), now.getTime() - 60_000));

const get = (path: string, token = worlds[0]!.tokens.admin) => worlds[0]!.api('GET', path, { token });
const recordOf = (w: World) => `CR-UNPAID-${w.platformId}-${month}`;
const forge = (t: unknown) => Buffer.from(JSON.stringify(t)).toString('base64url');

/** Every page of a list, following nextToken; the page sizes seen. */
async function allPages(query: string, token?: string) {
  const items: any[] = [];
  const sizes: number[] = [];
  let next: string | undefined;
  for (let i = 0; i < 50; i++) {
    const res = await get(`/v1/credit-records?${query}${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    sizes.push(res.body.items.length);
    next = res.body.nextToken;
    if (!next) return { items, sizes };
  }
  throw new Error('more than 50 pages');
}

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  stack = await startTestStack({ services: [sfn] });
  for (let i = 0; i < 3; i++) {
    const world = await setUpWorld(
      (m, p, o) => stack.api(m, p, o),
      (c) => stack.token(c),
    );
    worlds.push(world);
    const worker = await registerWorker(world);
    const order = {
      orderId: `o-${randomBytes(5).toString('hex')}`,
      platformWorkerId: worker.platformWorkerId,
      industry: 'INSTANT_DELIVERY',
      province: PROVINCE,
    };
    const res = await world.api('POST', `/v1/platforms/${world.platformId}/orders`, {
      token: world.tokens.platform,
      body: { orders: [{ ...order, acceptedAt: inMonth.toISOString() }] },
    });
    expect(res.body.accepted).toBe(1);
  }
  const closed = await sfn.monthCloseNow(closingMoment);
  expect(closed.closed).toBeGreaterThanOrEqual(3);
});
afterAll(async () => {
  await stack?.stop();
});

describe('credit records, page by page (D19)', () => {
  it('pages of 2 list every record once, oldest first, the last page without nextToken', async () => {
    const first = await get('/v1/credit-records?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextToken).toEqual(expect.any(String));
    const { items, sizes } = await allPages('limit=2');
    expect(sizes.slice(0, -1).every((n) => n === 2)).toBe(true);
    const ids = items.map((r) => r.recordId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(worlds.map(recordOf)));
    const since = items.map((r) => r.since);
    expect(since).toEqual([...since].sort());
    // The same records as one big page.
    expect((await get('/v1/credit-records?limit=500')).body.items).toEqual(items);
  });

  it('the status filter holds across pages: a settled bill (listed on its declaration) is resolved, the others stay open', async () => {
    const paid = worlds[1]!;
    const bill = (await get(`/v1/platforms/${paid.platformId}/declarations/${month}`)).body;
    expect(bill.status).toBe('CLOSED');
    const settled = await paid.api('POST', `/v1/platforms/${paid.platformId}/declarations/${month}/settlements`, {
      token: paid.tokens.admin,
      body: { amountFen: bill.dueFen, paidOn: addDays(closesOn(month, 15), 2) },
    });
    expect(settled.status).toBe(201);
    // The bill lists the settlement it now counts (extension `settlements`).
    const after = (await get(`/v1/platforms/${paid.platformId}/declarations/${month}`)).body;
    expect(after).toMatchObject({ settledFen: bill.dueFen, dueFen: 0 });
    expect(after.settlements).toEqual([
      {
        settlementId: settled.body.settlementId,
        amountFen: bill.dueFen,
        paidOn: settled.body.paidOn,
        recordedAt: settled.body.recordedAt,
        recordedBy: settled.body.recordedBy,
      },
    ]);
    expect(bill.settlements).toEqual([]);
    const open = await allPages('status=open&limit=1');
    const openIds = open.items.map((r) => r.recordId);
    expect(openIds).toEqual(expect.arrayContaining([recordOf(worlds[0]!), recordOf(worlds[2]!)]));
    expect(openIds).not.toContain(recordOf(paid));
    expect(open.items.every((r) => r.status === 'open')).toBe(true);
    const resolved = await allPages('status=resolved&limit=1');
    expect(resolved.items.map((r) => r.recordId)).toContain(recordOf(paid));
    expect(resolved.items.every((r) => r.status === 'resolved')).toBe(true);
  });

  it("one platform's list pages on its own records; a platform reads only its own", async () => {
    const w = worlds[2]!;
    const { items } = await allPages(`platformId=${w.platformId}&limit=1`);
    expect(items.map((r) => r.recordId)).toEqual([recordOf(w)]);
    const own = await allPages('limit=1', w.tokens.platform);
    expect(own.items.map((r) => r.recordId)).toEqual([recordOf(w)]);
  });

  it('a token from another list, forged or garbled → 400 naming nextToken; a bad limit → 400 naming limit', async () => {
    const token = (await get('/v1/credit-records?limit=1')).body.nextToken as string;
    expect(token).toEqual(expect.any(String));
    const [a, b] = [worlds[0]!, worlds[1]!];
    const aToken = (await get(`/v1/credit-records?platformId=${a.platformId}&limit=1`)).body.nextToken as string | undefined;
    const refused = [
      // The all-platforms list's token used for one platform's list.
      `platformId=${a.platformId}&nextToken=${encodeURIComponent(token)}`,
      // A token of platform A's records presented by platform B (or for B's list).
      ...(aToken ? [`platformId=${b.platformId}&nextToken=${encodeURIComponent(aToken)}`] : []),
      `nextToken=${forge({ p: 0, k: { pk: 'CASE#C1', sk: 'CASE', gsi2pk: 'CREDITS', gsi2sk: 'x' } })}`,
      `nextToken=${forge({ p: 0, k: { pk: 'CREDIT#x', sk: 'CREDIT', gsi2pk: 'CREDITS', gsi2sk: 1 } })}`,
      `nextToken=${forge({ p: 1 })}`,
      `nextToken=${forge({ p: 0, k: [] })}`,
      'nextToken=not-a-token',
      `nextToken=${forge('x')}`,
    ];
    for (const q of refused) {
      const res = await get(`/v1/credit-records?${q}`);
      expect(res.status, q).toBe(400);
      expect(
        res.body.errors.map((e: any) => e.path),
        q,
      ).toEqual(['nextToken']);
    }
    if (aToken) {
      const res = await get(`/v1/credit-records?nextToken=${encodeURIComponent(aToken)}`, b.tokens.platform);
      expect(res.status).toBe(400);
    }
    for (const limit of ['0', '501', '1.5', 'x']) {
      const res = await get(`/v1/credit-records?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.body.errors.map((e: any) => e.path)).toEqual(['limit']);
    }
  });
});
