/** The bank file of a payment batch (D15, contract: payment chain): the checks, the CSV and the pain.001.001.09 XML. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { type BankBatch, type BankLine, bankFileCsv, bankFilePain001, checkBankBatch } from '../../../core/index.ts';

/**
 * NOT the official ISO 20022 XSD (no npm or Debian package ships pain.001.001.09.xsd): the project's
 * hand-written subset of it, see schemas/iso20022/README.md. libxml2 (compiled to wasm) validates against it.
 */
const SCHEMA = {
  fileName: 'pain.001.001.09.subset.xsd',
  contents: readFileSync(new URL('../../../schemas/iso20022/pain.001.001.09.subset.xsd', import.meta.url), 'utf8'),
};

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'batch.xml', contents: xml }], schema: [SCHEMA] });
  expect(result.valid).toBe(result.errors.length === 0);
  return result.errors.map((e) => e.message);
}

const LINES: readonly BankLine[] = [
  {
    paymentId: 'pay_01',
    caseId: 'C-2026-000123',
    payeeName: '张三',
    bankAccount: '6222021234567890123',
    bankName: '中国工商银行北京朝阳支行',
    bankCode: '102100000030',
    amountFen: 1,
  },
  { paymentId: 'pay_02', caseId: 'C-2026-000124', payeeName: '李四', bankAccount: '6217001234567890', bankName: '中国建设银行', amountFen: 100_000 },
  {
    paymentId: 'pay_03',
    caseId: 'C-2026-000125',
    payeeName: '王五',
    bankAccount: '12345678',
    bankName: '北京农商银行',
    bankCode: '402100000018',
    amountFen: 12_345_678,
  },
];

/** A Beijing batch of three payments (accounts and CNAPS codes hypothetical), created 01:30 on 1 April in Shanghai. */
function batch(over: Partial<BankBatch> = {}): BankBatch {
  const lines = over.lines ?? LINES;
  return {
    batchId: 'bat_2026_04_110000_01',
    province: '110000',
    createdAt: '2026-03-31T17:30:00.250Z',
    debtor: { name: '北京市社会保险基金管理中心', account: '110060149018800012345', bankName: '交通银行北京分行', bankCode: '301100000015' },
    lines,
    count: lines.length,
    totalFen: lines.reduce((sum, line) => sum + line.amountFen, 0),
    ...over,
  };
}

/** The batch with one line changed (count and total follow unless the change names them). */
function withLine(over: Partial<BankLine>, index = 0): BankBatch {
  return batch({ lines: LINES.map((line, i) => (i === index ? { ...line, ...over } : line)) });
}

