/**
 * The payment chain (core/payment-chain.ts; D10, D15, D16): what a case is owed per benefit line and month,
 * instructions, life-event settlements, certification, bank batches with recovery offsets, bank results
 * and re-instruction. Two small cases: an allowance case (a lump sum, allowance and nursing from January
 * 2026) and a death case with two dependants.
 */
import { describe, expect, it } from 'vitest';
import {
  applyBankResult,
  bankAmountFen,
  batchCase,
  type CaseRecord,
  certificationDueOn,
  certificationView,
  countsAsInstructed,
  entitlementOf,
  fundMovements,
  instruct,
  instructedItems,
  type LifeEvent,
  monthlyRecipients,
  newPayments,
  approvalSettled,
  owedItems,
  owedMonths,
  type PaymentItem,
  type PaymentRecord,
  type PaymentStatus,
  paymentIdOf,
  personOfKey,
  recoveryDueFen,
  reinstructions,
  settleAfterLifeEvent,
} from '../../../core/index.ts';
import { CASE_NOW, calculation, monthlyLine, oneOffLine, openedCaseRecord, PAYEE, payment } from './fixtures.ts';

const AT = CASE_NOW.toISOString();
const TODAY = '2026-03-16';

const LUMP = oneOffLine('disability_lump_sum', 50_000);
const ALLOWANCE = monthlyLine('disability_allowance', 8_000, '2026-01');
const NURSING = monthlyLine('nursing', 3_000, '2026-01');
/** An injury case approved with a lump sum, an allowance and nursing from January; the worker granted on 10 January. */
const allowanceCase = (over: Partial<CaseRecord> = {}) =>
  openedCaseRecord({ status: 'APPROVED', approved: calculation('calc-1', [LUMP, ALLOWANCE, NURSING]), monthlyGrants: { worker: '2026-01-10' }, ...over });

const FUNERAL = oneOffLine('funeral', 60_000);
const SPOUSE = monthlyLine('dependant_pension:1', 4_000, '2026-01');
const CHILD = monthlyLine('dependant_pension:2', 3_000, '2026-01');
/** A death case approved with a funeral grant and two dependants' pensions from January. */
const deathCase = (over: Partial<CaseRecord> = {}) =>
  openedCaseRecord({
    kind: 'death',
    status: 'APPROVED',
    dependants: [
      { name: '李四', relation: 'spouse', orphanOrAlone: false },
      { name: '李小', relation: 'child', orphanOrAlone: false, birthDate: '2015-01-01' },
    ],
    approved: calculation('calc-1', [FUNERAL, SPOUSE, CHILD]),
    monthlyGrants: { '1': '2026-01-10', '2': '2026-01-10' },
    ...over,
  });

const through = (throughMonth: string, asOf = TODAY) => ({ throughMonth, asOf });
const pairs = (items: readonly PaymentItem[]) => items.map((i) => [i.key, i.amountFen]);
const event = (type: LifeEvent['type'], on: string, dependantIndex?: number): LifeEvent => ({
  type,
  on,
  ...(dependantIndex === undefined ? {} : { dependantIndex }),
  by: 'h1',
  at: AT,
});

/** The allowance case's January, paid with the lump sum on approval. */
const JANUARY = payment(
  'C1-P0001',
  [
    ['disability_lump_sum', 50_000],
    ['disability_allowance@2026-01', 8_000],
    ['nursing@2026-01', 3_000],
  ],
  { kind: 'approval', status: 'PAID' },
);

describe('keys, ids and what counts (D15)', () => {
  it('names the person a line or item pays: a dependant by position, else the worker', () => {
    expect(personOfKey('disability_allowance@2026-05')).toBe('worker');
    expect(personOfKey('nursing')).toBe('worker');
    expect(personOfKey('medical')).toBe('worker');
    expect(personOfKey('dependant_pension:2@2026-05')).toBe(2);
    expect(personOfKey('dependant_pension:13')).toBe(13);
  });

  it('numbers the payments of a case in the order they are instructed, short enough for a pain.001 EndToEndId', () => {
    expect(paymentIdOf('C1', 1)).toBe('C1-P0001');
    expect(paymentIdOf('C1', 12_345)).toBe('C1-P12345');
    expect(paymentIdOf(`C${'f'.repeat(16)}`, 99_999).length).toBeLessThanOrEqual(35); // a case id is C + 16 hex digits
  });

  it('counts every payment as instructed but a cancelled one, a legacy failed one and a returned one already replaced', () => {
    const of = (status: PaymentStatus, over: Partial<PaymentRecord> = {}) => countsAsInstructed(payment('P', [['medical', 1]], { status, ...over }));
    for (const status of ['INSTRUCTED', 'SENT', 'PAID', 'RETURNED', 'PENDING'] as const) expect(of(status)).toBe(true);
    expect(of('CANCELLED')).toBe(false);
    expect(of('FAILED')).toBe(false);
    expect(of('RETURNED', { replacedBy: 'P2' })).toBe(false);
    expect(instructedItems([JANUARY, payment('P2', [['medical', 1]], { status: 'CANCELLED' })])).toEqual(JANUARY.items);
  });
});

