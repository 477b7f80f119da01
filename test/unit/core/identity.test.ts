import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCreditCode,
  checkResidentId,
  CREDIT_CODE_CHARSET,
  makeCreditCode,
  makeResidentId,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
} from '../../../core/index.ts';

describe('resident ID (GB 11643, D3)', () => {
  it('accepts the standard example and reads birth date and sex', () => {
    expect(checkResidentId('11010519491231002X', '2025-01-01')).toEqual({ ok: true, birthDate: '1949-12-31', sex: 'F' });
    expect(checkResidentId(makeResidentId('320102', '1990-01-01', '123'), '2025-01-01')).toEqual({ ok: true, birthDate: '1990-01-01', sex: 'M' });
  });

  it('uses the current date by default', () => {
    expect(checkResidentId(makeResidentId('320102', '1990-01-01', 1)).ok).toBe(true);
  });

  it.each([
    ['12345', 'must be 18 characters'],
    ['11010519491231002x', 'must be 17 digits followed by a digit or X'],
    ['1101051949123100X2', 'must be 17 digits followed by a digit or X'],
    ['00010519491231002X', 'unknown region code'],
    ['110105194902300021', 'birth date is not a real date'],
    ['110105189912310021', 'birth date is before 1900'],
    ['110105203001010021', 'birth date is in the future'],
    ['110105194912310021', 'check digit does not match'],
  ])('rejects %s: %s', (id, reason) => {
    expect(checkResidentId(id, '2025-01-01')).toEqual({ ok: false, reason });
  });

  it('generator and checker round-trip (property)', () => {
    const dates = fc
      .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.constantFrom('110101', '320102', '440305', '650102'), dates, fc.integer({ min: 0, max: 999 }), (prefix, birth, seq) => {
        const id = makeResidentId(prefix, birth, seq);
        expect(checkResidentId(id, '2025-01-01')).toEqual({ ok: true, birthDate: birth, sex: seq % 2 === 1 ? 'M' : 'F' });
        const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
        expect(checkResidentId(wrong, '2025-01-01').ok).toBe(false);
      }),
    );
  });

  it('the generator refuses bad inputs', () => {
    expect(() => makeResidentId('32010', '1990-01-01', 1)).toThrow(RangeError);
    expect(() => makeResidentId('320102', '1990-02-30', 1)).toThrow(RangeError);
    expect(() => makeResidentId('320102', '1990-01-01', 1000)).toThrow(RangeError);
  });
});

describe('credit code (GB 32100)', () => {
  it('accepts real codes', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({ ok: true });
    expect(checkCreditCode('914403001922038216')).toEqual({ ok: true });
  });

  it('rejects wrong length, characters and check character', () => {
    expect(checkCreditCode('91350100M000100Y4')).toEqual({ ok: false, reason: 'must be 18 characters' });
    expect(checkCreditCode('91350100I000100Y43')).toEqual({ ok: false, reason: 'character I is not allowed' });
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, reason: 'check character does not match' });
  });

  it('generator and checker round-trip; check char 0 when the sum is a multiple of 31 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CREDIT_CODE_CHARSET), { minLength: 17, maxLength: 17 }), (chars) => {
        expect(checkCreditCode(makeCreditCode(chars.join('')))).toEqual({ ok: true });
      }),
    );
    expect(makeCreditCode('00000000000000000')).toBe('000000000000000000');
    expect(() => makeCreditCode('0000000000000000I')).toThrow(RangeError);
    expect(() => makeCreditCode('0')).toThrow(RangeError);
  });
});

describe('masking (contract: personal data)', () => {
  it('masks ID numbers, phones and bank accounts', () => {
    expect(maskIdNumber('320102199001011234')).toBe('320102********1234');
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskBankAccount('6222020200112233445')).toBe('****3445');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskPhone('1234567')).toBe('*******');
  });
});
