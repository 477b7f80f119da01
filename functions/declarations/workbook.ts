/**
 * The employment report as an Excel workbook (D19, `?format=xlsx`): one sheet named 用工情况报告, the CSV's
 * rows under the same Chinese headers (bold), numbers as numbers.
 *
 * Written directly as the few SpreadsheetML parts a one-sheet workbook needs (shared strings, one bold
 * style), zipped with fflate: exceljs (with bluebird, jszip and their kin, ~1.1 MB minified) was two thirds of
 * the declarations bundle for this one route. A module of its own, loaded by the handler only when a
 * workbook is asked for. test/functions/declarations/workbook.test.ts reads the result back with exceljs.
 */
import { strToU8, zipSync } from 'fflate';
import { EMPLOYMENT_REPORT_HEADERS, type EmploymentReport, employmentReportRows } from '../../core/index.ts';

const SHEET_NAME = '用工情况报告';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const PACKAGE_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOC_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Text as XML character data: the markup characters escaped, characters XML 1.0 forbids dropped. */
const xmlText = (text: string): string =>
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML 1.0 cannot carry is the point.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/** Column letters of a 0-based index (A…Z, AA…). */
const column = (index: number): string => (index < 26 ? '' : column(Math.floor(index / 26) - 1)) + String.fromCharCode(65 + (index % 26));

/** The workbook's strings, each once (the shared-strings part), by first use. */
class SharedStrings {
  readonly #index = new Map<string, number>();
  /** The index of `text`, added on first use. */
  of(text: string): number {
    let i = this.#index.get(text);
    if (i === undefined) this.#index.set(text, (i = this.#index.size));
    return i;
  }
  xml(uses: number): string {
    const items = [...this.#index.keys()].map((t) => `<si><t xml:space="preserve">${xmlText(t)}</t></si>`).join('');
    return `${XML}<sst xmlns="${MAIN}" count="${uses}" uniqueCount="${this.#index.size}">${items}</sst>`;
  }
}

/** The sheet and its shared strings: numbers as numbers, every string (an empty one too: a cell holding '') shared; row 1 bold. */
const sheetParts = (rows: readonly (readonly (string | number)[])[]): { sheet: string; strings: string } => {
  const strings = new SharedStrings();
  let uses = 0;
  const cell = (value: string | number, ref: string, style: number): string => {
    const s = style ? ` s="${style}"` : '';
    if (typeof value === 'number') return `<c r="${ref}"${s}><v>${value}</v></c>`;
    uses++;
    return `<c r="${ref}"${s} t="s"><v>${strings.of(value)}</v></c>`;
  };
  const sheetData = rows
    .map((row, r) => `<row r="${r + 1}">${row.map((value, c) => cell(value, `${column(c)}${r + 1}`, r === 0 ? 1 : 0)).join('')}</row>`)
    .join('');
  return { sheet: `${XML}<worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`, strings: strings.xml(uses) };
};

const STYLES =
  `${XML}<styleSheet xmlns="${MAIN}">` +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

/** The package's parts, for a sheet and its shared strings. */
const parts = ({ sheet, strings }: { sheet: string; strings: string }): Record<string, string> => ({
  '[Content_Types].xml':
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${TYPE}.sheet.main+xml"/>` +
    `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${TYPE}.worksheet+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${TYPE}.styles+xml"/>` +
    `<Override PartName="/xl/sharedStrings.xml" ContentType="${TYPE}.sharedStrings+xml"/>` +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
  '_rels/.rels':
    `${XML}<Relationships xmlns="${PACKAGE_RELS}">` +
    `<Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>` +
    `<Relationship Id="rId2" Type="${PACKAGE_RELS}/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
  'docProps/core.xml':
    `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
    '<dc:creator>injury-claims</dc:creator></cp:coreProperties>',
  'xl/workbook.xml': `${XML}<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="${xmlText(SHEET_NAME)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  'xl/_rels/workbook.xml.rels':
    `${XML}<Relationships xmlns="${PACKAGE_RELS}">` +
    `<Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Type="${DOC_RELS}/styles" Target="styles.xml"/>` +
    `<Relationship Id="rId3" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  'xl/styles.xml': STYLES,
  'xl/sharedStrings.xml': strings,
  'xl/worksheets/sheet1.xml': sheet,
});

/** The workbook of an employment report (.xlsx bytes). */
export const employmentReportWorkbook = async (report: EmploymentReport): Promise<Uint8Array> => {
  const sheet = sheetParts([[...EMPLOYMENT_REPORT_HEADERS], ...employmentReportRows(report)]);
  return zipSync(Object.fromEntries(Object.entries(parts(sheet)).map(([path, text]) => [path, strToU8(text)])), {
    level: 6,
    mtime: new Date('2025-01-01T00:00:00Z'),
  });
};
