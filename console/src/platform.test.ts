import { describe, expect, it } from 'vitest';
import { deadlineText } from './platform-cases.ts';
import {
  addCounts,
  batchesOf,
  countsOf,
  errorText,
  itemOf,
  mapColumns,
  monthsOf,
  ORDER_COLUMNS,
  parseCsv,
  progressKey,
  readProgress,
  reasonOf,
  rejectedCsv,
  WORKER_COLUMNS,
} from './platform-import.ts';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};

describe('the platform imports', () => {
  it('reads a CSV with a BOM, quoted commas and empty lines, Chinese headings mapped to the API fields', () => {
    const sheet = parseCsv(
      '\uFEFF平台劳动者编号,姓名,身份证号码,手机号码\r\nr-1,"张,三",110101199003070015,\r\n\r\nr-2,李四,11010119900307001X,13912345678\r\n',
    );
    expect(sheet.headings).toEqual(['平台劳动者编号', '姓名', '身份证号码', '手机号码']);
    expect(sheet.rows).toHaveLength(2);
    const { byField, missing } = mapColumns(sheet.headings, WORKER_COLUMNS);
    expect(missing).toEqual([]);
    expect(itemOf(sheet.rows[0]!, byField)).toEqual({ platformWorkerId: 'r-1', name: '张,三', idNumber: '110101199003070015' });
    expect(itemOf(sheet.rows[1]!, byField)).toEqual({ platformWorkerId: 'r-2', name: '李四', idNumber: '11010119900307001X', phone: '13912345678' });
    expect(sheet.rows.map((r) => r.line)).toEqual([1, 2]);
  });

  it('takes the API field names as headings, sends an industry named in Chinese as its code, and names the missing required columns', () => {
    const sheet = parseCsv('orderId,platformWorkerId,industry,province,acceptedAt\no-1,r-1,即时配送,110000,2026-12-07T10:00:00+08:00\n');
    const { byField, missing } = mapColumns(sheet.headings, ORDER_COLUMNS);
    expect(missing).toEqual([]);
    expect(itemOf(sheet.rows[0]!, byField)).toEqual({
      orderId: 'o-1',
      platformWorkerId: 'r-1',
      industry: 'INSTANT_DELIVERY',
      province: '110000',
      acceptedAt: '2026-12-07T10:00:00+08:00',
    });
    expect(mapColumns(['订单编号', '省份'], ORDER_COLUMNS).missing).toEqual(['平台劳动者编号', '行业', '接单时间']);
  });

  it('finds the Shanghai months of the orders (an instant late on the 31st in UTC is the next month in Beijing), skipping bad times', () => {
    expect(
      monthsOf([
        { acceptedAt: '2026-12-31T17:00:00Z' },
        { acceptedAt: '2026-12-07T10:00:00+08:00' },
        { acceptedAt: '昨天下午' },
        {},
        { acceptedAt: '2026-12-01T00:00:00+08:00' },
      ]),
    ).toEqual(['2026-12', '2027-01']);
  });

  it('cuts 5,001 rows into batches of at most 1,000 in file order', () => {
    const b = batchesOf(5_001, 1_000);
    expect(b).toHaveLength(6);
    expect(b[0]).toEqual({ from: 0, to: 1_000 });
    expect(b[5]).toEqual({ from: 5_000, to: 5_001 });
    expect(batchesOf(0, 500)).toEqual([]);
  });

  it('counts the per-item statuses and sums them over batches', () => {
    const a = countsOf([{ status: 'accepted' }, { status: 'rejected' }, { status: 'duplicate' }, { status: 'duplicate' }]);
    expect(a).toEqual({ accepted: 1, duplicate: 2, updated: 0, rejected: 1 });
    expect(addCounts(a, countsOf([{ status: 'updated' }]))).toEqual({ accepted: 1, duplicate: 2, updated: 1, rejected: 1 });
  });

  it('shows the API item errors in Chinese, with the field they name, translating the English ones', () => {
    expect(errorText({ path: 'orders.3.acceptedAt', message: 'must be an RFC 3339 time with an offset' })).toBe(
      '接单时间：须为带时区的时间，例如 2026-12-07T10:05:00+08:00。',
    );
    expect(errorText({ path: 'orders.0.finishedAt', message: 'must not be before acceptedAt' })).toBe('完成时间：完成时间不得早于接单时间。');
    expect(errorText({ path: 'orders.1.province', message: 'The platform is not enrolled in 310000 on 2026-12-07 (D2).' })).toBe(
      '省份：本平台在 2026-12-07 未在该省份（310000）参加职业伤害保障。',
    );
    expect(errorText({ path: 'orders.1.industry', message: 'The platform is not enrolled for FREIGHT on 2026-12-07 (D1).' })).toBe(
      '行业：本平台在 2026-12-07 未参加「同城货运」行业的保障。',
    );
    expect(errorText({ path: 'workers.4.idNumber', message: 'platformWorkerId appears at workers.1 with another ID number.' })).toBe(
      '身份证号码：同一文件中第 2 行已用另一个身份证号码登记此编号。',
    );
    expect(errorText({ path: 'workers.2.idNumber', message: '身份证号码校验位不正确。' })).toBe('身份证号码：身份证号码校验位不正确。');
    expect(errorText({ path: 'workers.2.idNumber', message: 'Something unexpected' })).toBe('身份证号码：内容不符合要求，请核对。');
    expect(reasonOf([])).toBe('未受理（未说明原因）。');
  });

  it('exports the rejected rows with their own columns, the line and the reason, as CSV Excel reads (BOM, quoting)', () => {
    const sheet = parseCsv('姓名,身份证号码\n"王,五",123\n');
    const csv = rejectedCsv(sheet.headings, [{ row: sheet.rows[0]!, reason: '身份证号码：须为 18 位。' }]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const back = parseCsv(csv);
    expect(back.headings).toEqual(['姓名', '身份证号码', '行号', '原因']);
    expect(back.rows[0]!.cells).toEqual({ 姓名: '王,五', 身份证号码: '123', 行号: '1', 原因: '身份证号码：须为 18 位。' });
    // A cell Excel would run as a formula is written as text.
    const risky = parseCsv('姓名,身份证号码\n=HYPERLINK("x"),@1\n');
    const cells = parseCsv(rejectedCsv(risky.headings, [{ row: risky.rows[0]!, reason: '—' }])).rows[0]!.cells;
    expect(cells.姓名).toBe(`'=HYPERLINK("x")`);
    expect(cells.身份证号码).toBe(`'@1`);
  });

  it('keeps an unfinished import per platform and file, and ignores anything malformed', () => {
    const storage = memory();
    const key = progressKey('P1', { name: 'orders.csv', size: 10, lastModified: 5 });
    expect(key).toBe('platform.import.P1.orders.csv.10.5');
    expect(readProgress(storage, key)).toBeUndefined();
    storage.setItem(key, JSON.stringify({ nextBatch: 3, counts: { accepted: 2999, rejected: 1 } }));
    expect(readProgress(storage, key)).toEqual({ nextBatch: 3, counts: { accepted: 2999, duplicate: 0, updated: 0, rejected: 1 } });
    storage.setItem(key, '{oops');
    expect(readProgress(storage, key)).toBeUndefined();
    storage.setItem(key, JSON.stringify({ nextBatch: 0, counts: {} }));
    expect(readProgress(storage, key)).toBeUndefined();
  });
});

describe('the platform deadlines', () => {
  it('shows a deadline with its provisional mark and whether it has passed', () => {
    expect(deadlineText({ date: '2026-12-10', provisional: true }, '2026-12-07')).toEqual({ text: '2026-12-10（暂定）', past: false });
    expect(deadlineText({ date: '2026-12-04', provisional: false }, '2026-12-07')).toEqual({ text: '2026-12-04', past: true });
    expect(deadlineText(undefined, '2026-12-07')).toEqual({ text: '—', past: false });
  });
});