describe('checkBankBatch (the file matches its batch before it is handed out)', () => {
  it('accepts a batch whose count and Σ amountFen are its own', () => {
    expect(() => checkBankBatch(batch())).not.toThrow();
    expect(() => checkBankBatch(withLine({ bankCode: undefined }))).not.toThrow();
  });

  it.each<[string, () => BankBatch, RegExp]>([
    ['a count that is not the number of lines', () => batch({ count: 4 }), /count is 4 but the file has 3 lines/],
    ['a total that is not Σ amountFen', () => batch({ totalFen: 12_445_680 }), /totalFen is 12445680 but the lines sum to 12445679/],
    ['a batch without lines', () => batch({ lines: [] }), /has no lines/],
    ['a zero amount', () => withLine({ amountFen: 0 }), /line 1: amountFen must be a positive integer number of fen, got 0/],
    ['a negative amount (a recovery)', () => withLine({ amountFen: -500 }, 1), /line 2: amountFen must be a positive integer/],
    ['a fractional amount', () => withLine({ amountFen: 1.5 }), /amountFen must be a positive integer number of fen, got 1.5/],
    ['an amount that is not a number', () => withLine({ amountFen: Number.NaN }), /got NaN/],
    ['an amount past the safe-integer range', () => withLine({ amountFen: 2 ** 53 }), /amountFen must be a positive integer/],
    [
      'a sum past the safe-integer range',
      () => batch({ lines: [LINES[0]!, { ...LINES[1]!, amountFen: Number.MAX_SAFE_INTEGER }], totalFen: 0 }),
      /sum leaves the safe integer range/,
    ],
    [
      'a paymentId of 36 characters (Max35Text)',
      () => withLine({ paymentId: 'p'.repeat(36) }),
      /line 1: paymentId must have 1–35 characters \(pain.001 Max35Text\), has 36/,
    ],
    ['an empty paymentId', () => withLine({ paymentId: '' }), /paymentId must have 1–35 characters/],
    ['a batchId of 36 characters (MsgId, PmtInfId)', () => batch({ batchId: 'b'.repeat(36) }), /batchId must have 1–35 characters/],
    ['a paymentId twice', () => withLine({ paymentId: 'pay_01' }, 2), /line 3: paymentId pay_01 appears twice/],
    ['a payee name of 141 characters (Max140Text)', () => withLine({ payeeName: '张'.repeat(141) }), /payeeName must have 1–140 characters/],
    ['a caseId of 141 characters (Ustrd)', () => withLine({ caseId: 'c'.repeat(141) }), /caseId must have 1–140/],
    ['a bank name of 141 characters', () => withLine({ bankName: '行'.repeat(141) }), /bankName must have 1–140/],
    ['an account of 35 characters (Max34Text)', () => withLine({ bankAccount: '1'.repeat(35) }), /bankAccount must have 1–34 characters/],
    ['a control character an XML file cannot carry', () => withLine({ payeeName: '张\u0007三' }), /payeeName contains a character an XML file cannot carry/],
    ['an unpaired surrogate', () => withLine({ bankName: 'bank \uD83D' }), /bankName contains a character/],
    [
      'a payee bank code that is not 12 digits',
      () => withLine({ bankCode: '10210000003' }),
      /line 1: bankCode must be a 12-digit CNAPS code, got "10210000003"/,
    ],
    [
      'a debtor without a 12-digit bank code',
      () => batch({ debtor: { ...batch().debtor, bankCode: 'BKCHCNBJ' } }),
      /debtor bank code must be a 12-digit CNAPS code/,
    ],
    ['a debtor without a name', () => batch({ debtor: { ...batch().debtor, name: '' } }), /debtor name must have 1–140/],
    ['a debtor account of 35 characters', () => batch({ debtor: { ...batch().debtor, account: '9'.repeat(35) } }), /debtor account must have 1–34/],
    ['a debtor bank without a name', () => batch({ debtor: { ...batch().debtor, bankName: '' } }), /debtor bank name must have 1–140/],
    ['a creation time without an offset', () => batch({ createdAt: '2026-04-01T09:00:00' }), /createdAt is not an RFC 3339 instant with offset/],
  ])('refuses %s', (_name, make, message) => {
    const wrong = make();
    expect(() => checkBankBatch(wrong)).toThrow(RangeError);
    expect(() => checkBankBatch(wrong)).toThrow(message);
    // Neither file is written for a batch that fails the check.
    expect(() => bankFileCsv(wrong)).toThrow(message);
    expect(() => bankFilePain001(wrong)).toThrow(message);
  });

  it('counts characters as ISO 20022 does (code points, not UTF-16 units)', () => {
    expect(() => checkBankBatch(withLine({ payeeName: '😀'.repeat(140) }))).not.toThrow();
    expect(() => checkBankBatch(withLine({ payeeName: '😀'.repeat(141) }))).toThrow(/has 141/);
    expect(() => checkBankBatch(withLine({ paymentId: 'p'.repeat(35) }))).not.toThrow();
  });
});

