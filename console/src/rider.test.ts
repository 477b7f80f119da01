/** The rider's pure helpers (rider-labels.ts): progress of a status, the typed Beijing time. */
import { describe, expect, it } from 'vitest';
import { CASE_STATUS } from './format.ts';
import { daysBefore, progressOf, STATUS_PLAIN, shanghaiInstant } from './rider-labels.ts';

describe('the rider labels', () => {
  it('says every case status in plain words', () => {
    for (const status of Object.keys(CASE_STATUS)) expect(STATUS_PLAIN[status], status).toMatch(/[\u4e00-\u9fff]/);
  });

  it('places each status on 确认 → 鉴定 → 待遇 → 支付', () => {
    expect(progressOf('UNDER_REVIEW')).toEqual({ current: 0, state: 'process' });
    expect(progressOf('NOT_CONFIRMED')).toEqual({ current: 0, state: 'error' });
    expect(progressOf('AWAITING_ASSESSMENT')).toEqual({ current: 1, state: 'process' });
    expect(progressOf('AWAITING_DEPENDANTS')).toEqual({ current: 1, state: 'process' });
    expect(progressOf('AWAITING_APPROVAL')).toEqual({ current: 2, state: 'process' });
    expect(progressOf('RETURNED')).toEqual({ current: 2, state: 'process' });
    expect(progressOf('APPROVED')).toEqual({ current: 3, state: 'process' });
    expect(progressOf('PAID')).toEqual({ current: 3, state: 'finish' });
    expect(progressOf('CLOSED')).toEqual({ current: 3, state: 'finish' });
  });

  it('reads a typed date-time as Beijing time, whatever the zone of the machine (TZ=America/New_York here)', () => {
    expect(shanghaiInstant('2026-12-07T08:30')).toBe('2026-12-07T08:30:00+08:00');
    expect(shanghaiInstant('2026-12-07T08:30:15')).toBe('2026-12-07T08:30:00+08:00');
    expect(new Date(shanghaiInstant('2026-12-07T08:30')!).toISOString()).toBe('2026-12-07T00:30:00.000Z');
    expect(shanghaiInstant('')).toBeUndefined();
    expect(shanghaiInstant('2026-12-07')).toBeUndefined();
  });

  it('counts calendar days back across months and years', () => {
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(daysBefore('2027-01-01', 1)).toBe('2026-12-31');
    expect(daysBefore('2026-12-07', 0)).toBe('2026-12-07');
  });
});