describe('the entitlement after life events (D9, D16)', () => {
  it('is the latest approved calculation, with nothing ended', () => {
    expect(entitlementOf(allowanceCase({ approved: undefined }))).toBeUndefined();
    expect(entitlementOf(allowanceCase())).toEqual({ lines: allowanceCase().approved?.lines, endedOn: {} });
  });

  it("ends the allowance with a retirement, a pension with the dependant's death, allowance and nursing with the worker's death", () => {
    expect(entitlementOf(allowanceCase({ lifeEvents: [event('RETIRED', '2026-02-10'), event('WORKER_DIED', '2026-03-01')] }))).toMatchObject({
      endedOn: { disability_allowance: '2026-02-10' },
      workerDiedOn: '2026-03-01',
    });
    expect(entitlementOf(deathCase({ lifeEvents: [event('DEPENDANT_DIED', '2026-02-10', 2)] }))?.endedOn).toEqual({ 'dependant_pension:2': '2026-02-10' });
  });

  it('takes the earliest date when an event is recorded twice', () => {
    const twice = (a: string, b: string) =>
      entitlementOf(allowanceCase({ lifeEvents: [event('WORKER_DIED', a), event('WORKER_DIED', b), event('RETIRED', a), event('RETIRED', b)] }));
    expect(twice('2026-03-01', '2026-02-01')).toMatchObject({ workerDiedOn: '2026-02-01', endedOn: { disability_allowance: '2026-02-01' } });
    expect(twice('2026-02-01', '2026-03-01')).toMatchObject({ workerDiedOn: '2026-02-01', endedOn: { disability_allowance: '2026-02-01' } });
  });
});

