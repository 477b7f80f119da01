import { describe, expect, it } from 'vitest';
import { SEEDED_CALENDARS, WorkingDayCalendar } from '../../../core/index.ts';
import type { CaseRecord, PaymentRecord } from '../../../core/index.ts';
import { ConfirmationRequest, DependantsRequest } from '../../../functions/cases/schemas.ts';
import { benefitsView, dependantsView, latenessOf, maskKey, paymentView } from '../../../functions/cases/view.ts';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.error?.issues ?? []).map((i) => i.path.join('.'));

describe('ConfirmationRequest (D7, from core validateConfirmation)', () => {
  it('refuses a refusal whose reasons are all blank', () => {
    expect(issues(ConfirmationRequest.safeParse({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['   '], assessmentRequired: false }))).toEqual([
      'reasons',
    ]);
    expect(ConfirmationRequest.safeParse({ outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['  ', '醉酒'], assessmentRequired: false }).success).toBe(
      true,
    );
  });

  it('refuses a basis of another outcome', () => {
    expect(issues(ConfirmationRequest.safeParse({ outcome: 'DEEMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false }))).toEqual(['basis']);
  });
});

describe('DependantsRequest (D9, age-limited relations from the rule tables)', () => {
  it('needs a birthDate exactly for a child, grandchild or sibling', () => {
    const body = (relation: string) => ({ dependants: [{ name: '王一', relation, orphanOrAlone: false }] });
    expect(['spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling'].filter((r) => !DependantsRequest.safeParse(body(r)).success)).toEqual([
      'child',
      'grandchild',
      'sibling',
    ]);
  });
});

describe('case view masking (contract, A3)', () => {
  it('masks a name in a line or payment key stored before keys were positions; leaves position keys alone', () => {
    expect(maskKey('dependant_pension:2')).toBe('dependant_pension:2');
    expect(maskKey('dependant_pension:2@2027-01')).toBe('dependant_pension:2@2027-01');
    expect(maskKey('dependant_pension:李四#2@2027-01')).toBe('dependant_pension:李**@2027-01');
    expect(maskKey('dependant_pension:李四')).toBe('dependant_pension:李**');
    expect(maskKey('funeral')).toBe('funeral');
  });

  it('masks names and birth dates in stored calculations, dependants and payments unless unmasked', () => {
    const record = {
      dependants: [{ name: '李四', relation: 'child', orphanOrAlone: false, birthDate: '2015-01-02' }],
      benefits: {
        calculationId: 'c1',
        calculatedAt: 'x',
        ok: true,
        oneOffTotalFen: 0,
        monthlyTotalFen: 1,
        ruleTable: 't',
        parameterVersions: [],
        lines: [{ item: 'dependant_pension', key: 'dependant_pension:李四', amountFen: 1, monthly: true, basis: { name: '李四', percent: 30 } }],
        excludedDependants: [{ name: '王五', reason: 'AGE_LIMIT_REACHED' }],
      },
    } as unknown as CaseRecord;
    const masked = JSON.stringify([benefitsView(record), dependantsView(record.dependants!, { unmasked: false })]);
    expect(masked).not.toMatch(/李四|王五|2015-01-02/);
    expect(dependantsView(record.dependants!, { unmasked: false })).toEqual([
      { dependant: 1, name: '李**', relation: 'child', orphanOrAlone: false, birthDate: '****-**-**' },
    ]);
    expect(JSON.stringify([benefitsView(record, { unmasked: true }), dependantsView(record.dependants!, { unmasked: true })])).toMatch(
      /李四.*王五.*2015-01-02/,
    );
    const payment = {
      paymentId: 'p',
      caseId: 'c',
      key: 'k',
      amountFen: 1,
      status: 'PAID',
      createdAt: 'x',
      items: [{ item: 'dependant_pension', key: 'dependant_pension:李四@2027-01', amountFen: 1 }],
    } as PaymentRecord;
    expect(paymentView(payment).items[0]!.key).toBe('dependant_pension:李**@2027-01');
  });
});

describe('lateness derived on read (D6, D12)', () => {
  const record = { injuryDate: '2026-12-31', applicant: { type: 'platform' }, openedOn: '2027-01-06' } as CaseRecord;
  it('is late without explanation against a provisional deadline, and settled once the year is loaded', () => {
    expect(latenessOf(record, new WorkingDayCalendar())).toEqual({ late: true, lateExplanationMissing: true });
    const loaded = new WorkingDayCalendar([...SEEDED_CALENDARS, { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] }]);
    expect(latenessOf(record, loaded)).toEqual({ late: false });
    expect(latenessOf({ ...record, lateExplanation: '说明' }, new WorkingDayCalendar())).toEqual({ late: true });
  });
});
