import { describe, expect, it } from 'vitest';
import {
  applicationDeadline,
  applicationLateness,
  assessmentDue,
  SEEDED_CALENDARS,
  checkAssessmentWindow,
  confirmationDue,
  isLateApplication,
  reassessmentRequestDue,
  reviewEarliestDate,
  suspendedDays,
  WorkingDayCalendar,
} from '../../../core/index.ts';

describe('application deadline (D6)', () => {
  it('TV-D1: platform, injury Fri 2025-06-13 → 2025-06-18 (D6, D12)', () => {
    expect(applicationDeadline('2025-06-13', 'platform')).toEqual({ date: '2025-06-18', provisional: false });
  });

  it('TV-D2: platform, injury 2025-09-30 → Sat 2025-10-11, a make-up working day (D6, D12)', () => {
    expect(applicationDeadline('2025-09-30', 'platform')).toEqual({ date: '2025-10-11', provisional: false });
  });

  it('TV-D3: worker, relative and union get 30 calendar days, Sunday 07-13 moved to 07-14 (D6, D12 settles the shift)', () => {
    for (const applicant of ['worker', 'relative', 'union'] as const) {
      expect(applicationDeadline('2025-06-13', applicant)).toEqual({ date: '2025-07-14', provisional: false });
    }
  });

  it('flags a late application only after the deadline day (D6)', () => {
    expect(isLateApplication('2025-06-13', 'platform', '2025-06-18')).toBe(false);
    expect(isLateApplication('2025-06-13', 'platform', '2025-06-19')).toBe(true);
    expect(isLateApplication('2025-06-13', 'worker', '2025-07-14')).toBe(false);
    expect(isLateApplication('2025-06-13', 'worker', '2025-07-15', new WorkingDayCalendar())).toBe(true);
  });

  it('is provisional in a year without an arrangement (D12)', () => {
    expect(applicationDeadline('2027-03-05', 'platform')).toEqual({ date: '2027-03-10', provisional: true });
  });

  it('requires the late explanation only against a final deadline: a provisional one never blocks a case (D6, D12)', () => {
    expect(applicationLateness('2025-06-13', 'platform', '2025-06-19')).toEqual({
      due: { date: '2025-06-18', provisional: false },
      late: true,
      explanationRequired: true,
    });
    expect(applicationLateness('2025-06-13', 'platform', '2025-06-18')).toEqual({
      due: { date: '2025-06-18', provisional: false },
      late: false,
      explanationRequired: false,
    });
    // injury Thu 2026-12-31, no 2027 arrangement: weekends only → due Tue 2027-01-05 (provisional); filed 01-06
    expect(applicationLateness('2026-12-31', 'platform', '2027-01-06')).toEqual({
      due: { date: '2027-01-05', provisional: true },
      late: true,
      explanationRequired: false,
    });
  });

  it('settles a provisional lateness once the year is loaded: derived again with the loaded calendar (D12)', () => {
    const with2027 = new WorkingDayCalendar([...SEEDED_CALENDARS, { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] }]);
    expect(applicationLateness('2026-12-31', 'platform', '2027-01-06', with2027)).toEqual({
      due: { date: '2027-01-06', provisional: false },
      late: false,
      explanationRequired: false,
    });
    expect(applicationLateness('2026-12-31', 'platform', '2027-01-07', with2027)).toMatchObject({ late: true, explanationRequired: true });
  });
});

