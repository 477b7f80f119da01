/**
 * The platform portal's file imports, as pure functions (tested in Node, `platform.test.ts`): a CSV or Excel
 * sheet's rows → the API's worker and order items (columns named in Chinese or as the API names the field),
 * batches of the API's maximum size, the API's per-item errors in Chinese, and the rejected rows as a CSV
 * with a reason column. Parsing is papaparse's; Excel is read by `platform-excel.ts`, loaded only when an
 * Excel file is chosen.
 */
import Papa from 'papaparse';
import { INDUSTRY_NAMES } from '../../core/industries.ts';
import { shanghaiMonth } from '../../core/time.ts';

/** One row of the file: its cells by column heading, and its line in the file (1 = the first data row). */
export interface SheetRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

export interface Sheet {
  readonly headings: readonly string[];
  readonly rows: readonly SheetRow[];
}

/** The API's limits per request (contract: workers 1–500, orders 1–1000). */
export const WORKERS_PER_BATCH = 500;
export const ORDERS_PER_BATCH = 1_000;

/** A field of an item and the headings a file may give it (the API's name first). */
interface Column {
  readonly field: string;
  readonly label: string;
  readonly aliases: readonly string[];
  readonly required: boolean;
}

export const WORKER_COLUMNS: readonly Column[] = [
  { field: 'platformWorkerId', label: '平台劳动者编号', aliases: ['骑手编号', '劳动者编号'], required: true },
  { field: 'name', label: '姓名', aliases: [], required: true },
  { field: 'idNumber', label: '身份证号码', aliases: ['身份证号'], required: true },
  { field: 'phone', label: '手机号码', aliases: ['手机号', '电话'], required: false },
];

export const ORDER_COLUMNS: readonly Column[] = [
  { field: 'orderId', label: '订单编号', aliases: ['订单号'], required: true },
  { field: 'platformWorkerId', label: '平台劳动者编号', aliases: ['骑手编号', '劳动者编号'], required: true },
  { field: 'industry', label: '行业', aliases: [], required: true },
  { field: 'province', label: '省份', aliases: ['省份代码'], required: true },
  { field: 'acceptedAt', label: '接单时间', aliases: [], required: true },
  { field: 'finishedAt', label: '完成时间', aliases: [], required: false },
];

const normal = (heading: string) => heading.trim().toLowerCase();

/** CSV text → rows (the first line holds the headings; empty lines skipped; a BOM from Excel's "CSV UTF-8" dropped). */
export function parseCsv(text: string): Sheet {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) => h.trim(),
  });
  const headings = (parsed.meta.fields ?? []).filter((h) => h !== '');
  return { headings, rows: parsed.data.map((cells, i) => ({ line: i + 1, cells })) };
}

/** Which heading of the file feeds each field; the required fields no heading names (to refuse the file before sending). */
export function mapColumns(headings: readonly string[], columns: readonly Column[]): { byField: Record<string, string>; missing: string[] } {
  const byField: Record<string, string> = {};
  for (const c of columns) {
    const names = [c.field, c.label, ...c.aliases].map(normal);
    const found = headings.find((h) => names.includes(normal(h)));
    if (found !== undefined) byField[c.field] = found;
  }
  return { byField, missing: columns.filter((c) => c.required && byField[c.field] === undefined).map((c) => c.label) };
}

const INDUSTRY_BY_NAME: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(INDUSTRY_NAMES).map(([code, name]) => [name, code]));

/**
 * A row as the API's item: trimmed cells, an empty optional cell left out, an industry given by its Chinese
 * name sent as its code. Nothing else is judged here: the API checks each item and says why in its result.
 */
export function itemOf(row: SheetRow, byField: Readonly<Record<string, string>>): Record<string, string> {
  const item: Record<string, string> = {};
  for (const [field, heading] of Object.entries(byField)) {
    const value = (row.cells[heading] ?? '').trim();
    if (value === '') continue;
    item[field] = field === 'industry' ? (INDUSTRY_BY_NAME[value] ?? value) : value;
  }
  return item;
}

/** `[0, 1, …, n)` cut into batches of at most `size`: `{ from, to }` half-open, in file order. */
export function batchesOf(count: number, size: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let from = 0; from < count; from += size) out.push({ from, to: Math.min(count, from + size) });
  return out;
}

/** The counts by the API's per-item status, summed over batches. */
export interface StatusCounts {
  accepted: number;
  duplicate: number;
  updated: number;
  rejected: number;
}
export const noCounts = (): StatusCounts => ({ accepted: 0, duplicate: 0, updated: 0, rejected: 0 });
export const addCounts = (a: StatusCounts, b: StatusCounts): StatusCounts => ({
  accepted: a.accepted + b.accepted,
  duplicate: a.duplicate + b.duplicate,
  updated: a.updated + b.updated,
  rejected: a.rejected + b.rejected,
});
export const countsOf = (results: readonly { status: string }[]): StatusCounts => {
  const c = noCounts();
  for (const r of results) if (r.status in c) c[r.status as keyof StatusCounts] += 1;
  return c;
};

