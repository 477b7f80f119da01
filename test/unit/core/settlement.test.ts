import { describe, expect, it } from 'vitest';
import {
  closedByDate,
  closesOn,
  computeEmploymentReport,
  creditOnClose,
  declarationStatus,
  dueFen,
  EMPLOYMENT_REPORT_HEADERS,
  employmentReportCsv,
  employmentReportRows,
  lateReportRecord,
  lateReportRecordId,
  monthDueDay,
  monthsToBackfill,
  monthsToClose,
  NATIONAL_DEFAULT_PARAMETERS,
  type ParameterVersion,
  settlementResolves,
  unpaidRecordId,
} from '../../../core/index.ts';

describe('month close (D19)', () => {
  it('closesOn is day contributionDueDay of the following month; the national default is 15', () => {
    const dueDay = monthDueDay(NATIONAL_DEFAULT_PARAMETERS, '2026-10');
    expect(dueDay).toBe(15);
    expect(closesOn('2025-08', dueDay)).toBe('2025-09-15');
    expect(closesOn('2025-12', 5)).toBe('2026-01-05');
    expect(() => closesOn('2025-13', 15)).toThrow(RangeError);
    expect(() => closesOn('2025-08', 29)).toThrow(RangeError);
    expect(() => closesOn('2025-08', 0)).toThrow(RangeError);
    expect(() => closesOn('2025-08', 1.5)).toThrow(RangeError);
  });

  it('every month has a due day: the version in force on the 1st of the following month, else the first version', () => {
    // Seeded from the pilot's start: the months of 2022 to 2025 close too (contract, v2 clarifications).
    for (const month of ['2022-06', '2022-07', '2025-08', '2026-10', '2030-01']) expect(monthDueDay(NATIONAL_DEFAULT_PARAMETERS, month)).toBe(15);
    const v = (effectiveFrom: string, value: number, scope = {}): ParameterVersion => ({ name: 'contributionDueDay', scope, effectiveFrom, value });
    const versions = [v('2026-11-01', 10), v('2024-01-01', 20), v('2022-07-01', 15), v('2020-01-01', 3, { province: '110000' })];
    // The version in force on the first day of the following month decides.
    expect(monthDueDay(versions, '2026-10')).toBe(10);
    expect(monthDueDay(versions, '2026-09')).toBe(20);
    expect(monthDueDay(versions, '2023-12')).toBe(20);
    expect(monthDueDay(versions, '2023-11')).toBe(15);
    // Older than every version: the first national version (never a scoped one).
    expect(monthDueDay(versions, '2021-03')).toBe(15);
    expect(monthDueDay([v('2024-01-01', 20), v('2022-07-01', 15)].reverse(), '2019-01')).toBe(15);
    expect(() => monthDueDay([], '2025-08')).toThrow(RangeError);
    expect(() => monthDueDay([v('2020-01-01', 3, { province: '110000' })], '2025-08')).toThrow(RangeError);
    expect(() => monthDueDay(versions, '2025-13')).toThrow(RangeError);
  });

  it('a month is CLOSED from the day after closesOn, unless reopened', () => {
    expect(closedByDate('2025-08', 15, '2025-09-15')).toBe(false);
    expect(closedByDate('2025-08', 15, '2025-09-16')).toBe(true);
    expect(declarationStatus('2025-08', 15, '2025-09-15', undefined)).toBe('OPEN');
    expect(declarationStatus('2025-08', 15, '2025-09-16', undefined)).toBe('CLOSED');
    expect(declarationStatus('2025-08', 15, '2025-09-16', { status: 'CLOSED' })).toBe('CLOSED');
    expect(declarationStatus('2025-08', 15, '2025-10-01', { status: 'REOPENED' })).toBe('REOPENED');
    // The stored close is final even if asked about an earlier day.
    expect(declarationStatus('2025-08', 15, '2025-09-01', { status: 'CLOSED' })).toBe('CLOSED');
  });

  it('dueFen is max(total − settled, 0)', () => {
    expect(dueFen(1000, 300)).toBe(700);
    expect(dueFen(1000, 1200)).toBe(0);
  });

  it('the close job looks at the latest month the date has closed and the one before', () => {
    expect(monthsToClose('2025-09-16', 15)).toEqual(['2025-07', '2025-08']);
    expect(monthsToClose('2025-09-15', 15)).toEqual(['2025-06', '2025-07']);
    expect(monthsToClose('2026-01-20', 15)).toEqual(['2025-11', '2025-12']);
    expect(() => monthsToClose('2025-9-1', 15)).toThrow(RangeError);
  });

  it('a backfill closes every month from its first up to the latest the date has closed, or its last', () => {
    expect(monthsToBackfill('2025-05', '2025-09-16', 15)).toEqual(['2025-05', '2025-06', '2025-07', '2025-08']);
    // On closesOn itself the month before is still open: the backfill stops one month earlier.
    expect(monthsToBackfill('2025-05', '2025-09-15', 15)).toEqual(['2025-05', '2025-06', '2025-07']);
    expect(monthsToBackfill('2024-11', '2026-01-20', 15, '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    // A last month the date has not closed yet is cut to the latest closed one.
    expect(monthsToBackfill('2025-11', '2026-01-20', 15, '2026-01')).toEqual(['2025-11', '2025-12']);
    // Nothing when the range is empty.
    expect(monthsToBackfill('2026-01', '2026-01-20', 15)).toEqual([]);
    expect(monthsToBackfill('2025-06', '2026-01-20', 15, '2025-05')).toEqual([]);
    expect(() => monthsToBackfill('2025-5', '2026-01-20', 15)).toThrow(RangeError);
    expect(() => monthsToBackfill('2025-05', '2026-01-20', 15, '2025-13')).toThrow(RangeError);
  });
});

describe('credit records on close and settlement (D19)', () => {
  const base = { platformId: 'p1', month: '2025-08', dueDay: 15, closedOn: '2025-09-16' };

  it('an unpaid bill creates one UNPAID_CONTRIBUTIONS record per platform and month', () => {
    expect(creditOnClose({ ...base, totalFen: 1000, settledFen: 400 })).toEqual({
      kind: 'create',
      record: {
        recordId: unpaidRecordId('p1', '2025-08'),
        platformId: 'p1',
        type: 'UNPAID_CONTRIBUTIONS',
        status: 'open',
        fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 },
        since: '2025-09-16',
      },
    });
  });

  it('a settled bill creates none; an existing record is resolved, opened again or left', () => {
    expect(creditOnClose({ ...base, totalFen: 1000, settledFen: 1000 })).toEqual({ kind: 'none' });
    expect(creditOnClose({ ...base, totalFen: 0, settledFen: 0 })).toEqual({ kind: 'none' });
    expect(
      creditOnClose({
        ...base,
        totalFen: 1000,
        settledFen: 1000,
        existing: { status: 'open', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
        lastPaidOn: '2025-10-02',
      }),
    ).toEqual({
      kind: 'resolve',
      resolvedOn: '2025-10-02',
    });
    expect(
      creditOnClose({
        ...base,
        totalFen: 1000,
        settledFen: 1000,
        existing: { status: 'open', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
      }),
    ).toEqual({ kind: 'resolve', resolvedOn: '2025-09-16' });
    expect(
      creditOnClose({
        ...base,
        totalFen: 1000,
        settledFen: 1000,
        existing: { status: 'resolved', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
      }),
    ).toEqual({ kind: 'none' });
    expect(
      creditOnClose({
        ...base,
        totalFen: 1500,
        settledFen: 1000,
        existing: { status: 'resolved', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
      }),
    ).toEqual({ kind: 'reopen', totalFen: 1500 });
    // Closed again after a reopening added 500: the open record's total follows; closed again unchanged: nothing.
    expect(
      creditOnClose({
        ...base,
        totalFen: 1500,
        settledFen: 1000,
        existing: { status: 'open', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
      }),
    ).toEqual({ kind: 'retotal', totalFen: 1500 });
    expect(
      creditOnClose({
        ...base,
        totalFen: 1000,
        settledFen: 400,
        existing: { status: 'open', fact: { month: '2025-08', dueOn: '2025-09-15', totalFen: 1000 } },
      }),
    ).toEqual({ kind: 'none' });
    const lateReport = { caseId: 'C1', dueOn: '2025-09-01', filedOn: '2025-09-10' };
    expect(creditOnClose({ ...base, totalFen: 1000, settledFen: 400, existing: { status: 'open', fact: lateReport } })).toEqual({
      kind: 'retotal',
      totalFen: 1000,
    });
  });

  it('the settlement completing a closed bill resolves its open record; nothing else does', () => {
    expect(settlementResolves('CLOSED', 1000, 1000, { status: 'open' })).toBe(true);
    expect(settlementResolves('CLOSED', 1000, 999, { status: 'open' })).toBe(false);
    expect(settlementResolves('REOPENED', 1000, 1000, { status: 'open' })).toBe(false);
    expect(settlementResolves('CLOSED', 1000, 1000, { status: 'resolved' })).toBe(false);
    expect(settlementResolves('CLOSED', 1000, 1000, undefined)).toBe(false);
  });

  it('a case a platform opens after its D6 deadline creates a LATE_INJURY_REPORT record; others none', () => {
    const input = { caseId: 'C1', platformId: 'p1', applicantType: 'platform', late: true, dueOn: '2025-08-06', dueProvisional: false, filedOn: '2025-08-08' };
    expect(lateReportRecord(input)).toEqual({
      recordId: lateReportRecordId('C1'),
      platformId: 'p1',
      type: 'LATE_INJURY_REPORT',
      status: 'open',
      fact: { caseId: 'C1', dueOn: '2025-08-06', filedOn: '2025-08-08' },
      since: '2025-08-08',
    });
    expect(lateReportRecord({ ...input, applicantType: 'worker' })).toBeUndefined();
    expect(lateReportRecord({ ...input, late: false })).toBeUndefined();
    expect(lateReportRecord({ ...input, dueProvisional: true })).toBeUndefined();
  });
});

describe('employment report (D19)', () => {
  const report = computeEmploymentReport({
    platformId: 'p1',
    month: '2025-08',
    days: [
      { workerId: 'w1', date: '2025-08-01', province: '110000' },
      { workerId: 'w1', date: '2025-08-02', province: '110000' },
      { workerId: 'w1', date: '2025-08-02', province: '310000' },
      { workerId: 'w2', date: '2025-08-01', province: '310000' },
      { workerId: 'w2', date: '2025-08-01', province: '310000' },
    ],
    lines: [
      { province: '110000', industry: 'FOOD_DELIVERY', orders: 3, amountFen: 21 },
      { province: '110000', industry: 'FOOD_DELIVERY', orders: 2, amountFen: 16 },
      { province: '310000', industry: 'FREIGHT', orders: 1, amountFen: 18 },
      { province: '110000', industry: 'FREIGHT', orders: 1, amountFen: 18 },
    ],
    injuryReports: 2,
    caseStatuses: ['UNDER_REVIEW', 'UNDER_REVIEW', 'PAID'],
  });

  it('counts workers, enrolment days (worker, date, province), orders and fees by province and industry, cases by status', () => {
    expect(report.totals).toEqual({ workers: 2, enrolmentDays: 4, orders: 7, feeFen: 73, injuryReports: 2 });
    expect(report.byProvince).toEqual([
      { province: '110000', workers: 1, enrolmentDays: 2 },
      { province: '310000', workers: 2, enrolmentDays: 2 },
    ]);
    expect(report.byProvinceIndustry).toEqual([
      { province: '110000', industry: 'FOOD_DELIVERY', orders: 5, feeFen: 37 },
      { province: '110000', industry: 'FREIGHT', orders: 1, feeFen: 18 },
      { province: '310000', industry: 'FREIGHT', orders: 1, feeFen: 18 },
    ]);
    expect(report.casesByStatus.UNDER_REVIEW).toBe(2);
    expect(report.casesByStatus.PAID).toBe(1);
    expect(report.casesByStatus.CLOSED).toBe(0);
  });

  it('exports one row per figure under Chinese headers; the CSV has a BOM, CRLF and quotes what needs it', () => {
    const rows = employmentReportRows(report);
    expect(rows[0]).toEqual(['2025-08', '参保劳动者人数', '合计', '合计', '', 2]);
    expect(rows.filter((r) => r[1] === '订单数' && r[2] !== '合计').reduce((n, r) => n + Number(r[5]), 0)).toBe(7);
    const csv = employmentReportCsv(report);
    expect(csv.startsWith(`\uFEFF${EMPLOYMENT_REPORT_HEADERS.join(',')}\r\n`)).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(rows.length + 2);
    const quoted = employmentReportCsv({ ...report, month: 'a,"b"' });
    expect(quoted).toContain('"a,""b"""');
  });
});
