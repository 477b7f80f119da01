/**
 * A month whose orders have expired to the archive cannot be reopened (issue 18; D19): the order item is
 * the exactly-once key of the order's write (A8), so after its expiry a re-sent order would be stored and
 * counted again. The stack keeps the seeded `orderHotDaysAfterClose` (30 days after the close).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, shanghaiDate } from '../../core/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, orderItem, platformBody, platformClaims, workerItem } from '../support/fixtures.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ keepHistoricalOrdersHot: false });
});
afterAll(async () => {
  await stack?.stop();
});

describe('reopening a month after its orders expired (issue 18, D19)', () => {
  it('answers 409 MONTH_ARCHIVED and changes nothing; a month still hot reopens', async () => {
    const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    expect(created.status).toBe(201);
    const platformId = created.body.platformId as string;
    const token = platformClaims(platformId);
    expect((await stack.api('PUT', `/v1/platforms/${platformId}/workers`, { token, body: { workers: [workerItem(1)] } })).status).toBe(200);
    const declarationPath = (month: string) => `/v1/platforms/${platformId}/declarations/${month}`;

    // August 2025 closed at 2025-09-16T00:00+08:00; an administrator keeps its orders hot until the day
    // after tomorrow (a version in force on its closesOn). July 2025 keeps the seeded 30 days: long expired.
    const today = shanghaiDate(new Date());
    const hotDays = daysBetween('2025-09-16', addDays(today, 2));
    const version = await stack.api('PUT', '/v1/parameters', {
      token: adminClaims,
      body: { name: 'orderHotDaysAfterClose', scope: {}, effectiveFrom: '2025-09-01', value: hotDays },
    });
    expect(version.status).toBe(201);

    const refused = await stack.api('POST', `${declarationPath('2025-07')}/reopening`, { token: adminClaims, body: { reason: '平台接口故障，补报订单' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'MONTH_ARCHIVED', status: 409 });
    expect(refused.body.detail).toContain('2025-09-15T00:00:00+08:00');
    // Nothing changed: the month is still CLOSED and refuses its late orders.
    expect((await stack.api('GET', declarationPath('2025-07'), { token: adminClaims })).body.status).toBe('CLOSED');
    const late = await stack.api('POST', `/v1/platforms/${platformId}/orders`, {
      token,
      body: { orders: [orderItem(1, { acceptedAt: '2025-07-10T10:00:00+08:00', finishedAt: '2025-07-10T10:30:00+08:00' })] },
    });
    expect(late.body).toMatchObject({ accepted: 0, rejected: 1, results: [{ errors: [{ code: 'MONTH_CLOSED' }] }] });

    const reopened = await stack.api('POST', `${declarationPath('2025-08')}/reopening`, { token: adminClaims, body: { reason: '平台接口故障，补报订单' } });
    expect(reopened.status).toBe(200);
    expect(reopened.body.status).toBe('REOPENED');
  });
});
