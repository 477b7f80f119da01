/**
 * A platform's monthly employment report (用工情况报告, D19; contract "Reports and statistics"): workers
 * with at least one enrolment day, enrolment days, orders and fees by province and industry, injury
 * reports, cases by status. Pure: the figures come from the counters and records handed in.
 */
import { CASE_STATUSES, type CaseStatus } from './case-record.ts';
import type { DeclarationLine } from './contributions.ts';
import { sumFen } from './money.ts';

/** One enrolment day (D3) of one worker on the platform: (worker, date, province). */
export interface PlatformEnrolmentDay {
  readonly workerId: string;
  readonly date: string;
  readonly province: string;
}

export interface EmploymentReportInput {
  readonly platformId: string;
  readonly month: string;
  readonly days: readonly PlatformEnrolmentDay[];
  readonly lines: readonly Pick<DeclarationLine, 'province' | 'industry' | 'orders' | 'amountFen'>[];
  readonly injuryReports: number;
  readonly caseStatuses: readonly CaseStatus[];
}

export interface EmploymentReport {
  readonly platformId: string;
  readonly month: string;
  readonly totals: { workers: number; enrolmentDays: number; orders: number; feeFen: number; injuryReports: number };
  readonly byProvince: { province: string; workers: number; enrolmentDays: number }[];
  readonly byProvinceIndustry: { province: string; industry: string; orders: number; feeFen: number }[];
  readonly casesByStatus: Record<CaseStatus, number>;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function computeEmploymentReport(input: EmploymentReportInput): EmploymentReport {
  const provinces = new Map<string, { workers: Set<string>; days: Set<string> }>();
  const workers = new Set<string>();
  const days = new Set<string>();
  for (const d of input.days) {
    const key = `${d.workerId}|${d.date}|${d.province}`;
    workers.add(d.workerId);
    days.add(key);
    const p = provinces.get(d.province) ?? { workers: new Set<string>(), days: new Set<string>() };
    p.workers.add(d.workerId);
    p.days.add(key);
    provinces.set(d.province, p);
  }
  const lines = new Map<string, { province: string; industry: string; orders: number; feeFen: number }>();
  for (const l of input.lines) {
    const key = `${l.province}|${l.industry}`;
    const current = lines.get(key) ?? { province: l.province, industry: l.industry, orders: 0, feeFen: 0 };
    lines.set(key, { ...current, orders: current.orders + l.orders, feeFen: sumFen([current.feeFen, l.amountFen]) });
  }
  const casesByStatus = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const s of input.caseStatuses) casesByStatus[s] += 1;
  const byProvinceIndustry = [...lines.values()].sort((a, b) => compare(a.province, b.province) || compare(a.industry, b.industry));
  return {
    platformId: input.platformId,
    month: input.month,
    totals: {
      workers: workers.size,
      enrolmentDays: days.size,
      orders: byProvinceIndustry.reduce((n, l) => n + l.orders, 0),
      feeFen: sumFen(byProvinceIndustry.map((l) => l.feeFen)),
      injuryReports: input.injuryReports,
    },
    byProvince: [...provinces.entries()]
      .map(([province, p]) => ({ province, workers: p.workers.size, enrolmentDays: p.days.size }))
      .sort((a, b) => compare(a.province, b.province)),
    byProvinceIndustry,
    casesByStatus,
  };
}

/** The export's columns (Chinese headers, D19): one row per figure. */
export const EMPLOYMENT_REPORT_HEADERS = ['月份', '指标', '省份', '行业', '案件状态', '数值'] as const;

/** The export's figure names. */
export const EMPLOYMENT_REPORT_FIGURES = {
  workers: '参保劳动者人数',
  enrolmentDays: '参保天数',
  orders: '订单数',
  feeFen: '缴费金额（分）',
  injuryReports: '伤害报告数',
  cases: '案件数',
} as const;

const ALL = '合计';

/** The report as rows under EMPLOYMENT_REPORT_HEADERS (the CSV and the workbook's sheet). */
export function employmentReportRows(report: EmploymentReport): (string | number)[][] {
  const f = EMPLOYMENT_REPORT_FIGURES;
  const m = report.month;
  const rows: (string | number)[][] = [
    [m, f.workers, ALL, ALL, '', report.totals.workers],
    [m, f.enrolmentDays, ALL, ALL, '', report.totals.enrolmentDays],
    [m, f.orders, ALL, ALL, '', report.totals.orders],
    [m, f.feeFen, ALL, ALL, '', report.totals.feeFen],
    [m, f.injuryReports, ALL, ALL, '', report.totals.injuryReports],
  ];
  for (const p of report.byProvince) {
    rows.push([m, f.workers, p.province, ALL, '', p.workers], [m, f.enrolmentDays, p.province, ALL, '', p.enrolmentDays]);
  }
  for (const l of report.byProvinceIndustry) {
    rows.push([m, f.orders, l.province, l.industry, '', l.orders], [m, f.feeFen, l.province, l.industry, '', l.feeFen]);
  }
  for (const [status, n] of Object.entries(report.casesByStatus)) rows.push([m, f.cases, ALL, ALL, status, n]);
  return rows;
}

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV (CRLF) with a UTF-8 byte-order mark, so spreadsheet programs read the Chinese headers. */
export function employmentReportCsv(report: EmploymentReport): string {
  const lines = [EMPLOYMENT_REPORT_HEADERS as readonly (string | number)[], ...employmentReportRows(report)].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
