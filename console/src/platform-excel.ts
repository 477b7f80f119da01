/**
 * An Excel workbook's first sheet as the import's rows. exceljs (its browser build, about 250 KiB gzipped) is
 * imported here only, and this module only from the pages' file handler: its chunk loads when someone picks
 * an `.xlsx` file, never with the first page.
 */
import { parseCsv, type Sheet } from './platform-import.ts';

/** Excel keeps a date-time without a zone; exceljs reads it as UTC: that wall time is Beijing time. */
const beijing = (d: Date) => `${d.toISOString().slice(0, 19)}+08:00`;

async function readWorkbook(bytes: ArrayBuffer): Promise<Sheet> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headings: [], rows: [] };
  const text = (value: unknown, shown: string) => (value instanceof Date ? beijing(value) : shown.trim());
  const headings: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    headings[col - 1] = text(cell.value, cell.text);
  });
  const rows: { line: number; cells: Record<string, string> }[] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const cells: Record<string, string> = {};
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const heading = headings[col - 1];
      if (heading) cells[heading] = text(cell.value, cell.text);
    });
    if (Object.values(cells).some((v) => v !== '')) rows.push({ line: rows.length + 1, cells });
  });
  return { headings: headings.filter((h) => h), rows };
}

/** A chosen file's rows: CSV by papaparse, `.xlsx` by exceljs (loaded now). */
export async function readSheetFile(file: File): Promise<Sheet> {
  if (/\.xlsx$/i.test(file.name)) return readWorkbook(await file.arrayBuffer());
  return parseCsv(await file.text());
}
