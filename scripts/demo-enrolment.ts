/**
 * `npm run demo:enrolment`: a scripted walk through the enrolment and contributions slice over HTTP.
 * Registers a platform, 1,000 workers and 20,000 orders, re-sends one batch (nothing is counted twice)
 * and prints the August 2025 declaration. August 2025 has closed (D19: every month closes on the 15th of the
 * next), so the administrator first reopens it (补报) for this historical batch. Uses the stack at API_URL if set (e.g. a running `npm start`),
 * else starts the local stack in-process and stops it at the end.
 */
import { makeCreditCode, makeResidentId } from '../core/index.ts';
import { startLocalApp, type LocalApp } from '../local/app.ts';

const WORKERS = 1_000;
const ORDERS_PER_WORKER = 20;
const BATCH = 1_000;
const CONCURRENCY = 4;

let app: LocalApp | undefined;
const base = process.env.API_URL ?? (app = await startLocalApp({ port: 0, env: { POWERTOOLS_LOG_LEVEL: 'WARN' } })).url;

const call = async (method: string, path: string, body?: unknown, token?: string) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as any;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const token = async (claims: Record<string, unknown>) => (await call('POST', '/local/tokens', claims)).token as string;
const yuan = (fen: number) => `${Math.trunc(fen / 100).toLocaleString('en')}.${String(fen % 100).padStart(2, '0')} 元`;

try {
  const t0 = performance.now();
  const admin = await token({ role: 'admin', sub: 'demo-admin' });
  const creditCode = makeCreditCode(`9111000${String(Date.now()).slice(-10)}`);
  const platform = await call(
    'POST',
    '/v1/platforms',
    {
      name: '示例即时配送平台 Demo Instant Delivery',
      creditCode,
      industries: ['INSTANT_DELIVERY'],
      provinces: [
        { code: '110000', joinedOn: '2025-07-01' },
        { code: '130000', joinedOn: '2025-07-01' },
      ],
    },
    admin,
  );
  console.log(`platform ${platform.platformId} (${platform.name}), credit code ${creditCode}`);
  const pt = await token({ role: 'platform', sub: `client-${platform.platformId}`, platformId: platform.platformId });
  // Issue 18: a month's orders expire to the archive 30 days after its close, and an archived month cannot
  // be reopened (MONTH_ARCHIVED). A stage loading historical orders keeps them hot longer: a national
  // version of orderHotDaysAfterClose in force on 2025-08's close (re-sent on a later run: a replay).
  await call('PUT', '/v1/parameters', { name: 'orderHotDaysAfterClose', scope: {}, effectiveFrom: '2025-09-01', value: 3650 }, admin);
  const reopened = await call(
    'POST',
    `/v1/platforms/${platform.platformId}/declarations/2025-08/reopening`,
    { reason: '演示：补报 2025 年 8 月的历史订单' },
    admin,
  );
  console.log(`2025-08 closed on ${reopened.closesOn}; reopened by the administrator (补报): ${reopened.status}`);

  const workers = Array.from({ length: WORKERS }, (_, i) => ({
    platformWorkerId: `rider-${i}`,
    name: `骑手${i}`,
    idNumber: makeResidentId('110105', `19${75 + (i % 25)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, i % 1000),
  }));
  let registered = 0;
  for (let i = 0; i < WORKERS; i += 500) {
    const res = await call('PUT', `/v1/platforms/${platform.platformId}/workers`, { workers: workers.slice(i, i + 500) }, pt);
    registered += res.results.filter((r: { status: string }) => r.status === 'accepted').length;
  }
  const t1 = performance.now();
  console.log(`workers registered: ${registered}/${WORKERS} in ${((t1 - t0) / 1000).toFixed(1)} s`);

  // Each worker works one day in August 2025, 20 orders of 25 minutes from 08:00, in Beijing or Hebei.
  const orders = workers.flatMap((w, i) =>
    Array.from({ length: ORDERS_PER_WORKER }, (_, k) => {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const start = 8 * 60 + k * 30;
      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return {
        orderId: `ord-${i}-${k}`,
        platformWorkerId: w.platformWorkerId,
        industry: k % 4 === 0 ? 'FOOD_DELIVERY' : 'INSTANT_DELIVERY',
        province: i % 2 === 0 ? '110000' : '130000',
        acceptedAt: `2025-08-${day}T${hhmm(start)}:00+08:00`,
        finishedAt: `2025-08-${day}T${hhmm(start + 25)}:00+08:00`,
      };
    }),
  );
  const batches = Array.from({ length: orders.length / BATCH }, (_, b) => orders.slice(b * BATCH, (b + 1) * BATCH));
  const totals = { accepted: 0, duplicates: 0, updated: 0, rejected: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const res = await call('POST', `/v1/platforms/${platform.platformId}/orders`, { orders: batches[next++] }, pt);
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += res[k];
      }
    }),
  );
  const t2 = performance.now();
  console.log(
    `orders: ${JSON.stringify(totals)} in ${((t2 - t1) / 1000).toFixed(1)} s (${Math.round(orders.length / ((t2 - t1) / 1000))} orders/s, ${BATCH} per batch, ${CONCURRENCY} at a time)`,
  );

  const resend = await call('POST', `/v1/platforms/${platform.platformId}/orders`, { orders: batches[0] }, pt);
  console.log(`re-sent batch 1: accepted ${resend.accepted}, duplicates ${resend.duplicates} (nothing counted twice)`);

  const days = await call(
    'GET',
    `/v1/workers/${(await call('PUT', `/v1/platforms/${platform.platformId}/workers`, { workers: [workers[0]] }, pt)).results[0].workerId}/enrolment-days?from=2025-08-01&to=2025-08-31`,
    undefined,
    pt,
  );
  console.log(`rider-0 enrolment days: ${JSON.stringify(days.days)}`);

  const declaration = await call('GET', `/v1/platforms/${platform.platformId}/declarations/2025-08`, undefined, pt);
  console.log('\nDeclaration 2025-08 (缴费申报)');
  console.log('province  industry           orders   rate   amount');
  for (const l of declaration.lines) {
    console.log(`${l.province}    ${l.industry.padEnd(17)}  ${String(l.orders).padStart(6)}  ${String(l.rateFen).padStart(3)} fen  ${yuan(l.amountFen)}`);
  }
  console.log(`total ${yuan(declaration.totalFen)} (${declaration.totalFen} fen), status ${declaration.status}, provisional: ${declaration.provisional}`);
} finally {
  await app?.stop();
}