const FIELD_LABEL: Readonly<Record<string, string>> = {
  ...Object.fromEntries([...WORKER_COLUMNS, ...ORDER_COLUMNS].map((c) => [c.field, c.label])),
};

const hasChinese = (text: string) => /[\u4e00-\u9fff]/.test(text);

/** The API's English item messages (core/orders.ts, the workers' batch check) in Chinese. */
const ENGLISH: readonly [RegExp, (m: RegExpMatchArray) => string][] = [
  [/RFC 3339 time with an offset/, () => '须为带时区的时间，例如 2026-12-07T10:05:00+08:00。'],
  [/not be more than (\d+) minutes in the future/, (m) => `不得晚于当前时间 ${m[1]} 分钟以上。`],
  [/not be before acceptedAt/, () => '完成时间不得早于接单时间。'],
  [/not enrolled in (\d{6}) on (\d{4}-\d{2}-\d{2})/, (m) => `本平台在 ${m[2]} 未在该省份（${m[1]}）参加职业伤害保障。`],
  [
    /not enrolled for ([A-Z_]+) on (\d{4}-\d{2}-\d{2})/,
    (m) => `本平台在 ${m[2]} 未参加「${INDUSTRY_NAMES[m[1] as keyof typeof INDUSTRY_NAMES] ?? m[1]}」行业的保障。`,
  ],
  [/appears at workers\.(\d+) with another ID number/, (m) => `同一文件中第 ${Number(m[1]) + 1} 行已用另一个身份证号码登记此编号。`],
];

/** One item error in Chinese, prefixed by the field it names: `orders.3.acceptedAt` → `接单时间：…`. */
export function errorText(error: { path: string; message: string }): string {
  const field = error.path.split('.').slice(2).join('.');
  const name = FIELD_LABEL[field] ?? (field || '本行');
  if (hasChinese(error.message)) return `${name}：${error.message}`;
  for (const [pattern, zh] of ENGLISH) {
    const m = error.message.match(pattern);
    if (m) return `${name}：${zh(m)}`;
  }
  return `${name}：内容不符合要求，请核对。`;
}

/** A rejected item's reasons, one line. */
export const reasonOf = (errors: readonly { path: string; message: string }[] | undefined): string =>
  errors && errors.length > 0 ? errors.map(errorText).join('；') : '未受理（未说明原因）。';

/**
 * The rejected rows as a CSV file's text: the file's own columns as read, then 原因 (the reasons in Chinese); a BOM
 * so Excel reads UTF-8; a cell starting with = + - @ (a formula to Excel) is prefixed with ' (papaparse's escapeFormulae).
 */
export function rejectedCsv(headings: readonly string[], rejected: readonly { row: SheetRow; reason: string }[]): string {
  const fields = [...headings, '行号', '原因'];
  const data = rejected.map(({ row, reason }) => [...headings.map((h) => row.cells[h] ?? ''), String(row.line), reason]);
  return `\uFEFF${Papa.unparse({ fields, data }, { escapeFormulae: true })}\r\n`;
}

/** Where an unfinished import of a file stands, kept in the browser so that it resumes after a failure or a reload. */
export interface ImportProgress {
  readonly nextBatch: number;
  readonly counts: StatusCounts;
}

/** The key of a file's unfinished import: the same file (name, size, time) of the same platform. */
export const progressKey = (platformId: string, file: { name: string; size: number; lastModified: number }) =>
  `platform.import.${platformId}.${file.name}.${file.size}.${file.lastModified}`;

export function readProgress(storage: Pick<Storage, 'getItem'>, key: string): ImportProgress | undefined {
  try {
    const v = JSON.parse(storage.getItem(key) ?? 'null') as ImportProgress | null;
    return v && Number.isInteger(v.nextBatch) && v.nextBatch > 0 && v.counts ? { nextBatch: v.nextBatch, counts: { ...noCounts(), ...v.counts } } : undefined;
  } catch {
    return undefined;
  }
}

/** The Asia/Shanghai months (`YYYY-MM`) of the orders' `acceptedAt` that are real times, sorted: the declarations an import touched (D5). */
export function monthsOf(items: readonly Record<string, string>[]): string[] {
  const months = new Set<string>();
  for (const item of items) {
    const at = item.acceptedAt ? new Date(item.acceptedAt) : undefined;
    if (at && !Number.isNaN(at.getTime())) months.add(shanghaiMonth(at));
  }
  return [...months].sort();
}