describe('what a case is owed (D10, D15)', () => {
  it('owes nothing before a calculation is approved', () => {
    expect(owedItems(allowanceCase({ approved: undefined }), [], through('2026-03'))).toEqual([]);
  });

  it('owes the one-offs, then each month from the first payable one through the month settled, line by line', () => {
    const owed = owedItems(allowanceCase(), [], through('2026-03'));
    expect(pairs(owed)).toEqual([
      ['disability_lump_sum', 50_000],
      ['disability_allowance@2026-01', 8_000],
      ['nursing@2026-01', 3_000],
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
      ['disability_allowance@2026-03', 8_000],
      ['nursing@2026-03', 3_000],
    ]);
    expect(owed[0]).not.toHaveProperty('month');
    expect(owed[1]).toEqual({ item: 'disability_allowance', key: 'disability_allowance@2026-01', amountFen: 8_000, month: '2026-01' });
  });

  it('owes no month beyond the one settled: a line starting next month waits for that month or a run paying ahead', () => {
    const startsNext = allowanceCase({ approved: calculation('calc-1', [LUMP, monthlyLine('nursing', 3_000, '2026-04')]) });
    expect(pairs(owedItems(startsNext, [], through('2026-03')))).toEqual([['disability_lump_sum', 50_000]]);
    expect(pairs(owedItems(startsNext, [], through('2026-04')))).toEqual([
      ['disability_lump_sum', 50_000],
      ['nursing@2026-04', 3_000],
    ]);
  });

  it('less everything already instructed: a month is paid once, whatever became of its payment', () => {
    expect(pairs(owedItems(allowanceCase(), [JANUARY], through('2026-02')))).toEqual([
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
    ]);
    const february = payment('C1-P0002', [
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
    ]);
    for (const status of ['INSTRUCTED', 'SENT', 'PAID', 'RETURNED', 'PENDING'] as const)
      expect(owedItems(allowanceCase(), [JANUARY, { ...february, status }], through('2026-02'))).toEqual([]);
    // A cancelled payment, a legacy failed one, and a returned one once replaced (the replacement counts instead).
    for (const gone of [{ status: 'CANCELLED' as const }, { status: 'FAILED' as const }])
      expect(owedItems(allowanceCase(), [JANUARY, { ...february, ...gone }], through('2026-02'))).toHaveLength(2);
    const replaced = { ...february, status: 'RETURNED' as const, replacedBy: 'C1-P0003' };
    const replacement = { ...february, paymentId: 'C1-P0003', replaces: 'C1-P0002' };
    expect(owedItems(allowanceCase(), [JANUARY, replaced, replacement], through('2026-02'))).toEqual([]);
    expect(owedItems(allowanceCase(), [JANUARY, replaced], through('2026-02'))).toHaveLength(2);
  });

  it('pays or recovers only the difference after a recalculation, per line and month (D10: never paid twice)', () => {
    const paidThroughMarch = [
      JANUARY,
      payment('C1-P0002', [
        ['disability_allowance@2026-02', 8_000],
        ['nursing@2026-02', 3_000],
        ['disability_allowance@2026-03', 8_000],
        ['nursing@2026-03', 3_000],
      ]),
    ];
    const recalculated = allowanceCase({
      approved: calculation('calc-2', [oneOffLine('disability_lump_sum', 40_000), monthlyLine('disability_allowance', 9_000, '2026-01'), NURSING]),
    });
    expect(pairs(owedItems(recalculated, paidThroughMarch, through('2026-03')))).toEqual([
      ['disability_lump_sum', -10_000],
      ['disability_allowance@2026-01', 1_000],
      ['disability_allowance@2026-02', 1_000],
      ['disability_allowance@2026-03', 1_000],
    ]);
    // A line the new calculation no longer has (nursing ended by a new conclusion) is recovered for every month.
    const withoutNursing = allowanceCase({ approved: calculation('calc-3', [LUMP, ALLOWANCE]) });
    expect(pairs(owedItems(withoutNursing, paidThroughMarch, through('2026-03')))).toEqual([
      ['nursing@2026-01', -3_000],
      ['nursing@2026-02', -3_000],
      ['nursing@2026-03', -3_000],
    ]);
  });

  it('settles a month already instructed beyond the month settled (a run for the next month)', () => {
    const april = payment('C1-P0002', [
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
      ['disability_allowance@2026-03', 8_000],
      ['nursing@2026-03', 3_000],
      ['disability_allowance@2026-04', 8_000],
      ['nursing@2026-04', 3_000],
    ]);
    const lower = allowanceCase({ approved: calculation('calc-2', [LUMP, ALLOWANCE, monthlyLine('nursing', 2_000, '2026-01')]) });
    expect(pairs(owedItems(lower, [JANUARY, april], through('2026-03'))).map(([k]) => k)).toEqual([
      'nursing@2026-01',
      'nursing@2026-02',
      'nursing@2026-03',
      'nursing@2026-04',
    ]);
  });

  it('stops a line at its end month, and owes no month for a monthly line without a first month', () => {
    const child = deathCase({ approved: calculation('calc-1', [FUNERAL, monthlyLine('dependant_pension:2', 3_000, '2026-01', { untilMonth: '2026-03' })]) });
    expect(pairs(owedItems(child, [], through('2026-04'))).map(([k]) => k)).toEqual(['funeral', 'dependant_pension:2@2026-01', 'dependant_pension:2@2026-02']);
    const noMonths = allowanceCase({ approved: calculation('calc-1', [LUMP, monthlyLine('nursing', 3_000, '2026-01', { fromMonth: undefined })]) });
    expect(pairs(owedItems(noMonths, [], through('2026-03')))).toEqual([['disability_lump_sum', 50_000]]);
  });

  it("leaves a lapsed person's months alone from the month after the certification was due: neither paid nor recovered (D16)", () => {
    // Granted 2025-01-10: due 2026-01-10, lapsed since; February on is held.
    const lapsed = allowanceCase({ monthlyGrants: { worker: '2025-01-10' } });
    expect(pairs(owedItems(lapsed, [], through('2026-03')))).toEqual([
      ['disability_lump_sum', 50_000],
      ['disability_allowance@2026-01', 8_000],
      ['nursing@2026-01', 3_000],
    ]);
    const february = payment('C1-P0002', [['disability_allowance@2026-02', 8_000]]);
    const lower = { ...lapsed, approved: calculation('calc-2', [LUMP, monthlyLine('disability_allowance', 7_000, '2026-01'), NURSING]) };
    expect(pairs(owedItems(lower, [JANUARY, february], through('2026-03')))).toEqual([['disability_allowance@2026-01', -1_000]]);
    // Not lapsed on the due date itself; certified again, the held months are owed.
    expect(owedItems(lapsed, [JANUARY], through('2026-03', '2026-01-10'))).toHaveLength(4);
    const certified = { ...lapsed, certifications: [{ person: 'worker' as const, on: '2026-03-16', by: 'h1' }] };
    expect(owedItems(certified, [JANUARY], through('2026-03'))).toHaveLength(4);
  });

  it('holds one person of a death case and pays the other (D16)', () => {
    const childLapsed = deathCase({ monthlyGrants: { '1': '2026-01-10', '2': '2025-01-10' } });
    expect(pairs(owedItems(childLapsed, [], through('2026-02')))).toEqual([
      ['funeral', 60_000],
      ['dependant_pension:1@2026-01', 4_000],
      ['dependant_pension:2@2026-01', 3_000],
      ['dependant_pension:1@2026-02', 4_000],
    ]);
  });
});

