/**
 * One observability module: the structured logger every function uses.
 * Request bodies and events are never logged (they carry personal data); only identifiers and counts.
 *
 * Defence in depth for the day someone logs what they should not: every string of every log record
 * (message, attributes, keys, formatted errors and their stacks) passes through `redact`, which masks
 * resident ID numbers, mainland mobile numbers and long digit runs (bank accounts) before the record is
 * serialised. Names cannot be recognised by a pattern: they stay out of logs by construction (pii.ts), and
 * test/integration/pii-logs.test.ts scans the whole output of the enrolment slice for them.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** 18-character resident ID (GB 11643): 17 digits and a digit or X, not inside a longer digit run. */
const RESIDENT_ID = /(?<!\d)\d{6}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![\dXx])/g;
/** Any other 17 digits + check character (ID numbers with impossible dates are still someone's typo of one). */
const ID_LIKE = /(?<!\d)\d{17}[Xx](?![\dA-Za-z])/g;
/** Mainland mobile numbers: 1[3-9]x xxxx xxxx, optionally +86 / 86 prefixed, spaces or dashes between groups. */
const MOBILE = /(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
/** Bank accounts and other long numbers: 12 or more digits, or groups of four separated by spaces. */
const LONG_DIGITS = /(?<![0-9A-Za-z])(?:\d{12,}|\d{4}(?: \d{4}){2,}(?: \d{1,4})?)(?![0-9A-Za-z])/g;

export const REDACTED = { idNumber: '[redacted:id]', phone: '[redacted:phone]', digits: '[redacted:digits]' } as const;

/** Masks personal numbers in a string. Idempotent; leaves anything else untouched. */
export const redact = (text: string): string =>
  text
    .replace(RESIDENT_ID, REDACTED.idNumber)
    .replace(ID_LIKE, REDACTED.idNumber)
    .replace(LONG_DIGITS, (run, offset: number, whole: string) =>
      // The 12-digit account field of an ARN (`arn:aws:lambda:cn-north-1:123456789012:function:…`) is not personal.
      run.length === 12 && whole[offset - 1] === ':' && whole[offset + 12] === ':' && whole.lastIndexOf('arn:', offset) >= 0 ? run : REDACTED.digits,
    )
    .replace(MOBILE, REDACTED.phone);

/** Numbers logged as numbers: an 11-digit mobile or a run of 12+ digits is masked like its string form. */
const redactNumber = (value: number): number | string => {
  if (!Number.isInteger(value) || Math.abs(value) < 1e10) return value;
  const masked = redact(String(Math.abs(value)));
  return masked === String(Math.abs(value)) ? value : masked;
};

/**
 * JSON replacer run by the logger on every key/value of the record, nested ones included (JSON.stringify
 * recurses into what the replacer returns, so errors Powertools formats later are visited too).
 */
const redactingReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return redactNumber(value);
  if (typeof value === 'bigint') return redact(value.toString());
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.some(([k]) => redact(k) !== k)) return Object.fromEntries(entries.map(([k, v]) => [redact(k), v]));
  }
  return value;
};

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'claims',
  jsonReplacerFn: redactingReplacer,
});
