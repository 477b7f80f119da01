import { describe, expect, it } from 'vitest';
import {
  acceptsStep,
  APPLICANT_TYPES_BY_ROLE,
  applicantTypeAllowed,
  CASE_STATUSES,
  checkOrderTimes,
  classifyResentOrder,
  resentOrderDifferences,
  CONFIRMATION_BASES,
  coverageAt,
  isPlatformEnrolled,
  pilotStartOf,
  suddenIllnessDeathDeemable,
  validateConfirmation,
  type OrderRecord,
} from '../../../core/index.ts';

describe('confirmation (D7)', () => {
  it('accepts a basis that belongs to the outcome', () => {
    expect(validateConfirmation({ outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC' })).toEqual([]);
    expect(validateConfirmation({ outcome: 'DEEMED', basis: 'RESCUE_PUBLIC_INTEREST' })).toEqual([]);
  });

  it('TV-E6: a drunk rider is NOT_CONFIRMED with INTOXICATION and a written reason (D7)', () => {
    expect(validateConfirmation({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['blood alcohol 1.2 mg/ml'] })).toEqual([]);
    expect(validateConfirmation({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION' })).toEqual([
      { path: 'reasons', message: 'a refusal needs at least one written reason' },
    ]);
    expect(validateConfirmation({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: [' '] })).toHaveLength(1);
  });

  it('TV-E9: travel to a pickup with the worker mainly at fault is refused as TRAFFIC_MAIN_FAULT, not confirmable as ORDER_TASK_TRAFFIC (D7 settles the switch)', () => {
    expect(CONFIRMATION_BASES.NOT_CONFIRMED).toContain('TRAFFIC_MAIN_FAULT');
    expect(validateConfirmation({ outcome: 'CONFIRMED', basis: 'TRAFFIC_MAIN_FAULT' })).toEqual([
      { path: 'basis', message: 'TRAFFIC_MAIN_FAULT is not a basis of CONFIRMED' },
    ]);
  });

  it('TV-E7 / TV-E8: a sudden-illness death is deemed within 48 hours (30 h yes, 60 h no) (D7)', () => {
    expect(suddenIllnessDeathDeemable('2025-08-01T10:00:00+08:00', '2025-08-02T16:00:00+08:00')).toBe(true);
    expect(suddenIllnessDeathDeemable('2025-08-01T10:00:00+08:00', '2025-08-03T10:00:00+08:00')).toBe(true);
    expect(suddenIllnessDeathDeemable('2025-08-01T10:00:00+08:00', '2025-08-03T22:00:00+08:00')).toBe(false);
    expect(suddenIllnessDeathDeemable('2025-08-01T10:00:00+08:00', '2025-08-01T09:00:00+08:00')).toBe(false);
    expect(() => suddenIllnessDeathDeemable('x', '2025-08-01T09:00:00+08:00')).toThrow(RangeError);
    expect(() => suddenIllnessDeathDeemable('2025-08-01T09:00:00+08:00', 'x')).toThrow(RangeError);
  });
});

describe('order intake (D2, D3)', () => {
  const now = new Date('2025-08-01T12:00:00+08:00');

  it('rejects unreadable times, finishedAt before acceptedAt and acceptedAt over 5 minutes ahead', () => {
    expect(checkOrderTimes({ acceptedAt: '2025-08-01T12:05:00+08:00', finishedAt: '2025-08-01T12:05:00+08:00' }, now)).toEqual([]);
    expect(checkOrderTimes({ acceptedAt: '2025-08-01T12:05:01+08:00' }, now)).toEqual([
      { path: 'acceptedAt', message: 'must not be more than 5 minutes in the future' },
    ]);
    expect(checkOrderTimes({ acceptedAt: '2025-08-01T12:00:00' }, now)).toEqual([{ path: 'acceptedAt', message: 'must be an RFC 3339 time with an offset' }]);
    expect(checkOrderTimes({ acceptedAt: '2025-08-01T11:00:00+08:00', finishedAt: '2025-08-01T10:59:59+08:00' }, now)).toEqual([
      { path: 'finishedAt', message: 'must not be before acceptedAt' },
    ]);
    expect(checkOrderTimes({ acceptedAt: '2025-08-01T11:00:00+08:00', finishedAt: 'soon' }, now)).toEqual([
      { path: 'finishedAt', message: 'must be an RFC 3339 time with an offset' },
    ]);
  });

  it('TV-E4 / TV-E5 / TV-C6: enrolment starts on joinedOn (D2)', () => {
    const didi = [{ code: '110000', joinedOn: '2025-07-01' }];
    expect(isPlatformEnrolled(didi, '110000', '2025-06-15')).toBe(false);
    expect(isPlatformEnrolled(didi, '110000', '2025-07-02')).toBe(true);
    expect(isPlatformEnrolled(didi, '310000', '2025-07-02')).toBe(false);
    const e5 = coverageAt({
      at: new Date('2025-07-02T09:10:00+08:00'),
      workerKnown: true,
      platformEnrolled: isPlatformEnrolled(didi, '110000', '2025-07-02'),
      orders: [{ orderId: 'trip', acceptedAt: '2025-07-02T09:00:00+08:00' }],
      openOrderCoverHours: 6,
      coverGraceMinutes: 0,
    });
    expect(e5).toEqual({ covered: true, orderId: 'trip', reason: 'COVERED' });
    // TV-C6: Hebei joined on 2025-07-01, so an order of 2025-06-30 there is rejected and never charged.
    expect(isPlatformEnrolled([{ code: '130000', joinedOn: pilotStartOf('130000')! }], '130000', '2025-06-30')).toBe(false);
  });

  it('classifies re-sent orders: duplicate, updated with a new finishedAt, otherwise a conflict (D3)', () => {
    const o: OrderRecord = { orderId: 'o1', platformWorkerId: 'w1', industry: 'FREIGHT', province: '110000', acceptedAt: '2025-08-01T10:00:00+08:00' };
    const done = { ...o, finishedAt: '2025-08-01T11:00:00+08:00' };
    expect(classifyResentOrder(o, { ...o, acceptedAt: '2025-08-01T02:00:00Z' })).toBe('duplicate');
    expect(classifyResentOrder(o, done)).toBe('updated');
    expect(classifyResentOrder(done, done)).toBe('duplicate');
    expect(classifyResentOrder(done, o)).toBe('duplicate');
    expect(classifyResentOrder(done, { ...done, finishedAt: '2025-08-01T11:30:00+08:00' })).toBe('conflict');
    expect(classifyResentOrder(o, { ...o, province: '310000' })).toBe('conflict');
    expect(classifyResentOrder(o, { ...o, platformWorkerId: 'w2' })).toBe('conflict');
    expect(classifyResentOrder(o, { ...o, industry: 'RIDE_HAILING' })).toBe('conflict');
    expect(classifyResentOrder(o, { ...o, acceptedAt: '2025-08-01T10:00:01+08:00' })).toBe('conflict');
    expect(resentOrderDifferences(done, { ...done, province: '310000', finishedAt: '2025-08-01T11:30:00+08:00' })).toEqual(['province', 'finishedAt']);
    expect(resentOrderDifferences(o, done)).toEqual([]);
  });
});

describe('case statuses and applicants (contract, D6)', () => {
  it('accepts only the steps the contract lists per status', () => {
    expect(acceptsStep('UNDER_REVIEW', 'confirmation')).toBe(true);
    expect(acceptsStep('NOT_CONFIRMED', 'expenses')).toBe(false);
    expect(acceptsStep('PAID', 'reassessment')).toBe(true);
    expect(acceptsStep('CLOSED', 'reassessment')).toBe(false);
    expect(acceptsStep('CLOSED', 'review')).toBe(true);
    expect(CASE_STATUSES).toHaveLength(9);
  });

  it('accepts the assessment extension (D8 +30) only while awaiting the assessment', () => {
    expect(CASE_STATUSES.filter((s) => acceptsStep(s, 'assessment-extension'))).toEqual(['AWAITING_ASSESSMENT']);
  });

  it('a platform applies as platform, a worker as worker, staff for a relative or union (D6)', () => {
    expect(applicantTypeAllowed('platform', 'platform')).toBe(true);
    expect(applicantTypeAllowed('platform', 'worker')).toBe(false);
    expect(applicantTypeAllowed('worker', 'worker')).toBe(true);
    expect(applicantTypeAllowed('handler', 'union')).toBe(true);
    expect(applicantTypeAllowed('handler', 'platform')).toBe(false);
  });

  it('finance opens no case: it only moves money (D15)', () => {
    expect(APPLICANT_TYPES_BY_ROLE.finance).toEqual([]);
    for (const applicant of ['platform', 'worker', 'relative', 'union'] as const) expect(applicantTypeAllowed('finance', applicant)).toBe(false);
  });
});