describe('certification (D16)', () => {
  it('certifies each person the latest approval grants a monthly item, once', () => {
    expect(monthlyRecipients(allowanceCase())).toEqual(['worker']);
    expect(monthlyRecipients(deathCase())).toEqual([1, 2]);
    expect(monthlyRecipients(allowanceCase({ approved: calculation('calc-1', [LUMP]) }))).toEqual([]);
    expect(monthlyRecipients(allowanceCase({ approved: undefined }))).toEqual([]);
    // Still a recipient once the item ended: the item ran under this approval.
    expect(monthlyRecipients(deathCase({ lifeEvents: [event('DEPENDANT_DIED', '2026-02-01', 2)] }))).toEqual([1, 2]);
  });

  it('is due 12 months after the approval that first granted the item, then 12 months after the last certification', () => {
    expect(certificationDueOn(allowanceCase(), 'worker')).toBe('2027-01-10');
    const certifications = [
      { person: 'worker' as const, on: '2026-08-01', by: 'h1' },
      { person: 1, on: '2026-09-30', by: 'h1' },
      { person: 'worker' as const, on: '2026-05-01', by: 'w' },
    ];
    expect(certificationDueOn(allowanceCase({ certifications }), 'worker')).toBe('2027-08-01');
    expect(certificationDueOn(deathCase({ certifications }), 1)).toBe('2027-09-30');
    expect(certificationDueOn(deathCase({ certifications }), 2)).toBe('2027-01-10');
    expect(certificationDueOn(allowanceCase({ monthlyGrants: { worker: '2024-02-29' } }), 'worker')).toBe('2025-02-28'); // no 29 February
  });

  it('counts a person approved before certification existed as certified until certified once', () => {
    expect(certificationDueOn(allowanceCase({ monthlyGrants: undefined }), 'worker')).toBeUndefined();
    expect(certificationView(allowanceCase({ monthlyGrants: undefined }), [], through('2030-01', '2030-01-01'))).toEqual([
      { person: 'worker', lapsed: false, owedMonths: [] },
    ]);
  });

  it('shows per person the due date, whether it lapsed and the months kept owed', () => {
    expect(certificationView(allowanceCase(), [JANUARY], through('2026-03'))).toEqual([
      { person: 'worker', dueOn: '2027-01-10', lapsed: false, owedMonths: [] },
    ]);
    const lapsed = allowanceCase({ monthlyGrants: { worker: '2025-01-10' } });
    const february = payment('C1-P0002', [
      ['disability_allowance@2026-02', 8_000],
      ['nursing@2026-02', 3_000],
    ]);
    expect(certificationView(lapsed, [JANUARY, february], through('2026-04'))).toEqual([
      { person: 'worker', dueOn: '2026-01-10', lapsed: true, owedMonths: ['2026-03', '2026-04'] },
    ]);
    const partly = payment('C1-P0002', [['disability_allowance@2026-02', 8_000]]); // February's nursing still owed
    expect(owedMonths(lapsed, [JANUARY, partly], 'worker', through('2026-02'))).toEqual(['2026-02']);
  });

  it("keeps owed only the months something is due for, and only the person's own", () => {
    const dead = allowanceCase({ monthlyGrants: { worker: '2025-01-10' }, lifeEvents: [event('WORKER_DIED', '2026-02-20')] });
    expect(owedMonths(dead, [JANUARY], 'worker', through('2026-05'))).toEqual(['2026-02']);
    const childLapsed = deathCase({ monthlyGrants: { '1': '2025-01-10', '2': '2026-01-10' } });
    expect(owedMonths(childLapsed, [], 1, through('2026-03'))).toEqual(['2026-02', '2026-03']);
    expect(owedMonths(childLapsed, [], 2, through('2026-03'))).toEqual([]);
    expect(owedMonths({ ...childLapsed, approved: undefined }, [], 1, through('2026-03'))).toEqual([]);
  });
});

describe('instructing a payment (D15: one per case and instruction)', () => {
  const items = owedItems(allowanceCase(), [], through('2026-01'));

  it('instructs nothing when nothing is owed', () => {
    expect(instruct(allowanceCase(), [], { seq: 0, kind: 'approval', at: AT })).toBeUndefined();
  });

  it('instructs the items as one payment to the payee, numbered after the ledger sequence', () => {
    expect(instruct(allowanceCase(), items, { seq: 4, kind: 'monthly', at: AT, runId: 'run-1', calculationId: 'calc-1' })).toEqual({
      paymentId: 'C1-P0005',
      caseId: 'C1',
      key: 'C1-P0005',
      kind: 'monthly',
      amountFen: 61_000,
      status: 'INSTRUCTED',
      items,
      createdAt: AT,
      province: '110000',
      payee: PAYEE,
      runId: 'run-1',
      calculationId: 'calc-1',
    });
  });

  it('settles a net of zero at once, and names no payee, run or calculation it does not have', () => {
    const { payee: _p, ...withoutPayee } = allowanceCase();
    const zero = instruct(
      withoutPayee,
      [
        { item: 'nursing', key: 'nursing@2026-01', amountFen: 3_000, month: '2026-01' },
        { item: 'disability_lump_sum', key: 'disability_lump_sum', amountFen: -3_000 },
      ],
      { seq: 0, kind: 'approval', at: AT },
    )!;
    expect(zero).toMatchObject({ amountFen: 0, status: 'PAID', settledAt: AT });
    for (const key of ['payee', 'runId', 'calculationId']) expect(zero).not.toHaveProperty(key);
  });
});

