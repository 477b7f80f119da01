/** The logger masks personal numbers in every string of a record, whatever a developer passes it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeResidentId } from '../../../core/index.ts';
import { logger, redact, REDACTED } from '../../../functions/_shared/observability.ts';

const ID = makeResidentId('320102', '1990-03-07', 123);
const ID_X = '11010119800101001X';
const PHONE = '13912345678';
const ACCOUNT = '6222021234567890123';

let lines: string[] = [];
let spies: { mockRestore(): void }[] = [];
const capture = (chunk: unknown) => {
  lines.push(String(chunk));
  return true;
};

beforeEach(() => {
  lines = [];
  logger.setLogLevel('DEBUG');
  spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture as never), vi.spyOn(process.stderr, 'write').mockImplementation(capture as never)];
});
afterEach(() => {
  for (const s of spies) s.mockRestore();
  logger.setLogLevel('WARN');
});

const output = () => lines.join('');

describe('redact', () => {
  it('masks resident IDs (with a digit or X check character), mobiles and bank accounts', () => {
    expect(redact(`id ${ID} and ${ID_X.toLowerCase()}`)).toBe(`id ${REDACTED.idNumber} and ${REDACTED.idNumber}`);
    expect(redact(`call ${PHONE}, +86 139-1234-5678 or 139 1234 5678`)).toBe(`call ${REDACTED.phone}, ${REDACTED.phone} or ${REDACTED.phone}`);
    expect(redact(`pay to ${ACCOUNT} / 6222 0212 3456 7890`)).toBe(`pay to ${REDACTED.digits} / ${REDACTED.digits}`);
    expect(redact(`worker=${ID}&phone=${PHONE}`)).not.toMatch(/\d{11}/);
  });

  it('leaves timestamps, dates, amounts, provinces and generated identifiers alone', () => {
    const safe = [
      '2025-08-01T10:05:00.000+08:00',
      'from 2025-08-01 to 2025-08-31',
      'amountFen 1234567',
      'province 110000',
      'wkr_0123456789012345abcdef0123456789',
      'plt_9f1c2e3d4b5a69788796a5b4c3d2e1f0',
      'Root=1-5759e988-bd862e3fe1be46a994272793',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:claims-orders',
    ];
    for (const s of safe) expect(redact(s)).toBe(s);
  });

  it('is idempotent', () => {
    const once = redact(`${ID} ${PHONE} ${ACCOUNT}`);
    expect(redact(once)).toBe(once);
  });
});

describe('the Powertools logger', () => {
  it('never prints an ID number, a phone or an account, in the message, attributes, keys, numbers or errors', () => {
    const error = new Error(`lookup failed for ${ID}`);
    logger.info(`registering ${ID} (${PHONE})`, {
      worker: { idNumber: ID, phone: PHONE, nested: [{ bankAccount: ACCOUNT }] },
      phoneAsNumber: Number(PHONE),
      [ID]: 'used as a key',
    });
    logger.error('failed', error);
    logger.warn('failed', { error, detail: `payee ${ACCOUNT}` });
    logger.debug(ID_X);
    const out = output();
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const secret of [ID, ID_X, PHONE, ACCOUNT, ID.slice(0, 17)]) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED.idNumber);
    expect(out).toContain(REDACTED.phone);
    expect(out).toContain(REDACTED.digits);
    // Still structured JSON, one record per line, with the useful parts intact.
    const records = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ level: 'INFO', message: `registering ${REDACTED.idNumber} (${REDACTED.phone})` });
    expect(records[1]).toMatchObject({ level: 'ERROR', error: { name: 'Error', message: `lookup failed for ${REDACTED.idNumber}` } });
  });
});
