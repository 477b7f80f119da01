/** Builders for request bodies shared by the functions and integration tests (and the demo). */
import { makeCreditCode, makeResidentId } from '../../core/index.ts';

let counter = 0;
const next = () => ++counter;

/** A valid unified social credit code, different on each call. */
const creditCode = (n = next() + Math.floor(Math.random() * 1e6)): string => makeCreditCode(`91110000${String(n).padStart(9, '0')}`.slice(0, 17));

/** A valid resident ID number born on `birthDate`, sequence `seq` (0–999). */
export const idNumber = (seq: number, birthDate = '1990-03-07', prefix = '110101'): string => makeResidentId(prefix, birthDate, seq % 1000);

export const platformBody = (overrides: Record<string, unknown> = {}) => ({
  name: '测试即时配送平台 Test Delivery',
  creditCode: creditCode(),
  industries: ['INSTANT_DELIVERY'],
  provinces: [
    { code: '110000', joinedOn: '2025-07-01' },
    { code: '130000', joinedOn: '2025-07-01' },
  ],
  ...overrides,
});

export const workerItem = (i: number, overrides: Record<string, unknown> = {}) => ({
  platformWorkerId: `rider-${i}`,
  name: `骑手${i}`,
  idNumber: idNumber(i, `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`),
  phone: `139${String(10_000_000 + i).slice(-8)}`,
  ...overrides,
});

export const orderItem = (i: number, overrides: Record<string, unknown> = {}) => ({
  orderId: `o-${i}`,
  platformWorkerId: 'rider-1',
  industry: 'INSTANT_DELIVERY',
  province: '110000',
  acceptedAt: '2025-08-01T10:05:00+08:00',
  finishedAt: '2025-08-01T10:40:00+08:00',
  ...overrides,
});

/** An order item as the orders table stores it (the stream's images in the projector and archiver tests). */
export const storedOrderImage = (n: number, overrides: Record<string, unknown> = {}) => ({
  pk: `plt_1#o-${n}`,
  platformId: 'plt_1',
  orderId: `o-${n}`,
  platformWorkerId: 'rider-1',
  workerId: 'wkr_1',
  industry: 'INSTANT_DELIVERY',
  chargedIndustry: 'INSTANT_DELIVERY',
  province: '110000',
  acceptedAt: '2025-08-01T10:00:00+08:00',
  finishedAt: '2025-08-01T10:30:00+08:00',
  date: '2025-08-01',
  receivedAt: '2025-08-01T03:00:00.000Z',
  ...overrides,
});

export const adminClaims = { role: 'admin', sub: 'admin-1' };
export const platformClaims = (platformId: string) => ({ role: 'platform', sub: `client-${platformId}`, platformId });
export const workerClaims = (workerId: string) => ({ role: 'worker', sub: `worker-${workerId}`, workerId });
export const handlerClaims = (provinces: string[] = ['110000']) => ({ role: 'handler', sub: 'handler-1', provinces });

/** The registry item of platform plt_a (FREIGHT, no province yet), as handler tests stub it in DynamoDB. */
export const storedPlatformA = {
  pk: 'PLATFORM#plt_a',
  sk: 'PROFILE',
  type: 'Platform',
  platformId: 'plt_a',
  name: 'A',
  creditCode: '91110000MA01ABCD1X',
  industries: ['FREIGHT'],
  provinces: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  version: 1,
};