describe('life events settle the case (D16; contract: Life events)', () => {
  const ctx = { ...through('2026-03'), seq: 3, at: AT };
  const paid = payment(
    'C1-P0001',
    [
      ['funeral', 60_000],
      ['dependant_pension:1@2026-01', 4_000],
      ['dependant_pension:2@2026-01', 3_000],
    ],
    { status: 'PAID' },
  );
  const february = payment(
    'C1-P0002',
    [
      ['dependant_pension:1@2026-02', 4_000],
      ['dependant_pension:2@2026-02', 3_000],
    ],
    { status: 'SENT', batchId: 'B1' },
  );
  const march = payment('C1-P0003', [
    ['dependant_pension:1@2026-03', 4_000],
    ['dependant_pension:2@2026-03', 3_000],
  ]);
  const childDied = (on: string) => deathCase({ lifeEvents: [event('DEPENDANT_DIED', on, 2)] });

  it('settles nothing on a case without an approved calculation', () => {
    expect(
      settleAfterLifeEvent(deathCase({ approved: undefined, lifeEvents: [event('DEPENDANT_DIED', '2026-01-20', 2)] }), [paid, february, march], ctx),
    ).toEqual([]);
  });

  it('cancels an instructed payment paying a month the event ended, and instructs what it still owed', () => {
    const changes = settleAfterLifeEvent(childDied('2026-02-20'), [paid, february, march], ctx);
    expect(changes[0]).toEqual({ next: { ...march, status: 'CANCELLED', cancelledAt: AT }, expected: 'INSTRUCTED' });
    expect(changes[1]?.expected).toBeUndefined();
    expect(changes[1]?.next).toMatchObject({ paymentId: 'C1-P0004', kind: 'life-event', amountFen: 4_000 });
    expect(pairs(changes[1]!.next.items)).toEqual([['dependant_pension:1@2026-03', 4_000]]);
    expect(changes).toHaveLength(2);
  });

  it('recovers a month sent or paid that the event ended, as a negative payment', () => {
    const changes = settleAfterLifeEvent(childDied('2026-01-20'), [paid, february, march], ctx);
    expect(changes.map((c) => c.next.paymentId)).toEqual(['C1-P0003', 'C1-P0004']);
    expect(pairs(changes[1]!.next.items)).toEqual([
      ['dependant_pension:2@2026-02', -3_000],
      ['dependant_pension:1@2026-03', 4_000],
    ]);
    expect(changes[1]!.next.amountFen).toBe(1_000);
  });

  it('re-instructs the one-offs of a cancelled payment, and never cancels a recovery or what the event leaves due', () => {
    const approval = payment(
      'C1-P0001',
      [
        ['funeral', 60_000],
        ['dependant_pension:2@2026-02', 3_000],
      ],
      { kind: 'approval' },
    );
    const recovery = payment('C1-P0002', [['dependant_pension:1@2026-01', -500]]);
    const spouseOnly = payment('C1-P0003', [['dependant_pension:1@2026-02', 4_000]]);
    const changes = settleAfterLifeEvent(
      deathCase({ lifeEvents: [event('DEPENDANT_DIED', '2026-01-20', 2)], approved: calculation('calc-1', [FUNERAL, SPOUSE, CHILD]) }),
      [approval, recovery, spouseOnly],
      { ...through('2026-02'), seq: 3, at: AT },
    );
    expect(changes.filter((c) => c.expected).map((c) => c.next.paymentId)).toEqual(['C1-P0001']);
    expect(pairs(changes.find((c) => !c.expected)!.next.items)).toEqual([
      ['funeral', 60_000],
      ['dependant_pension:1@2026-01', 4_500],
      ['dependant_pension:2@2026-01', 3_000],
    ]);
  });

  it('changes nothing when the event ends no month instructed and nothing else is owed', () => {
    expect(settleAfterLifeEvent(childDied('2026-03-12'), [paid, february, march], ctx)).toEqual([]);
  });
});

describe('when the case is PAID, and what is still to recover (D15)', () => {
  const approved = openedCaseRecord({ status: 'APPROVED', approved: calculation('calc-2', [oneOffLine('disability_lump_sum', 50_000)]) });
  const lump = (over: Partial<PaymentRecord> = {}) =>
    payment(
      'C1-P0001',
      [
        ['disability_lump_sum', 50_000],
        ['nursing@2026-01', 3_000],
      ],
      { kind: 'approval', calculationId: 'calc-2', ...over },
    );

  it('is PAID once every one-off payment of the latest approval is, or counts no more (its re-instruction counts instead)', () => {
    expect(approvalSettled(approved, [])).toBe(true);
    expect(approvalSettled(approved, [lump({ status: 'PAID' })])).toBe(true);
    expect(approvalSettled(approved, [lump({ status: 'PENDING' })])).toBe(true); // paid before v2
    expect(approvalSettled(approved, [lump({ status: 'CANCELLED' })])).toBe(true);
    for (const status of ['INSTRUCTED', 'SENT', 'RETURNED'] as const) expect(approvalSettled(approved, [lump({ status })])).toBe(false);
    const replaced = lump({ status: 'RETURNED', replacedBy: 'C1-P0002' });
    expect(approvalSettled(approved, [replaced, lump({ paymentId: 'C1-P0002', kind: 'reinstruction', status: 'PAID' })])).toBe(true);
    expect(approvalSettled(approved, [replaced, lump({ paymentId: 'C1-P0002', kind: 'reinstruction', status: 'SENT' })])).toBe(false);
    // A life event's settlement re-instructing a cancelled one-off belongs to the approval too.
    expect(approvalSettled(approved, [lump({ status: 'CANCELLED' }), lump({ paymentId: 'C1-P0002', kind: 'life-event', status: 'SENT' })])).toBe(false);
  });

  it("does not wait for an earlier approval's one-offs, monthly payments or recoveries (D15: the latest approval's one-off payments)", () => {
    expect(approvalSettled(approved, [lump({ calculationId: 'calc-1', status: 'SENT' })])).toBe(true);
    expect(approvalSettled(approved, [lump({ status: 'PAID' }), payment('C1-P0002', [['nursing@2026-02', 3_000]], { calculationId: 'calc-2' })])).toBe(true);
    expect(
      approvalSettled(approved, [
        lump({ status: 'PAID' }),
        payment('C1-P0002', [['disability_lump_sum', -5_000]], { kind: 'approval', calculationId: 'calc-2' }),
      ]),
    ).toBe(true);
    expect(approvalSettled(openedCaseRecord(), [lump({ status: 'SENT' })])).toBe(true); // nothing approved: nothing to wait for
  });

  it('shows what recoveries have not yet offset', () => {
    const recovery = (fen: number, over: Partial<PaymentRecord> = {}) => payment(`R${fen}`, [['nursing@2026-01', -fen]], over);
    expect(recoveryDueFen([])).toBe(0);
    expect(recoveryDueFen([recovery(5_000), recovery(3_000, { offsetFen: 1_000 }), recovery(2_000, { status: 'PAID', offsetFen: 2_000 }), lump()])).toBe(7_000);
  });
});

