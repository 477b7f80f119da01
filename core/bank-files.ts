/**
 * The bank file of a payment batch (D15): CSV or ISO 20022 pain.001.001.09 XML. Pure and deterministic:
 * the same batch always gives the same bytes, so the file of a batch never changes whenever it is
 * downloaded. Both formats check the batch first (count, Σ amounts, ids, text lengths) and refuse to
 * produce a file whose totals differ from the batch's.
 */
import { formatYuan, sumFen } from './money.ts';
import { parseInstant, shanghaiDate, toShanghaiIso } from './time.ts';

/** One payment of a batch, with the payee it was instructed to. */
export interface BankLine {
  readonly paymentId: string;
  readonly caseId: string;
  readonly payeeName: string;
  /** The payee's account (8–32 digits per the contract; never an IBAN). */
  readonly bankAccount: string;
  /**
   * The payee's bank, when known: a payee given at case opening may have none (contract: `payee` is
   * `{ name, bankAccount }` there). The bank routes by the account then, or returns the payment, whose
   * correction and re-instruction is the chain's own path (D14).
   */
  readonly bankName?: string;
  /** The payee bank's 12-digit CNAPS code, when known. */
  readonly bankCode?: string;
  readonly amountFen: number;
}

/** The paying account of a province (stage configuration). */
export interface BankDebtor {
  readonly name: string;
  readonly account: string;
  readonly bankName: string;
  /** 12-digit CNAPS code of the paying bank. */
  readonly bankCode: string;
}

export interface BankBatch {
  readonly batchId: string;
  readonly province: string;
  /** RFC 3339 with an offset or `Z`. */
  readonly createdAt: string;
  readonly debtor: BankDebtor;
  readonly lines: readonly BankLine[];
  /** The batch's own totals: the file must match them. */
  readonly count: number;
  readonly totalFen: number;
}

/** The CSV columns, in order (contract: payment chain). */
export const BANK_CSV_COLUMNS = ['paymentId', 'caseId', 'payeeName', 'bankAccount', 'bankName', 'bankCode', 'amountYuan'] as const;

/** pain.001 namespace: CustomerCreditTransferInitiationV09. */
export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

const CNAPS_CODE = /^\d{12}$/;
/** Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; unpaired surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point of this check
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u;

/** A text of 1–`max` characters (ISO 20022 MaxNText counts characters, not UTF-16 units) that XML can carry. */
function checkText(value: string, max: number, what: string): void {
  const length = [...value].length;
  if (length < 1 || length > max) throw new RangeError(`${what} must have 1–${max} characters (pain.001 Max${max}Text), has ${length}`);
  if (NOT_XML.test(value)) throw new RangeError(`${what} contains a character an XML file cannot carry`);
}

function checkCnaps(value: string, what: string): void {
  if (!CNAPS_CODE.test(value)) throw new RangeError(`${what} must be a 12-digit CNAPS code, got "${value}"`);
}

/**
 * Throws a RangeError naming what is wrong unless the batch can be written as a bank file whose totals
 * are the batch's: at least one line; `count` = the number of lines; each amount a positive safe integer
 * of fen; Σ amountFen = `totalFen`; no paymentId twice; ids and texts within pain.001's lengths; CNAPS
 * codes of 12 digits; `createdAt` an RFC 3339 instant with offset.
 */
export function checkBankBatch(batch: BankBatch): void {
  const at = `batch ${batch.batchId}`;
  checkText(batch.batchId, 35, 'batchId');
  if (parseInstant(batch.createdAt) === undefined) throw new RangeError(`${at}: createdAt is not an RFC 3339 instant with offset: ${batch.createdAt}`);
  checkText(batch.debtor.name, 140, `${at}: debtor name`);
  checkText(batch.debtor.account, 34, `${at}: debtor account`);
  checkText(batch.debtor.bankName, 140, `${at}: debtor bank name`);
  checkCnaps(batch.debtor.bankCode, `${at}: debtor bank code`);
  if (batch.lines.length === 0) throw new RangeError(`${at} has no lines: a bank file pays at least one payment`);
  if (batch.lines.length !== batch.count) throw new RangeError(`${at}: count is ${batch.count} but the file has ${batch.lines.length} lines`);
  const seen = new Set<string>();
  batch.lines.forEach((line, i) => {
    const where = `${at}, line ${i + 1}`;
    checkText(line.paymentId, 35, `${where}: paymentId`);
    if (seen.has(line.paymentId)) throw new RangeError(`${where}: paymentId ${line.paymentId} appears twice`);
    seen.add(line.paymentId);
    checkText(line.caseId, 140, `${where}: caseId`);
    checkText(line.payeeName, 140, `${where}: payeeName`);
    checkText(line.bankAccount, 34, `${where}: bankAccount`);
    if (line.bankName !== undefined) checkText(line.bankName, 140, `${where}: bankName`);
    if (line.bankCode !== undefined) checkCnaps(line.bankCode, `${where}: bankCode`);
    if (!Number.isSafeInteger(line.amountFen) || line.amountFen <= 0) {
      throw new RangeError(`${where}: amountFen must be a positive integer number of fen, got ${line.amountFen}`);
    }
  });
  const sum = sumFen(batch.lines.map((line) => line.amountFen));
  if (sum !== batch.totalFen) throw new RangeError(`${at}: totalFen is ${batch.totalFen} but the lines sum to ${sum}`);
}

