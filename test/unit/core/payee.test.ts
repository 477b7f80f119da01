/** The payee (core/payee.ts; D14, contract v2 "Payee"): bank accounts and who may be paid on a case. */
import { describe, expect, it } from 'vitest';
import { bankAccountProblem, beneficiaryNames, isBeneficiary, luhnValid, normalName } from '../../../core/index.ts';

describe('bank accounts (contract v2: Payee)', () => {
  it('checks a digit string with Luhn, doubling every second digit from the right', () => {
    expect(luhnValid('79927398713')).toBe(true); // the textbook example
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('6222021234567890128')).toBe(true); // 9 doubled is 18, counted as 9
    expect(luhnValid('6222021234567890121')).toBe(false);
    expect(luhnValid('')).toBe(true);
  });

  it('takes 8 to 32 digits and nothing else', () => {
    expect(bankAccountProblem('12345678')).toBeUndefined();
    expect(bankAccountProblem('1'.repeat(32))).toBeUndefined();
    for (const bad of ['1234567', '1'.repeat(33), '1234 5678', '12345678a', '１２３４５６７８', ''])
      expect(bankAccountProblem(bad)).toBe('须为 8–32 位数字的银行账号。');
  });

  it('checks the Luhn digit of a UnionPay card number (16–19 digits starting with 62) only', () => {
    expect(bankAccountProblem('6225880123456783')).toBeUndefined(); // 16 digits
    expect(bankAccountProblem('6222021234567890128')).toBeUndefined(); // 19 digits
    expect(bankAccountProblem('6225880123456780')).toMatch(/Luhn/);
    expect(bankAccountProblem('6222021234567890121')).toMatch(/Luhn/);
    expect(bankAccountProblem('622202123456789')).toBeUndefined(); // 15 digits: an account number, not a card
    expect(bankAccountProblem('62220212345678901211')).toBeUndefined(); // 20 digits
    expect(bankAccountProblem('6125880123456780')).toBeUndefined(); // not 62
  });
});

describe('beneficiaries (D14)', () => {
  const dependants = [
    { name: ' 李四 ', relation: 'spouse' as const, orphanOrAlone: false },
    { name: '李小', relation: 'child' as const, orphanOrAlone: false, birthDate: '2015-01-01' },
  ];

  it('compares names after NFKC normalisation and trimming', () => {
    expect(normalName('  张三\u3000')).toBe('张三');
    expect(normalName('ＺＨＡＮＧ San')).toBe('ZHANG San');
    expect(isBeneficiary(' ＺＨＡＮＧ San ', ['ZHANG San'])).toBe(true);
    expect(isBeneficiary('张三丰', ['张三'])).toBe(false);
  });

  it('pays an injury case to the worker alone, by the registered name', () => {
    const injury = { kind: 'injury' as const, applicant: { type: 'relative' as const, name: '李四' }, dependants };
    expect(beneficiaryNames(injury, ' 张三 ')).toEqual(['张三']);
    expect(beneficiaryNames(injury, undefined)).toEqual([]); // no registered worker: nobody
  });

  it('pays a death case to the relative who applied or a recorded dependant', () => {
    expect(beneficiaryNames({ kind: 'death', applicant: { type: 'relative', name: '王五' }, dependants }, '张三')).toEqual(['王五', '李四', '李小']);
    expect(beneficiaryNames({ kind: 'death', applicant: { type: 'relative' } }, '张三')).toEqual([]);
    expect(beneficiaryNames({ kind: 'death', applicant: { type: 'platform' }, dependants }, '张三')).toEqual(['李四', '李小']);
    expect(beneficiaryNames({ kind: 'death', applicant: { type: 'union', name: '工会' } }, '张三')).toEqual([]); // a union is no beneficiary
    expect(isBeneficiary('张三', beneficiaryNames({ kind: 'death', applicant: { type: 'platform' }, dependants }, '张三'))).toBe(false); // the deceased
  });
});