describe('bank batches (D15: recoveries offset, never sent)', () => {
  const positive = (id: string, fen: number, createdAt = AT) => payment(id, [['nursing@2026-01', fen]], { createdAt });
  const recovery = (id: string, fen: number, over: Partial<PaymentRecord> = {}) => payment(id, [['disability_lump_sum', -fen]], over);

  it('sends each instructed payment of the case in the batch, at its full amount when nothing is to recover', () => {
    const { changes, lines } = batchCase([positive('P1', 5_000), positive('P0', 1_000, '2026-03-15T00:00:00Z')], 'B1', AT);
    expect(changes.map((c) => [c.next.paymentId, c.next.status, c.expected])).toEqual([
      ['P0', 'SENT', 'INSTRUCTED'],
      ['P1', 'SENT', 'INSTRUCTED'],
    ]);
    expect(changes[0]?.next).toMatchObject({ batchId: 'B1', sentAt: AT });
    expect(changes[0]?.next).not.toHaveProperty('offsets');
    expect(lines.map((l) => [l.payment.paymentId, l.bankAmountFen])).toEqual([
      ['P0', 1_000],
      ['P1', 5_000],
    ]);
  });

  it('offsets recoveries against the positive payments in the order they were instructed', () => {
    const { changes, lines } = batchCase([recovery('R1', 3_000), positive('P1', 5_000), positive('P2', 4_000)], 'B1', AT);
    expect(lines.map((l) => [l.payment.paymentId, l.bankAmountFen])).toEqual([
      ['P1', 2_000],
      ['P2', 4_000],
    ]);
    expect(changes.find((c) => c.next.paymentId === 'P1')?.next.offsets).toEqual([{ paymentId: 'R1', fen: 3_000 }]);
    expect(changes.find((c) => c.next.paymentId === 'R1')).toEqual({
      next: { ...recovery('R1', 3_000), offsetFen: 3_000, status: 'PAID', settledAt: AT },
      expected: 'INSTRUCTED',
    });
    expect(bankAmountFen(changes[0]!.next)).toBe(2_000);
    expect(bankAmountFen(positive('P9', 700))).toBe(700);
  });

  it('settles a payment fully offset without the bank, and keeps what is left of a larger recovery for a later batch', () => {
    const first = batchCase([recovery('R1', 10_000), positive('P1', 4_000)], 'B1', AT);
    expect(first.lines).toEqual([]);
    expect(first.changes.map((c) => c.next)).toEqual([
      { ...positive('P1', 4_000), status: 'PAID', batchId: 'B1', sentAt: AT, settledAt: AT, offsets: [{ paymentId: 'R1', fen: 4_000 }] },
      { ...recovery('R1', 10_000), offsetFen: 4_000 },
    ]);
    const r1 = first.changes[1]!.next;
    expect(recoveryDueFen([r1])).toBe(6_000);
    const second = batchCase([r1, positive('P2', 9_000, '2026-04-01T00:00:00Z')], 'B2', AT);
    expect(second.lines.map((l) => l.bankAmountFen)).toEqual([3_000]);
    expect(second.changes[1]?.next).toMatchObject({ offsetFen: 10_000, status: 'PAID' });
  });

  it('offsets several recoveries against one payment', () => {
    const { changes, lines } = batchCase([recovery('R1', 1_000), recovery('R2', 2_000, { offsetFen: 500 }), positive('P1', 5_000)], 'B1', AT);
    expect(lines[0]?.bankAmountFen).toBe(2_500);
    expect(changes[0]?.next.offsets).toEqual([
      { paymentId: 'R1', fen: 1_000 },
      { paymentId: 'R2', fen: 1_500 },
    ]);
    expect(changes.slice(1).map((c) => [c.next.paymentId, c.next.status, c.next.offsetFen])).toEqual([
      ['R1', 'PAID', 1_000],
      ['R2', 'PAID', 2_000],
    ]);
  });

  it('orders payments instructed at the same time by id, and leaves payments not instructed alone', () => {
    const same = [positive('C1-P0003', 1), positive('C1-P0001', 1), positive('C1-P0002', 1)];
    expect(batchCase(same, 'B1', AT).lines.map((l) => l.payment.paymentId)).toEqual(['C1-P0001', 'C1-P0002', 'C1-P0003']);
    const settled = (['SENT', 'PAID', 'RETURNED', 'CANCELLED'] as const).map((status, i) => payment(`X${i}`, [['nursing@2026-01', 1]], { status }));
    expect(batchCase([...settled, recovery('R1', 100)], 'B1', AT)).toEqual({ changes: [], lines: [] });
  });
});