// ---------------------------------------------------------------------------------------------------
// CSV (RFC 4180, CRLF)

/** A cell a spreadsheet would read as a formula (= + - @, and tab or CR per OWASP) gets a leading apostrophe. */
function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The CSV file of a batch: a header row, then one row per line in the batch's order; fields quoted per
 * RFC 4180; every row ends with CRLF; text cells defused against formula injection; `amountYuan` with
 * two decimals from integer fen. Checks the batch first.
 */
export function bankFileCsv(batch: BankBatch): string {
  checkBankBatch(batch);
  const rows = batch.lines.map((line) => [
    ...[line.paymentId, line.caseId, line.payeeName, line.bankAccount, line.bankName ?? '', line.bankCode ?? ''].map((text) => csvField(defuse(text))),
    formatYuan(line.amountFen),
  ]);
  return [BANK_CSV_COLUMNS, ...rows].map((row) => `${row.join(',')}\r\n`).join('');
}

// ---------------------------------------------------------------------------------------------------
// pain.001.001.09

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Escapes a text for element content or an attribute (a CR is kept as `&#13;`, which parsers would otherwise turn into LF). */
function xml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!);
}

/** FinInstnId of a bank: the CNAPS member id and the bank's name, each when known. */
function agent(indent: string, bankName: string | undefined, bankCode: string | undefined): string[] {
  const cnaps =
    bankCode === undefined
      ? []
      : [
          `${indent}    <ClrSysMmbId>`,
          `${indent}      <ClrSysId><Cd>CNAPS</Cd></ClrSysId>`,
          `${indent}      <MmbId>${xml(bankCode)}</MmbId>`,
          `${indent}    </ClrSysMmbId>`,
        ];
  const name = bankName === undefined ? [] : [`${indent}    <Nm>${xml(bankName)}</Nm>`];
  return [`${indent}  <FinInstnId>`, ...cnaps, ...name, `${indent}  </FinInstnId>`];
}

function transaction(line: BankLine): string[] {
  const i = '      ';
  return [
    `${i}<CdtTrfTxInf>`,
    `${i}  <PmtId><EndToEndId>${xml(line.paymentId)}</EndToEndId></PmtId>`,
    `${i}  <Amt><InstdAmt Ccy="CNY">${formatYuan(line.amountFen)}</InstdAmt></Amt>`,
    // CdtrAgt is optional: without the payee's bank the bank routes by the account.
    ...(line.bankName === undefined && line.bankCode === undefined
      ? []
      : [`${i}  <CdtrAgt>`, ...agent(`${i}  `, line.bankName, line.bankCode), `${i}  </CdtrAgt>`]),
    `${i}  <Cdtr><Nm>${xml(line.payeeName)}</Nm></Cdtr>`,
    `${i}  <CdtrAcct><Id><Othr><Id>${xml(line.bankAccount)}</Id></Othr></Id></CdtrAcct>`,
    `${i}  <RmtInf><Ustrd>${xml(line.caseId)}</Ustrd></RmtInf>`,
    `${i}</CdtTrfTxInf>`,
  ];
}

/**
 * The ISO 20022 pain.001.001.09 (CustomerCreditTransferInitiationV09) file of a batch: one payment
 * information block paid from the province's account (`MsgId` = `PmtInfId` = batchId), one credit
 * transfer per line (`EndToEndId` = paymentId, CNY amounts with two decimals, the case id as
 * unstructured remittance information). Accounts are not IBANs (`Othr/Id`); banks are named by CNAPS
 * code when known. Charges are borne by the debtor (`DEBT`): the payee receives the full benefit. The
 * requested execution date is the Asia/Shanghai date of `createdAt`. Checks the batch first.
 */
export function bankFilePain001(batch: BankBatch): string {
  checkBankBatch(batch);
  const count = String(batch.count);
  const total = formatYuan(batch.totalFen);
  const { debtor } = batch;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${PAIN_001_NAMESPACE}">`,
    '  <CstmrCdtTrfInitn>',
    '    <GrpHdr>',
    `      <MsgId>${xml(batch.batchId)}</MsgId>`,
    `      <CreDtTm>${toShanghaiIso(batch.createdAt)}</CreDtTm>`,
    `      <NbOfTxs>${count}</NbOfTxs>`,
    `      <CtrlSum>${total}</CtrlSum>`,
    `      <InitgPty><Nm>${xml(debtor.name)}</Nm></InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      <PmtInfId>${xml(batch.batchId)}</PmtInfId>`,
    '      <PmtMtd>TRF</PmtMtd>',
    `      <NbOfTxs>${count}</NbOfTxs>`,
    `      <CtrlSum>${total}</CtrlSum>`,
    `      <ReqdExctnDt><Dt>${shanghaiDate(batch.createdAt)}</Dt></ReqdExctnDt>`,
    `      <Dbtr><Nm>${xml(debtor.name)}</Nm></Dbtr>`,
    `      <DbtrAcct><Id><Othr><Id>${xml(debtor.account)}</Id></Othr></Id></DbtrAcct>`,
    '      <DbtrAgt>',
    ...agent('      ', debtor.bankName, debtor.bankCode),
    '      </DbtrAgt>',
    '      <ChrgBr>DEBT</ChrgBr>',
    ...batch.lines.flatMap(transaction),
    '    </PmtInf>',
    '  </CstmrCdtTrfInitn>',
    '</Document>',
    '',
  ].join('\n');
}
