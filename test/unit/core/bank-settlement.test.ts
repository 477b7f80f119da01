/** The bank's side of the payment chain (D15): what a bank file can carry, payments after changes, APPROVED → PAID. */
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../../core/index.ts';
import { bankHold, caseSettledByBank } from '../../../core/bank-settlement.ts';
import { withChanges } from '../../../core/payment-chain.ts';
import { CASE_NOW, calculation, oneOffLine, openedCaseRecord } from './fixtures.ts';

const PAYEE = { nameEnc: 'enc', bankAccountEnc: 'enc', bankAccountLast4: '2233', nameInitial: '张', bankName: '中国工商银行' };

const payment = (n: number, over: Partial<PaymentRecord> = {}): PaymentRecord => ({
  paymentId: `C1-P000${n}`,
  caseId: 'C1',
  key: `C1-P000${n}`,
  kind: 'approval',
  amountFen: 10_000,
  status: 'SENT',
  items: [{ item: 'medical', key: 'medical', amountFen: 10_000 }],
  createdAt: `2026-03-1${n}T02:00:00.000Z`,
  province: '110000',
  payee: PAYEE,
  batchId: 'B0000000000000001',
  calculationId: 'calc-2',
  ...over,
});

describe('bankHold (a bank file names the payee and the account)', () => {
  it('holds a payment without a payee copy', () => {
    const { payee: _none, ...withoutPayee } = payment(1);
    expect(bankHold(withoutPayee)).toBe('NO_PAYEE');
  });

  it('lets a payment go to a payee with or without a bank name (the bank routes by the account, or returns it)', () => {
    expect(bankHold(payment(1))).toBeUndefined();
    const { bankName: _noBank, ...payee } = PAYEE;
    expect(bankHold(payment(1, { payee }))).toBeUndefined();
  });
});

describe('withChanges', () => {
  it('replaces changed payments in place and appends new ones', () => {
    const before = [payment(1), payment(2)];
    const paid = { ...payment(2), status: 'PAID' as const };
    const fresh = payment(3, { status: 'INSTRUCTED' });
    const after = withChanges(before, [{ next: paid, expected: 'SENT' }, { next: fresh }]);
    expect(after.map((p) => [p.paymentId, p.status])).toEqual([
      ['C1-P0001', 'SENT'],
      ['C1-P0002', 'PAID'],
      ['C1-P0003', 'INSTRUCTED'],
    ]);
    expect(before[1]!.status).toBe('SENT');
  });
});

describe('caseSettledByBank (D15: PAID when every one-off payment of the latest approval is PAID)', () => {
  const approved = openedCaseRecord({ status: 'APPROVED', version: 7, approved: calculation('calc-2', [oneOffLine('medical', 10_000)]) });

  it('moves an APPROVED case whose one-off payments are all PAID to PAID, by the bank, version + 1', () => {
    const t = caseSettledByBank(approved, [payment(1, { status: 'PAID' })], CASE_NOW);
    expect(t).toEqual({
      ok: true,
      record: { ...approved, status: 'PAID', version: 8 },
      event: { at: CASE_NOW.toISOString(), actor: 'bank', action: 'status.changed', before: { status: 'APPROVED' }, after: { status: 'PAID' } },
    });
  });

  it('leaves the case while a one-off payment of the latest approval is still sent or returned', () => {
    expect(caseSettledByBank(approved, [payment(1, { status: 'PAID' }), payment(2)], CASE_NOW)).toBeUndefined();
    expect(caseSettledByBank(approved, [payment(1, { status: 'RETURNED', returnReason: '账户已销户' })], CASE_NOW)).toBeUndefined();
  });

  it("does not wait for an earlier approval's payment", () => {
    expect(caseSettledByBank(approved, [payment(1, { calculationId: 'calc-1' }), payment(2, { status: 'PAID' })], CASE_NOW)?.record.status).toBe('PAID');
  });

  it('changes nothing on a case that is not APPROVED (already PAID, closed, re-assessed)', () => {
    for (const status of ['PAID', 'CLOSED', 'AWAITING_APPROVAL'] as const) {
      expect(caseSettledByBank({ ...approved, status }, [payment(1, { status: 'PAID' })], CASE_NOW)).toBeUndefined();
    }
  });
});