describe("the bank's results (D15)", () => {
  const sent = payment('C1-P0002', [['disability_lump_sum', 5_000]], { status: 'SENT', batchId: 'B1', offsets: [{ paymentId: 'C1-P0001', fen: 3_000 }] });
  const offsetRecovery = payment('C1-P0001', [['nursing@2026-01', -3_000]], { status: 'PAID', offsetFen: 3_000, settledAt: AT });
  const plain = payment('C1-P0003', [['nursing@2026-02', 3_000]], { status: 'SENT', batchId: 'B1' });
  const ledger = [offsetRecovery, sent, plain];
  const LATER = '2026-03-20T02:00:00.000Z';

  it('rejects a payment that is not in the batch', () => {
    expect(applyBankResult(ledger, 'B1', { paymentId: 'C1-P0009', status: 'PAID' }, LATER)).toEqual({ kind: 'rejected', reason: 'NOT_IN_BATCH' });
    expect(applyBankResult(ledger, 'B2', { paymentId: 'C1-P0003', status: 'PAID' }, LATER)).toEqual({ kind: 'rejected', reason: 'NOT_IN_BATCH' });
  });

  it('marks a sent payment PAID, conditional on it still being SENT; the same result again is a duplicate', () => {
    const outcome = applyBankResult(ledger, 'B1', { paymentId: 'C1-P0003', status: 'PAID' }, LATER);
    expect(outcome).toEqual({ kind: 'applied', changes: [{ next: { ...plain, status: 'PAID', settledAt: LATER }, expected: 'SENT' }] });
    const paid = [offsetRecovery, sent, { ...plain, status: 'PAID' as const }];
    expect(applyBankResult(paid, 'B1', { paymentId: 'C1-P0003', status: 'PAID' }, LATER)).toEqual({ kind: 'duplicate' });
    expect(applyBankResult(paid, 'B1', { paymentId: 'C1-P0003', status: 'RETURNED' }, LATER)).toEqual({ kind: 'rejected', reason: 'ALREADY_SETTLED' });
  });

  it('marks a returned payment with the reason, and gives back the recoveries offset against it', () => {
    const outcome = applyBankResult(ledger, 'B1', { paymentId: 'C1-P0002', status: 'RETURNED', returnReason: '账户已销户' }, LATER);
    expect(outcome).toEqual({
      kind: 'applied',
      changes: [
        { next: { ...sent, status: 'RETURNED', settledAt: LATER, returnReason: '账户已销户' }, expected: 'SENT' },
        { next: { ...payment('C1-P0001', [['nursing@2026-01', -3_000]]), offsetFen: 0 }, expected: 'PAID' },
      ],
    });
    const returned = [offsetRecovery, { ...sent, status: 'RETURNED' as const }, plain];
    expect(applyBankResult(returned, 'B1', { paymentId: 'C1-P0002', status: 'RETURNED' }, LATER)).toEqual({ kind: 'duplicate' });
    expect(applyBankResult(returned, 'B1', { paymentId: 'C1-P0002', status: 'PAID' }, LATER)).toEqual({ kind: 'rejected', reason: 'ALREADY_SETTLED' });
  });

  it('gives back part of a recovery still being offset, names no reason the bank gave none, and skips an offset it cannot find', () => {
    const partly = payment('C1-P0001', [['nursing@2026-01', -5_000]], { offsetFen: 4_000 });
    const twice = { ...sent, offsets: [...(sent.offsets ?? []), { paymentId: 'C1-P0000', fen: 1_000 }] };
    const outcome = applyBankResult([partly, twice], 'B1', { paymentId: 'C1-P0002', status: 'RETURNED' }, LATER);
    expect(outcome.kind === 'applied' && outcome.changes.map((c) => [c.next.paymentId, c.next.status, c.next.offsetFen, c.expected])).toEqual([
      ['C1-P0002', 'RETURNED', undefined, 'SENT'],
      ['C1-P0001', 'INSTRUCTED', 1_000, 'INSTRUCTED'],
    ]);
    expect(outcome.kind === 'applied' && outcome.changes[0]?.next).not.toHaveProperty('returnReason');
    // Nothing offset against it: only the payment changes. An offset its recovery never recorded (an inconsistent
    // ledger) is given back from zero, not repaired here.
    expect(applyBankResult(ledger, 'B1', { paymentId: 'C1-P0003', status: 'RETURNED' }, LATER)).toMatchObject({
      kind: 'applied',
      changes: [{ expected: 'SENT' }],
    });
    const unrecorded = payment('C1-P0001', [['nursing@2026-01', -5_000]]);
    const given = applyBankResult([unrecorded, sent], 'B1', { paymentId: 'C1-P0002', status: 'RETURNED' }, LATER);
    expect(given.kind === 'applied' && given.changes[1]?.next.offsetFen).toBe(-3_000);
  });

  it('rejects a result for a payment in the batch that is not sent', () => {
    for (const status of ['INSTRUCTED', 'CANCELLED'] as const)
      expect(applyBankResult([{ ...plain, status }], 'B1', { paymentId: 'C1-P0003', status: 'PAID' }, LATER)).toEqual({ kind: 'rejected', reason: 'NOT_SENT' });
  });
});

