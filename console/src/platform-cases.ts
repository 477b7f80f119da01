/**
 * What the platform's browser remembers of its injury reports and cases. The API has no list of a platform's
 * reports or cases (`GET /v1/cases` is for staff), so the portal keeps the ids it filed (localStorage, ids and
 * the report's own facts only — no names, ID numbers or accounts) and reads each case from the API.
 */
export interface StoredReport {
  readonly reportId: string;
  readonly platformWorkerId: string;
  readonly occurredAt: string;
  readonly province: string;
  readonly covered: boolean;
  readonly reason: string;
  readonly caseId?: string;
}

type Store = Pick<Storage, 'getItem' | 'setItem'>;
const reportsKey = (platformId: string) => `platform.reports.${platformId}`;
const casesKey = (platformId: string) => `platform.cases.${platformId}`;

const readList = <T>(storage: Store, key: string, ok: (v: unknown) => v is T): T[] => {
  try {
    const v = JSON.parse(storage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter(ok) : [];
  } catch {
    return [];
  }
};

const isReport = (v: unknown): v is StoredReport =>
  typeof v === 'object' && v !== null && typeof (v as StoredReport).reportId === 'string' && typeof (v as StoredReport).occurredAt === 'string';

/** The reports filed from this browser, newest first. */
export const storedReports = (platformId: string, storage: Store = localStorage): StoredReport[] => readList(storage, reportsKey(platformId), isReport);

/** Keeps a report (replacing one with the same id: e.g. once its case is opened). */
export function storeReport(platformId: string, report: StoredReport, storage: Store = localStorage): StoredReport[] {
  const list = [report, ...storedReports(platformId, storage).filter((r) => r.reportId !== report.reportId)].slice(0, 200);
  storage.setItem(reportsKey(platformId), JSON.stringify(list));
  return list;
}

/** The case ids known to this browser (opened here, or looked up), newest first. */
export const storedCases = (platformId: string, storage: Store = localStorage): string[] =>
  readList(storage, casesKey(platformId), (v): v is string => typeof v === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(v));

export function storeCase(platformId: string, caseId: string, storage: Store = localStorage): string[] {
  const list = [caseId, ...storedCases(platformId, storage).filter((c) => c !== caseId)].slice(0, 200);
  storage.setItem(casesKey(platformId), JSON.stringify(list));
  return list;
}

/** A deadline as the API gives it, in words: `2026-12-10（暂定）`, and whether it is past on `today`. */
export function deadlineText(due: { date: string; provisional: boolean } | undefined, today: string): { text: string; past: boolean } {
  if (!due) return { text: '—', past: false };
  return { text: `${due.date}${due.provisional ? '（暂定）' : ''}`, past: today > due.date };
}
