/**
 * Identity numbers: the 18-character resident identity number (GB 11643-1999) and the unified social
 * credit code of organisations (GB 32100-2015), plus masking for responses (contract: personal data).
 */
import { isValidDate, shanghaiDate } from './time.ts';

/** The earliest birth date accepted on a resident ID (registration, D3). */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';
/** First two digits of GB/T 2260 province-level codes, plus 71 (Taiwan), 81/82 (HK/Macau) and 83 (permits). */
const ID_REGION_PREFIXES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

export type ResidentIdCheck = { ok: true; birthDate: string; sex: 'M' | 'F' } | { ok: false; reason: string };

function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

/**
 * Checks a resident identity number (GB 11643, D3 real-name registration): 18 characters, 17 digits and
 * an ISO 7064 MOD 11-2 check character (0–9 or X), a known province prefix, and a real birth date from
 * 1900-01-01 up to `today` (Asia/Shanghai date; defaults to the current date). The 17th digit gives the
 * sex (odd = M).
 */
export function checkResidentId(id: string, today: string = shanghaiDate(new Date())): ResidentIdCheck {
  if (id.length !== 18) return { ok: false, reason: 'must be 18 characters' };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, reason: 'must be 17 digits followed by a digit or X' };
  if (!ID_REGION_PREFIXES.has(id.slice(0, 2))) return { ok: false, reason: 'unknown region code' };
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isValidDate(birthDate)) return { ok: false, reason: 'birth date is not a real date' };
  if (birthDate < EARLIEST_BIRTH_DATE) return { ok: false, reason: 'birth date is before 1900' };
  if (birthDate > today) return { ok: false, reason: 'birth date is in the future' };
  if (residentIdCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, reason: 'check digit does not match' };
  return { ok: true, birthDate, sex: Number(id[16]) % 2 === 1 ? 'M' : 'F' };
}

/**
 * Builds a valid resident ID for tests and demos: region `prefix6`, `birthDate` (YYYY-MM-DD) and a
 * 3-digit sequence `seq3` (odd = man, even = woman), with the check character computed.
 */
export function makeResidentId(prefix6: string, birthDate: string, seq3: string | number): string {
  const seq = String(seq3).padStart(3, '0');
  if (!/^\d{6}$/.test(prefix6) || !/^\d{3}$/.test(seq) || !isValidDate(birthDate)) {
    throw new RangeError('makeResidentId needs a 6-digit prefix, a YYYY-MM-DD date and a 3-digit sequence');
  }
  const first17 = `${prefix6}${birthDate.replaceAll('-', '')}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

/** The 31 characters of GB 32100 codes, in value order (no I, O, Z, S, V). */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_CODE_CHARSET.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31]!;
}

/** Checks a unified social credit code (GB 32100): 18 characters of the code charset and the check character. */
export function checkCreditCode(code: string): { ok: true } | { ok: false; reason: string } {
  if (code.length !== 18) return { ok: false, reason: 'must be 18 characters' };
  for (const ch of code) {
    if (!CREDIT_CODE_CHARSET.includes(ch)) return { ok: false, reason: `character ${ch} is not allowed` };
  }
  if (creditCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, reason: 'check character does not match' };
  return { ok: true };
}

/** Builds a valid credit code from its first 17 characters (tests and demos). */
export function makeCreditCode(first17: string): string {
  if (first17.length !== 17 || [...first17].some((ch) => !CREDIT_CODE_CHARSET.includes(ch))) {
    throw new RangeError('makeCreditCode needs 17 characters of the GB 32100 charset');
  }
  return first17 + creditCheckChar(first17);
}

function maskMiddle(value: string, keepStart: number, keepEnd: number, stars: number): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(stars) + value.slice(value.length - keepEnd);
}

/** `320102199001011234` → `320102********1234` (contract: masked personal data). */
export function maskIdNumber(id: string): string {
  return maskMiddle(id, 6, 4, Math.max(0, id.length - 10));
}

/** `13912345678` → `139****5678`. */
export function maskPhone(phone: string): string {
  return maskMiddle(phone, 3, 4, 4);
}

/** A bank account as `****` plus its last 4 characters. */
export function maskBankAccount(account: string): string {
  return `****${account.slice(-4)}`;
}
