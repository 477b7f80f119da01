import { describe, expect, it } from 'vitest';
import type { CaseRecord, PaymentRecord, StoredCalculation } from '../../functions/_shared/repositories/cases.ts';
import { CASE_STATUSES, STEPS_ACCEPTED } from '../../core/index.ts';
import { ACCEPTS, approvalPayment, closable, conflictOf, CORE_STEP_OF, STEP_OF } from '../../functions/cases/model.ts';

const calc = (id: string, lines: StoredCalculation['lines']): StoredCalculation => ({
  ok: true,
  lines,
  oneOffTotalFen: lines.filter((l) => !l.monthly).reduce((s, l) => s + l.amountFen, 0),
  monthlyTotalFen: lines.filter((l) => l.monthly).reduce((s, l) => s + l.amountFen, 0),
  ruleTable: 't',
  parameterVersions: [],
  excludedDependants: [],
  calculationId: id,
  calculatedAt: '2026-11-01T00:00:00Z',
});

const record = (over: Partial<CaseRecord>): CaseRecord => ({ status: 'UNDER_REVIEW', ...over }) as CaseRecord;

describe('case lifecycle table', () => {
  it('accepts exactly the contract table per status', () => {
    expect(ACCEPTS.NOT_CONFIRMED).toEqual([]);
    expect(ACCEPTS.CLOSED).toEqual(['assessment:review']);
    expect(ACCEPTS.PAID).toEqual(['assessment:reassessment', 'assessment:review']);
    expect(ACCEPTS.RETURNED).toContain('resubmission');
    for (const s of ['UNDER_REVIEW', 'AWAITING_ASSESSMENT', 'AWAITING_DEPENDANTS', 'AWAITING_APPROVAL', 'RETURNED'] as const)
      expect(ACCEPTS[s]).toContain('expenses');
  });

  it("is the rules core's STEPS_ACCEPTED, request by request (no copy of the table)", () => {
    for (const status of CASE_STATUSES) {
      expect(ACCEPTS[status].map((r) => CORE_STEP_OF[r]).sort()).toEqual([...STEPS_ACCEPTED[status]].sort());
    }
  });

  it('answers a conflict while a step is pending or the status does not accept the request', () => {
    expect(conflictOf(record({}), 'confirmation')).toBeUndefined();
    expect(conflictOf(record({ pendingStep: 'confirmation' }), 'expenses')).toMatch(/still applying/);
    expect(conflictOf(record({ status: 'PAID' }), 'expenses')).toMatch(/does not accept/);
    expect(STEP_OF.expenses).toBeUndefined();
  });
});

describe('approval payment (D10)', () => {
  const lump = (amountFen: number) => ({ item: 'disability_lump_sum' as const, key: 'disability_lump_sum', amountFen, monthly: false, basis: {} });
  const allowance = { item: 'disability_allowance' as const, key: 'disability_allowance', amountFen: 1000, monthly: true, fromMonth: '2026-09', basis: {} };

  it('pays one-off items and the arrears of months before the current one', () => {
    const p = approvalPayment('C1', calc('calc-1', [lump(5000), allowance]), [], '2026-11', 'now')!;
    expect(p.key).toBe('APPROVAL#calc-1');
    expect(p.items.map((i) => i.key)).toEqual(['disability_lump_sum', 'disability_allowance@2026-09', 'disability_allowance@2026-10']);
    expect(p.amountFen).toBe(7000);
  });

  it('pays only the difference after a recalculation, or recovers it (negative)', () => {
    const first = approvalPayment('C1', calc('calc-1', [lump(5000)]), [], '2026-11', 'now')!;
    const up = approvalPayment('C1', calc('calc-2', [lump(6000)]), [first], '2026-11', 'now')!;
    expect(up.amountFen).toBe(1000);
    const down = approvalPayment('C1', calc('calc-3', [lump(4500)]), [first, up], '2026-11', 'now')!;
    expect(down.amountFen).toBe(-1500);
    expect(approvalPayment('C1', calc('calc-4', [lump(4500)]), [first, up, down], '2026-11', 'now')).toBeUndefined();
  });

  it('does not pay a month twice that a run already paid', () => {
    const run: PaymentRecord = {
      paymentId: 'x',
      caseId: 'C1',
      key: 'MONTHLY#2026-09#calc-1',
      amountFen: 1000,
      status: 'PAID',
      items: [{ item: 'disability_allowance', key: 'disability_allowance@2026-09', amountFen: 1000 }],
      createdAt: 'now',
    };
    const p = approvalPayment('C1', calc('calc-2', [allowance]), [run], '2026-11', 'now')!;
    expect(p.items.map((i) => i.key)).toEqual(['disability_allowance@2026-10']);
  });
});

describe('closing a paid case', () => {
  it('closes when no monthly line runs and the re-assessment window has passed', () => {
    const approved = calc('c', [{ item: 'medical', key: 'medical', amountFen: 1, monthly: false, basis: {} }]);
    expect(closable(record({ status: 'PAID', approved }), '2026-11-24', undefined)).toBe(true);
    expect(closable(record({ status: 'PAID', approved }), '2026-11-24', '2026-11-30')).toBe(false);
    const monthly = calc('c', [{ item: 'nursing', key: 'nursing', amountFen: 1, monthly: true, fromMonth: '2026-01', basis: {} }]);
    expect(closable(record({ status: 'PAID', approved: monthly }), '2026-11-24', undefined)).toBe(false);
    expect(closable(record({ status: 'AWAITING_APPROVAL', approved }), '2026-11-24', undefined)).toBe(false);
  });
});