describe('re-instruction once the payee is corrected (D14, D15)', () => {
  const returned = payment('C1-P0002', [['disability_lump_sum', 5_000]], {
    kind: 'approval',
    status: 'RETURNED',
    batchId: 'B1',
    settledAt: '2026-03-15T00:00:00.000Z',
    calculationId: 'calc-1',
    returnReason: '户名不符',
  });
  const newPayee = { ...PAYEE, bankAccountLast4: '5678', changedBy: 'h1' };
  const corrected = allowanceCase({ payee: newPayee });

  it('replaces each returned payment by exactly one new payment of the same items to the new payee', () => {
    const second = payment('C1-P0003', [['nursing@2026-02', 3_000]], { status: 'RETURNED', settledAt: '2026-03-15T00:00:00.000Z' });
    const changes = reinstructions(corrected, [JANUARY, returned, second], { seq: 3, at: AT });
    expect(changes).toEqual([
      { next: { ...returned, replacedBy: 'C1-P0004' }, expected: 'RETURNED' },
      {
        next: {
          paymentId: 'C1-P0004',
          caseId: 'C1',
          key: 'C1-P0004',
          kind: 'reinstruction',
          amountFen: 5_000,
          status: 'INSTRUCTED',
          items: returned.items,
          createdAt: AT,
          province: '110000',
          payee: newPayee,
          calculationId: 'calc-1',
          replaces: 'C1-P0002',
        },
      },
      { next: { ...second, replacedBy: 'C1-P0005' }, expected: 'RETURNED' },
      expect.objectContaining({ next: expect.objectContaining({ paymentId: 'C1-P0005', replaces: 'C1-P0003' }) }),
    ]);
    expect(newPayments(changes)).toBe(2);
  });

  it('never replaces a payment twice, nor one returned after the correction', () => {
    expect(reinstructions(corrected, [{ ...returned, replacedBy: 'C1-P0004' }], { seq: 4, at: AT })).toEqual([]);
    expect(reinstructions(corrected, [{ ...returned, settledAt: '2026-03-17T00:00:00.000Z' }], { seq: 4, at: AT })).toEqual([]);
  });

  it('copies only what the returned payment has, and names no payee the case lacks', () => {
    const { province: _p, calculationId: _c, settledAt: _s, ...bare } = returned;
    const { payee: _payee, ...withoutPayee } = corrected;
    const [, next] = reinstructions(withoutPayee, [bare], { seq: 0, at: AT });
    for (const key of ['province', 'calculationId', 'payee']) expect(next?.next).not.toHaveProperty(key);
    expect(next?.next.paymentId).toBe('C1-P0001');
  });
});

describe('fund movements (D15 fund report)', () => {
  const p = (status: PaymentStatus, over: Partial<PaymentRecord> = {}) => payment('C1-P0001', [['nursing@2026-01', 3_000]], { status, ...over });
  const kinds = (change: Parameters<typeof fundMovements>[0]) => fundMovements(change).map((m) => [m.kind, m.offsetFen]);

  it('records each amount as it enters a state', () => {
    expect(kinds({ next: p('INSTRUCTED') })).toEqual([['instructed', 0]]);
    expect(kinds({ next: p('SENT', { offsets: [{ paymentId: 'R', fen: 1_000 }] }), expected: 'INSTRUCTED' })).toEqual([['sent', 1_000]]);
    expect(kinds({ next: p('PAID'), expected: 'SENT' })).toEqual([['paid', 0]]);
    expect(kinds({ next: p('RETURNED'), expected: 'SENT' })).toEqual([['returned', 0]]);
    expect(kinds({ next: p('CANCELLED'), expected: 'INSTRUCTED' })).toEqual([['cancelled', 0]]);
  });

  it('sends and pays at once a payment fully offset: the bank moved nothing (paid less offsets = 0)', () => {
    expect(kinds({ next: p('PAID', { offsets: [{ paymentId: 'R', fen: 3_000 }] }), expected: 'INSTRUCTED' })).toEqual([
      ['sent', 3_000],
      ['paid', 3_000],
    ]);
  });

  it('records the offsets of a paid or returned payment, so the report can say what the bank moved', () => {
    const offsets = [{ paymentId: 'R', fen: 1_000 }];
    expect(kinds({ next: p('PAID', { offsets }), expected: 'SENT' })).toEqual([['paid', 1_000]]);
    expect(kinds({ next: p('RETURNED', { offsets }), expected: 'SENT' })).toEqual([['returned', 1_000]]);
  });

  it('records nothing for recoveries, nets of zero, unchanged statuses or anything else', () => {
    expect(kinds({ next: p('INSTRUCTED', { amountFen: -3_000 }) })).toEqual([]);
    expect(kinds({ next: p('PAID', { amountFen: -3_000 }), expected: 'INSTRUCTED' })).toEqual([]);
    expect(kinds({ next: p('PAID', { amountFen: 0 }) })).toEqual([]);
    expect(kinds({ next: p('RETURNED', { replacedBy: 'C1-P0002' }), expected: 'RETURNED' })).toEqual([]);
    expect(kinds({ next: p('INSTRUCTED'), expected: 'SENT' })).toEqual([]);
    expect(kinds({ next: p('PAID') })).toEqual([]); // created settled: only a net of zero is
  });
});