describe('confirmation due (D7)', () => {
  it("TV-D7: opened 2025-07-01 → 60 days is Sat 2025-08-30, moved to Mon 2025-09-01 (D12 overrides the rulebook's 08-30)", () => {
    expect(confirmationDue('2025-07-01', [], '2025-07-05')).toEqual({ date: '2025-09-01', provisional: false, suspendedDays: 0, suspended: false });
  });

  it('TV-D7: suspended 2025-07-10 → 2025-08-09 (30 days) moves the due date to 2025-09-29 (D7)', () => {
    expect(confirmationDue('2025-07-01', [{ from: '2025-07-10', to: '2025-08-09' }], '2025-08-20')).toEqual({
      date: '2025-09-29',
      provisional: false,
      suspendedDays: 30,
      suspended: false,
    });
  });

  it('counts an open suspension up to asOf and reports it (D7)', () => {
    const r = confirmationDue('2025-07-01', [{ from: '2025-07-10' }], '2025-07-20');
    expect(r.suspendedDays).toBe(10);
    expect(r.suspended).toBe(true);
  });

  it('counts overlapping suspensions once and ignores empty ones', () => {
    expect(
      suspendedDays(
        [
          { from: '2025-07-20', to: '2025-07-25' },
          { from: '2025-07-10', to: '2025-07-22' },
          { from: '2025-07-12', to: '2025-07-15' },
          { from: '2025-07-30', to: '2025-07-30' },
          { from: '2025-08-01', to: '2025-08-03' },
        ],
        '2025-09-01',
      ),
    ).toBe(15 + 2);
    expect(suspendedDays([], '2025-09-01')).toBe(0);
  });
});

describe('assessment deadlines and windows (D8)', () => {
  it('TV-D4: entered 2025-06-02 → due Fri 2025-08-01; with the extension Sun 08-31 → Mon 2025-09-01 (D8, D12)', () => {
    expect(assessmentDue('2025-06-02', false)).toEqual({ date: '2025-08-01', provisional: false });
    expect(assessmentDue('2025-06-02', true)).toEqual({ date: '2025-09-01', provisional: false });
  });

  it('TV-D5: conclusion 2025-05-20 → re-assessment may be requested up to 2025-06-04 inclusive (D8)', () => {
    expect(reassessmentRequestDue('2025-05-20')).toEqual({ date: '2025-06-04', provisional: false });
    expect(checkAssessmentWindow('reassessment', '2025-05-20', '2025-06-04')).toEqual({ ok: true });
    expect(checkAssessmentWindow('reassessment', '2025-05-20', '2025-05-20')).toEqual({ ok: true });
    expect(checkAssessmentWindow('reassessment', '2025-05-20', '2025-06-05')).toEqual({
      ok: false,
      reason: 'REASSESSMENT_WINDOW_CLOSED',
      window: { from: '2025-05-20', to: '2025-06-04' },
    });
  });

  it('re-assessment window ending on a holiday moves to the next working day (D12)', () => {
    // 2025-09-16 + 15 = 2025-10-01 (National Day) → 2025-10-09.
    expect(reassessmentRequestDue('2025-09-16')).toEqual({ date: '2025-10-09', provisional: false });
  });

  it('TV-D6: conclusion 2025-08-01 → review from 2026-08-01 (D8 settles "from one year after")', () => {
    expect(reviewEarliestDate('2025-08-01')).toBe('2026-08-01');
    expect(reviewEarliestDate('2024-02-29')).toBe('2025-02-28');
    expect(checkAssessmentWindow('review', '2025-08-01', '2026-08-01')).toEqual({ ok: true });
    expect(checkAssessmentWindow('review', '2025-08-01', '2026-07-31')).toEqual({ ok: false, reason: 'REVIEW_TOO_EARLY', window: { from: '2026-08-01' } });
  });

  it('an initial assessment is always in its window; others need a previous conclusion not in the future', () => {
    expect(checkAssessmentWindow('initial', undefined, '2025-01-01')).toEqual({ ok: true });
    expect(checkAssessmentWindow('review', undefined, '2025-01-01')).toEqual({ ok: false, reason: 'NO_PREVIOUS_CONCLUSION' });
    expect(checkAssessmentWindow('reassessment', '2025-05-20', '2025-05-19')).toEqual({ ok: false, reason: 'BEFORE_PREVIOUS_CONCLUSION' });
  });
});