describe('bankFileCsv', () => {
  it('writes the header and one CRLF-terminated row per payment, in the batch order', () => {
    expect(bankFileCsv(batch())).toBe(
      'paymentId,caseId,payeeName,bankAccount,bankName,bankCode,amountYuan\r\n' +
        'pay_01,C-2026-000123,张三,6222021234567890123,中国工商银行北京朝阳支行,102100000030,0.01\r\n' +
        'pay_02,C-2026-000124,李四,6217001234567890,中国建设银行,,1000.00\r\n' +
        'pay_03,C-2026-000125,王五,12345678,北京农商银行,402100000018,123456.78\r\n',
    );
  });

  it('ends every row with CRLF and has no other line break when no text holds one', () => {
    const csv = bankFileCsv(batch());
    const rows = csv.split('\r\n');
    expect(rows).toHaveLength(LINES.length + 2);
    expect(rows.at(-1)).toBe('');
    expect(rows.join('')).not.toMatch(/[\r\n]/);
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    const csv = bankFileCsv(withLine({ payeeName: 'Li, "Lei"\nJr.', bankName: '银行\r\n分行' }));
    expect(csv.split('\r\n')[1]).toBe('pay_01,C-2026-000123,"Li, ""Lei""\nJr.",6222021234567890123,"银行');
    expect(csv).toContain(',"Li, ""Lei""\nJr.",6222021234567890123,"银行\r\n分行",102100000030,0.01\r\n');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+86 1', "'+86 1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['=1,2', `"'=1,2"`],
    ['a=1', 'a=1'],
    ['张-三', '张-三'],
  ])('defuses a cell a spreadsheet would run as a formula: %j → %s', (payeeName, cell) => {
    expect(bankFileCsv(withLine({ payeeName })).split('\r\n')[1]).toBe(
      `pay_01,C-2026-000123,${cell},6222021234567890123,中国工商银行北京朝阳支行,102100000030,0.01`,
    );
  });

  it('defuses every text column, not only the name', () => {
    const row = bankFileCsv(withLine({ paymentId: '=p', caseId: '+c', bankAccount: '-1', bankName: '@b' })).split('\r\n')[1];
    expect(row).toBe("'=p,'+c,张三,'-1,'@b,102100000030,0.01");
  });

  it.each([
    [1, '0.01'],
    [99, '0.99'],
    [100, '1.00'],
    [123_450, '1234.50'],
    [100_000, '1000.00'],
    [100_000_000_000, '1000000000.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
    [Number.MAX_SAFE_INTEGER - 91, '90071992547409.00'],
  ])('writes %i fen as %s yuan, exactly', (amountFen, yuan) => {
    const csv = bankFileCsv(batch({ lines: [{ ...LINES[1]!, amountFen }] }));
    expect(csv.split('\r\n')[1]!.split(',').at(-1)).toBe(yuan);
  });

  it('writes the same bytes for the same batch (the file of a batch never changes)', () => {
    const first = Buffer.from(bankFileCsv(batch()), 'utf8');
    const again = Buffer.from(bankFileCsv(structuredClone(batch())), 'utf8');
    expect(again.equals(first)).toBe(true);
  });
});

describe('bankFilePain001 (ISO 20022 pain.001.001.09)', () => {
  const file = bankFilePain001(batch());

  it('heads the file with the batch: MsgId = batchId, its count and control sum, the creation time in Shanghai', () => {
    expect(file.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">\n')).toBe(true);
    expect(file).toContain(
      [
        '    <GrpHdr>',
        '      <MsgId>bat_2026_04_110000_01</MsgId>',
        '      <CreDtTm>2026-04-01T01:30:00+08:00</CreDtTm>',
        '      <NbOfTxs>3</NbOfTxs>',
        '      <CtrlSum>124456.79</CtrlSum>',
        '      <InitgPty><Nm>北京市社会保险基金管理中心</Nm></InitgPty>',
        '    </GrpHdr>',
      ].join('\n'),
    );
  });

  it('pays from the province account, on the Shanghai date of createdAt, charges borne by the debtor', () => {
    expect(file).toContain(
      [
        '      <PmtInfId>bat_2026_04_110000_01</PmtInfId>',
        '      <PmtMtd>TRF</PmtMtd>',
        '      <NbOfTxs>3</NbOfTxs>',
        '      <CtrlSum>124456.79</CtrlSum>',
        '      <ReqdExctnDt><Dt>2026-04-01</Dt></ReqdExctnDt>',
        '      <Dbtr><Nm>北京市社会保险基金管理中心</Nm></Dbtr>',
        '      <DbtrAcct><Id><Othr><Id>110060149018800012345</Id></Othr></Id></DbtrAcct>',
        '      <DbtrAgt>',
        '        <FinInstnId>',
        '          <ClrSysMmbId>',
        '            <ClrSysId><Cd>CNAPS</Cd></ClrSysId>',
        '            <MmbId>301100000015</MmbId>',
        '          </ClrSysMmbId>',
        '          <Nm>交通银行北京分行</Nm>',
        '        </FinInstnId>',
        '      </DbtrAgt>',
        '      <ChrgBr>DEBT</ChrgBr>',
      ].join('\n'),
    );
  });

  it('writes one credit transfer per payment: EndToEndId = paymentId, CNY with two decimals, the case id as remittance', () => {
    expect(file.match(/<CdtTrfTxInf>/g)).toHaveLength(3);
    expect(file).toContain(
      [
        '      <CdtTrfTxInf>',
        '        <PmtId><EndToEndId>pay_01</EndToEndId></PmtId>',
        '        <Amt><InstdAmt Ccy="CNY">0.01</InstdAmt></Amt>',
        '        <CdtrAgt>',
        '          <FinInstnId>',
        '            <ClrSysMmbId>',
        '              <ClrSysId><Cd>CNAPS</Cd></ClrSysId>',
        '              <MmbId>102100000030</MmbId>',
        '            </ClrSysMmbId>',
        '            <Nm>中国工商银行北京朝阳支行</Nm>',
        '          </FinInstnId>',
        '        </CdtrAgt>',
        '        <Cdtr><Nm>张三</Nm></Cdtr>',
        '        <CdtrAcct><Id><Othr><Id>6222021234567890123</Id></Othr></Id></CdtrAcct>',
        '        <RmtInf><Ustrd>C-2026-000123</Ustrd></RmtInf>',
        '      </CdtTrfTxInf>',
      ].join('\n'),
    );
  });

  it('names the payee bank by name alone when its CNAPS code is not known', () => {
    expect(file).toContain(
      [
        '        <Amt><InstdAmt Ccy="CNY">1000.00</InstdAmt></Amt>',
        '        <CdtrAgt>',
        '          <FinInstnId>',
        '            <Nm>中国建设银行</Nm>',
        '          </FinInstnId>',
        '        </CdtrAgt>',
      ].join('\n'),
    );
  });

  it('names the payee bank by its CNAPS code alone, or leaves the creditor agent out, when its name is not known', () => {
    const { bankName: _code, ...byCode } = LINES[0]!;
    const { bankName: _none, bankCode: _noCode, ...unknown } = LINES[1]!;
    const xml = bankFilePain001(batch({ lines: [byCode, unknown] }));
    expect(xml).toContain(
      [
        '        <CdtrAgt>',
        '          <FinInstnId>',
        '            <ClrSysMmbId>',
        '              <ClrSysId><Cd>CNAPS</Cd></ClrSysId>',
        '              <MmbId>102100000030</MmbId>',
        '            </ClrSysMmbId>',
        '          </FinInstnId>',
        '        </CdtrAgt>',
        '        <Cdtr><Nm>张三</Nm></Cdtr>',
      ].join('\n'),
    );
    expect(xml).toContain(['        <Amt><InstdAmt Ccy="CNY">1000.00</InstdAmt></Amt>', '        <Cdtr><Nm>李四</Nm></Cdtr>'].join('\n'));
    expect(
      bankFileCsv(batch({ lines: [byCode, unknown] }))
        .split('\r\n')
        .slice(1, 3),
    ).toEqual(['pay_01,C-2026-000123,张三,6222021234567890123,,102100000030,0.01', 'pay_02,C-2026-000124,李四,6217001234567890,,,1000.00']);
  });

  it('escapes every text', () => {
    const escaped = bankFilePain001(
      batch({
        debtor: { ...batch().debtor, name: 'Fund <A&B>' },
        lines: [{ ...LINES[0]!, payeeName: `O'Neil "&" <x>\r\n`, bankName: 'B&B', caseId: 'C<1>', bankAccount: '1&2' }],
      }),
    );
    expect(escaped).toContain('<InitgPty><Nm>Fund &lt;A&amp;B&gt;</Nm></InitgPty>');
    expect(escaped).toContain('<Cdtr><Nm>O&apos;Neil &quot;&amp;&quot; &lt;x&gt;&#13;\n</Nm></Cdtr>');
    expect(escaped).toContain('<Nm>B&amp;B</Nm>');
    expect(escaped).toContain('<Ustrd>C&lt;1&gt;</Ustrd>');
    expect(escaped).toContain('<Othr><Id>1&amp;2</Id></Othr>');
  });

  it('writes the same bytes for the same batch (the file of a batch never changes)', () => {
    expect(Buffer.from(bankFilePain001(structuredClone(batch())), 'utf8').equals(Buffer.from(file, 'utf8'))).toBe(true);
  });

  it('validates against the pain.001.001.09 schema subset, also at the limits: longest ids and names, escaped text, the largest amount', async () => {
    expect(await schemaErrors(file)).toEqual([]);
    const edge = batch({
      batchId: 'b'.repeat(35),
      debtor: { ...batch().debtor, name: 'Fund <A&B>' },
      lines: [
        { ...LINES[0]!, paymentId: 'p'.repeat(35), payeeName: '😀'.repeat(140), caseId: `O'Neil "&" <x>\r\n`, bankAccount: '9'.repeat(34) },
        { ...LINES[1]!, amountFen: Number.MAX_SAFE_INTEGER - 1 },
      ],
    });
    expect(await schemaErrors(bankFilePain001(edge))).toEqual([]);
    const { bankName: _code, ...byCode } = LINES[0]!;
    const { bankName: _none, bankCode: _noCode, ...unknown } = LINES[1]!;
    expect(await schemaErrors(bankFilePain001(batch({ lines: [byCode, unknown] })))).toEqual([]);
  });

  it.each<[string, (xml: string) => string, RegExp]>([
    [
      'a control sum written with a thousands separator',
      (xml) => xml.replace('<CtrlSum>124456.79</CtrlSum>', '<CtrlSum>124,456.79</CtrlSum>'),
      /CtrlSum': '124,456.79' is not a valid value of the atomic type .*DecimalNumber/,
    ],
    [
      'a missing EndToEndId',
      (xml) => xml.replace('<PmtId><EndToEndId>pay_01</EndToEndId></PmtId>', '<PmtId></PmtId>'),
      /PmtId': Missing child element\(s\)\. Expected is \( .*EndToEndId \)/,
    ],
    [
      'a missing debtor account',
      (xml) => xml.replace(/ *<DbtrAcct>.*<\/DbtrAcct>\n/, ''),
      /DbtrAgt': This element is not expected\. Expected is \( .*DbtrAcct \)/,
    ],
    [
      'an amount without its currency',
      (xml) => xml.replace('<InstdAmt Ccy="CNY">0.01</InstdAmt>', '<InstdAmt>0.01</InstdAmt>'),
      /InstdAmt': The attribute 'Ccy' is required but missing/,
    ],
    ['an amount in exponent notation', (xml) => xml.replace('>0.01</InstdAmt>', '>1e-2</InstdAmt>'), /InstdAmt': '1e-2' is not a valid value/],
    ['an amount with six significant decimals', (xml) => xml.replace('>0.01</InstdAmt>', '>0.010001</InstdAmt>'), /InstdAmt': \[facet 'fractionDigits'\]/],
    ['a negative amount', (xml) => xml.replace('>0.01</InstdAmt>', '>-0.01</InstdAmt>'), /InstdAmt': \[facet 'minInclusive'\]/],
    ['a clearing system code of six letters', (xml) => xml.replace('<Cd>CNAPS</Cd>', '<Cd>CNAPSX</Cd>'), /Cd': \[facet 'maxLength'\]/],
    [
      'a MsgId of 36 characters',
      (xml) => xml.replace('<MsgId>bat_2026_04_110000_01</MsgId>', `<MsgId>${'m'.repeat(36)}</MsgId>`),
      /MsgId': \[facet 'maxLength'\] The value has a length of '36'/,
    ],
    ['an unknown charge bearer', (xml) => xml.replace('<ChrgBr>DEBT</ChrgBr>', '<ChrgBr>OUR</ChrgBr>'), /ChrgBr': \[facet 'enumeration'\] The value 'OUR'/],
    [
      'elements out of order',
      (xml) => xml.replace('<NbOfTxs>3</NbOfTxs>\n      <CtrlSum>124456.79</CtrlSum>', '<CtrlSum>124456.79</CtrlSum>\n      <NbOfTxs>3</NbOfTxs>'),
      /CtrlSum': This element is not expected\. Expected is \( .*NbOfTxs \)/,
    ],
    ['another message version', (xml) => xml.replace('pain.001.001.09', 'pain.001.001.03'), /pain\.001\.001\.03}Document': No matching global declaration/],
  ])('fails the schema for %s (the check can fail)', async (_name, breakIt, message) => {
    const broken = breakIt(file);
    expect(broken).not.toBe(file);
    const errors = await schemaErrors(broken);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(message);
  });
});
