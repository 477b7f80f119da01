/**
 * The payee (D14; contract v2 "Payee"): who may be paid on a case and what a bank account looks like.
 * Names are compared after Unicode NFKC normalisation and trimming; a card number (16–19 digits starting
 * with 62, a UnionPay card) must pass the Luhn check.
 */
import type { CaseRecord } from './case-record.ts';

/** A name as compared (NFKC, trimmed). */
export const normalName = (name: string): string => name.normalize('NFKC').trim();

/** The Luhn check of a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Why a bank account is not acceptable (Chinese, for the field's error), or undefined. */
export function bankAccountProblem(account: string): string | undefined {
  if (!/^\d{8,32}$/.test(account)) return '须为 8–32 位数字的银行账号。';
  if (/^62\d{14,17}$/.test(account) && !luhnValid(account)) return '银行卡号校验位不正确（Luhn 校验未通过），请核对卡号。';
  return undefined;
}

/**
 * The names a case may pay (D14): for an injury case the worker's registered name; for a death case the
 * relative who applied and every recorded dependant.
 */
export function beneficiaryNames(record: Pick<CaseRecord, 'kind' | 'applicant' | 'dependants'>, workerName: string | undefined): string[] {
  if (record.kind === 'injury') return workerName === undefined ? [] : [normalName(workerName)];
  const names = (record.dependants ?? []).map((d) => normalName(d.name));
  if (record.applicant.type === 'relative' && record.applicant.name !== undefined) names.unshift(normalName(record.applicant.name));
  return names;
}

/** Whether `name` is one of the case's beneficiaries (D14). */
export const isBeneficiary = (name: string, beneficiaries: readonly string[]): boolean => beneficiaries.includes(normalName(name));
