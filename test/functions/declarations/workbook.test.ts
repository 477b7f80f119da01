/**
 * The employment report's workbook (functions/declarations/workbook.ts), read back with exceljs as a
 * spreadsheet program would: one sheet 用工情况报告, the headers in bold, then the CSV's rows, numbers as
 * numbers; text that XML must escape survives.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { computeEmploymentReport, EMPLOYMENT_REPORT_HEADERS, employmentReportRows } from '../../../core/index.ts';
import { employmentReportWorkbook } from '../../../functions/declarations/workbook.ts';

const report = computeEmploymentReport({
  platformId: 'p1',
  month: '2025-08',
  days: [
    { workerId: 'w1', date: '2025-08-01', province: '110000' },
    { workerId: 'w2', date: '2025-08-01', province: '310000' },
  ],
  lines: [
    { province: '110000', industry: 'FOOD_DELIVERY', orders: 3, amountFen: 21 },
    { province: '310000', industry: 'FREIGHT', orders: 1, amountFen: 18 },
  ],
  injuryReports: 1,
  caseStatuses: ['UNDER_REVIEW'],
});

const read = async (bytes: Uint8Array) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as never);
  return workbook;
};

/** A row's values from column A on (an absent cell as null: the empty strings must be cells holding ''). */
const valuesOf = (row: ExcelJS.Row, columns: number) => Array.from({ length: columns }, (_, i) => row.getCell(i + 1).value);

describe('employmentReportWorkbook', () => {
  it('has one sheet 用工情况报告: the headers in bold, then every row of the CSV with numbers as numbers', async () => {
    const workbook = await read(await employmentReportWorkbook(report));
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['用工情况报告']);
    expect(workbook.creator).toBe('injury-claims');
    const sheet = workbook.getWorksheet('用工情况报告')!;
    const expected = [[...EMPLOYMENT_REPORT_HEADERS], ...employmentReportRows(report)];
    expect(sheet.rowCount).toBe(expected.length);
    expect(expected.map((_, r) => valuesOf(sheet.getRow(r + 1), EMPLOYMENT_REPORT_HEADERS.length))).toEqual(expected);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).font?.bold).toBeFalsy();
    expect(typeof sheet.getRow(2).getCell(6).value).toBe('number');
  });

  it('keeps text XML must escape, and drops the control characters XML cannot carry', async () => {
    const workbook = await read(await employmentReportWorkbook({ ...report, month: 'a<b>&"c"\u0001' }));
    expect(workbook.getWorksheet('用工情况报告')!.getRow(2).getCell(1).value).toBe('a<b>&"c"');
  });

  it('is the same bytes for the same report (no clock inside)', async () => {
    expect(Buffer.from(await employmentReportWorkbook(report)).equals(Buffer.from(await employmentReportWorkbook(report)))).toBe(true);
  });
});
