/** Reproductions of five defects the money tests found (issue 12), now the rules they state. */
import { describe, expect, it } from 'vitest';
import { applyPendingStep, closable, type CaseRecord, recordStep, SEEDED_CALENDARS, type StepContext, WorkingDayCalendar } from '../../../core/index.ts';
import { CASE_NOW, calculation, monthlyLine, oneOffLine, openedCaseRecord, paidUp, payment } from './fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const ctx = (actor: string, over: Partial<StepContext> = {}): StepContext => ({
  actor,
  role: 'handler',
  now: CASE_NOW,
  calendar,
  documents: [],
  ledger: { seq: 0, payments: [] },
  ...over,
});
const ok = <T extends { ok: boolean }>(o: T) => {
  if (!o.ok) throw new Error(JSON.stringify(o));
  return o as T & { ok: true };
};
const allowanceCase = (over: Partial<CaseRecord> = {}) =>
  openedCaseRecord({
    status: 'PAID',
    approved: calculation('calc-1', [
      oneOffLine('disability_lump_sum', 50_000),
      monthlyLine('disability_allowance', 8_000, '2026-01'),
      monthlyLine('nursing', 3_000, '2026-01'),
    ]),
    monthlyGrants: { worker: '2026-01-10' },
    ...over,
  });
const paidThroughMarch = [
  payment(
    'C1-P0001',
    [
      ['disability_lump_sum', 50_000],
      ['disability_allowance@2026-01', 8_000],
      ['nursing@2026-01', 3_000],
    ],
    { kind: 'approval', status: 'PAID' },
  ),
  payment(
    'C1-P0002',
    [
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
      ['disability_allowance@2026-03', 8_000],
      ['nursing@2026-03', 3_000],
    ],
    { status: 'PAID' },
  ),
];

describe('payment chain: the rules the first tests found broken', () => {
  it('B1: an approval in March instructs nothing for a monthly line that starts in April', () => {
    // concludedOn 2026-03-15 → fromMonth 2026-04; approved on 2026-03-16 (throughMonth 2026-03).
    const benefits = calculation('calc-1', [oneOffLine('disability_lump_sum', 50_000), monthlyLine('disability_allowance', 8_000, '2026-04')]);
    const recorded = ok(
      recordStep(
        openedCaseRecord({ status: 'AWAITING_APPROVAL', benefits }),
        { step: 'approval', decision: 'approve', calculationId: 'calc-1' },
        ctx('reviewer-1'),
      ),
    );
    const t = ok(applyPendingStep(recorded.record, { now: CASE_NOW, ledger: { seq: 0, payments: [] } }));
    expect(t.payments?.[0]?.next.items.map((i) => i.key)).toEqual(['disability_lump_sum']); // actual: [..., 'disability_allowance@2026-04']
  });

  it('B2: a life event that cancels a run for next month re-instructs what that run still owed', () => {
    const aprilRun = payment('C1-P0003', [
      ['disability_allowance@2026-04', 8_000],
      ['nursing@2026-04', 3_000],
    ]); // INSTRUCTED
    const t = ok(
      recordStep(
        allowanceCase(),
        { step: 'life-event', type: 'RETIRED', on: '2026-03-12' },
        ctx('h1', { ledger: { seq: 3, payments: [...paidThroughMarch, aprilRun] } }),
      ),
    );
    expect(t.payments?.map((c) => [c.next.paymentId, c.next.status])).toEqual([
      ['C1-P0003', 'CANCELLED'],
      ['C1-P0004', 'INSTRUCTED'], // actual: missing — nursing@2026-04 (3,000) is owed but no longer instructed
    ]);
  });

  it("B3: a death recovers a month already paid even when the person's certification had lapsed", () => {
    // Granted 2025-03-01: due 2026-03-01, lapsed on 2026-03-16 (held from April). April was run on 2026-03-01 and paid.
    const aprilPaid = payment(
      'C1-P0003',
      [
        ['disability_allowance@2026-04', 8_000],
        ['nursing@2026-04', 3_000],
      ],
      { status: 'PAID' },
    );
    const record = allowanceCase({ monthlyGrants: { worker: '2025-03-01' } });
    const t = ok(
      recordStep(
        record,
        { step: 'life-event', type: 'WORKER_DIED', on: '2026-03-12' },
        ctx('h1', { ledger: { seq: 3, payments: [...paidThroughMarch, aprilPaid] } }),
      ),
    );
    expect(t.payments?.find((c) => !c.expected)?.next.amountFen).toBe(-11_000); // actual: no settlement; never recovered (the dead are never certified)
  });

  it('B4: a case whose monthly items all ended closes even after a certification lapsed, when nothing is owed', () => {
    const died = allowanceCase({
      approved: calculation('calc-1', [monthlyLine('nursing', 3_000, '2026-01')]),
      lifeEvents: [{ type: 'WORKER_DIED', on: '2026-05-10', by: 'h1', at: 'x' }],
    });
    // January–May all paid; nothing owed. Due 2027-01-10.
    expect(closable(died, paidUp(died, '2027-01-10'), '2027-01-10', undefined)).toBe(true);
    expect(closable(died, paidUp(died, '2027-01-11'), '2027-01-11', undefined)).toBe(true); // actual: false, and false forever
  });

  it('B5 (contract): an approval that instructs no one-off amount goes straight to PAID', () => {
    const lumpSent = payment(
      'C1-P0001',
      [
        ['disability_lump_sum', 50_000],
        ['disability_allowance@2026-01', 8_000],
      ],
      { kind: 'approval', status: 'SENT', batchId: 'B1' },
    );
    const raised = calculation('calc-2', [oneOffLine('disability_lump_sum', 50_000), monthlyLine('disability_allowance', 9_000, '2026-01')]);
    const recorded = ok(
      recordStep(
        openedCaseRecord({ status: 'AWAITING_APPROVAL', benefits: raised }),
        { step: 'approval', decision: 'approve', calculationId: 'calc-2' },
        ctx('reviewer-1'),
      ),
    );
    const t = ok(applyPendingStep(recorded.record, { now: CASE_NOW, ledger: { seq: 1, payments: [lumpSent] } }));
    expect(t.payments?.[0]?.next.items.some((i) => i.item === 'disability_lump_sum')).toBe(false);
    expect(t.record.status).toBe('PAID'); // actual: APPROVED (the first approval's lump sum is still SENT)
  });

  it('B6 (contract): a RETURNED case takes no life event or certification (only APPROVED, PAID, CLOSED, and AWAITING_APPROVAL after a re-assessment)', () => {
    const returned = allowanceCase({ status: 'RETURNED' });
    const o = recordStep(returned, { step: 'certification' }, ctx('h1'));
    expect(o.ok ? undefined : o.refusal.code).toBe('STEP_NOT_ACCEPTED'); // actual: recorded
  });
});
