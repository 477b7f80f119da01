/**
 * Properties of the payment chain over random lives of one case (D10, D14–D16): approvals of recalculations
 * with other monthly amounts and one-offs, runs for the current or next month of a moving clock, bank batches
 * and results, payee corrections with re-instruction, life events, certifications and lapses. The real core
 * functions drive the case; the payments are stored as the repository stores them. What the case is owed
 * is computed here on the side, from what was approved, the life events, the grants and certifications.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addMonthsToMonth,
  applyBankResult,
  applyPendingStep,
  bankAmountFen,
  batchCase,
  type BenefitLine,
  type CaseDocument,
  type CaseRecord,
  countsAsInstructed,
  type Ledger,
  type LifeEventType,
  type MonthlyEntitlement,
  monthlyItemsDue,
  monthlyPayment,
  monthOfDate,
  approvalSettled,
  type PaymentRecord,
  paymentIdOf,
  type Person,
  personOfKey,
  recordStep,
  recoveryDueFen,
  SEEDED_CALENDARS,
  shanghaiDate,
  type StepContext,
  type StepInput,
  type StoredCalculation,
  sweepCase,
  type Transition,
  WorkingDayCalendar,
} from '../../../core/index.ts';
import { applyPaymentChanges, CASE_NOW, calculation, monthlyLine, oneOffLine, openedCaseRecord } from './fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const DAY = 86_400_000;

/** A bank account proof handed in by the handler who corrects the payee. */
const PROOF: CaseDocument = {
  documentId: 'D-BANK',
  caseId: 'C1',
  type: 'BANK_ACCOUNT_PROOF',
  fileName: '银行卡.pdf',
  contentType: 'application/pdf',
  sizeBytes: 10,
  status: 'AVAILABLE',
  createdAt: CASE_NOW.toISOString(),
  expiresAt: CASE_NOW.toISOString(),
  uploadedBy: 'handler-2',
  uploaderRole: 'handler',
};

// ── The operations ─────────────────────────────────────────────────────────────────────────────────

const amount = fc.integer({ min: 0, max: 6 }).map((n) => n * 1_000);
const operation = fc.record({
  /** Days the clock moves first: mostly a few, sometimes a month or two. */
  days: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5 }), weight: 3 }, { arbitrary: fc.integer({ min: 6, max: 70 }), weight: 2 }),
  op: fc.constantFrom(
    'recalculate',
    'approve',
    'approve',
    'run',
    'run',
    'run',
    'batch',
    'batch',
    'batch',
    'bank',
    'bank',
    'bank',
    'payee',
    'life',
    'certify',
    'sweep',
  ),
  /** recalculate: the one-off and monthly amounts (0: the line is gone) and the first month. */
  oneOff: amount,
  monthlyA: amount,
  monthlyB: amount,
  fromMonth: fc.constantFrom('2026-02', '2026-03', '2026-04'),
  /** run: the current month or the next one. */
  next: fc.boolean(),
  /** bank: which sent payment, what the bank says, and whether it says it twice. */
  pick: fc.nat(),
  paid: fc.boolean(),
  replay: fc.boolean(),
  /** life: which event, how many days ago. */
  event: fc.nat({ max: 1 }),
  daysAgo: fc.integer({ min: 0, max: 90 }),
  /** certify: the worker or a dependant. */
  person: fc.constantFrom(1, 2),
});
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** The lines of a calculation of this case (injury: lump sum, allowance and nursing; death: funeral and two pensions). */
function linesOf(kind: CaseRecord['kind'], o: Pick<Operation, 'oneOff' | 'monthlyA' | 'monthlyB' | 'fromMonth'>): BenefitLine[] {
  const lines =
    kind === 'injury'
      ? [
          oneOffLine('disability_lump_sum', 40_000 + o.oneOff),
          monthlyLine('disability_allowance', o.monthlyA, o.fromMonth, { untilMonth: '2028-01' }),
          monthlyLine('nursing', o.monthlyB, o.fromMonth),
        ]
      : [
          oneOffLine('funeral', 60_000 + o.oneOff),
          monthlyLine('dependant_pension:1', o.monthlyA, o.fromMonth),
          monthlyLine('dependant_pension:2', o.monthlyB, o.fromMonth, { untilMonth: '2027-06' }), // the child turns 18
        ];
  return lines.filter((l) => l.amountFen > 0);
}

// ── What the case is owed, on the side ─────────────────────────────────────────────────────────────

interface Model {
  approved?: StoredCalculation;
  events: { type: LifeEventType; on: string; dependantIndex?: number }[];
  /** Person → the date of the approval that first granted them a monthly item, and of their last certification. */
  grants: Map<string, string>;
  certified: Map<string, string>;
}

/** The latest settlement: the month it settled through, and who was held then (D16). */
interface Settled {
  readonly through: string;
  readonly heldFrom: ReadonlyMap<string, string | undefined>;
}

const entitlement = (m: Model): MonthlyEntitlement => {
  const endedOn: Record<string, string> = {};
  let workerDiedOn: string | undefined;
  for (const e of m.events) {
    if (e.type === 'WORKER_DIED') workerDiedOn = e.on;
    else endedOn[e.type === 'RETIRED' ? 'disability_allowance' : `dependant_pension:${e.dependantIndex}`] = e.on;
  }
  return { lines: m.approved?.lines ?? [], endedOn, ...(workerDiedOn ? { workerDiedOn } : {}) };
};

/** D16: from the month after the certification was due, once it has lapsed on `asOf`. */
const heldFrom = (m: Model, person: string, asOf: string): string | undefined => {
  const from = m.certified.get(person) ?? m.grants.get(person);
  if (from === undefined) return undefined;
  const due = addMonths(from, 12);
  return asOf > due ? addMonthsToMonth(monthOfDate(due), 1) : undefined;
};

/** Per item key, the sum of the payments' items (`of`: each item's part, 0 to leave it out). */
const perKey = (payments: readonly PaymentRecord[], of: (p: PaymentRecord, fen: number) => number = (_p, fen) => fen): Map<string, number> => {
  const sums = new Map<string, number>();
  for (const p of payments) for (const i of p.items) sums.set(i.key, (sums.get(i.key) ?? 0) + of(p, i.amountFen));
  return sums;
};
/** Per item key, the sum instructed (D15: what counts as instructed). */
const counted = (payments: readonly PaymentRecord[]) => perKey(payments.filter(countsAsInstructed));

const maxOf = (list: readonly string[]) => [...list].sort().at(-1);

describe('the payment chain over random lives of a case (D10, D14–D16)', () => {
  it('instructs exactly what the latest approval owes per line and month, pays no more, and replaces a returned payment once', () => {
    /** How many lives reached each situation. */
    const seen = { returned: 0, reinstructed: 0, offset: 0, lapsedHeld: 0, lifeEvents: 0, lifeEventRecoveries: 0, recoveries: 0 };
    fc.assert(
      fc.property(fc.constantFrom('injury' as const, 'death' as const), fc.array(operation, { minLength: 15, maxLength: 45 }), (kind, operations) => {
        let now = CASE_NOW;
        const today = () => shanghaiDate(now);
        let calcs = 1;
        let record: CaseRecord = openedCaseRecord({
          kind,
          status: 'AWAITING_APPROVAL',
          benefits: calculation('calc-1', linesOf(kind, { oneOff: 0, monthlyA: 4_000, monthlyB: 3_000, fromMonth: '2026-02' })),
          ...(kind === 'death'
            ? {
                dependants: [
                  { name: '李四', relation: 'spouse', orphanOrAlone: false },
                  { name: '李小', relation: 'child', orphanOrAlone: false, birthDate: '2009-06-01' },
                ],
              }
            : {}),
        });
        let ledger: Ledger = { seq: 0, payments: [] };
        const model: Model = { events: [], grants: new Map(), certified: new Map() };
        let settled: Settled | undefined;
        let batches = 0;
        const reached = new Set<keyof typeof seen>();

        const ctx = (actor: string, over: Partial<StepContext> = {}): StepContext => ({
          actor,
          role: 'handler',
          now,
          calendar,
          documents: [PROOF],
          ledger,
          ...over,
        });
        /** Stores a transition as the repository does: the record, its payment changes and the ledger advance. */
        const store = (t: Transition) => {
          record = t.record;
          if (!t.ledger) return;
          expect(t.ledger.from).toBe(ledger.seq);
          for (const c of t.payments ?? []) if (!c.expected) expect(Number(c.next.paymentId.slice(-4))).toBeLessThanOrEqual(t.ledger.to);
          ledger = { seq: t.ledger.to, payments: applyPaymentChanges(ledger.payments, t.payments ?? []) };
        };
        const settle = (through: string) => {
          const persons = ['worker', '1', '2'];
          settled = { through, heldFrom: new Map(persons.map((p) => [p, heldFrom(model, p, today())])) };
        };

        /**
         * After every step: instructed = owed for every settled line and month not held, and PAID no more than owed
         * but for what is instructed to be recovered; one-offs likewise.
         */
        const check = () => {
          const sums = counted(ledger.payments);
          const live = ledger.payments.filter(countsAsInstructed);
          const paid = perKey(live, (p, fen) => (p.status === 'PAID' ? fen : 0));
          const toRecover = perKey(live, (p, fen) => (p.status !== 'PAID' && fen < 0 ? -fen : 0));
          const owes = (key: string, fen: number) => {
            expect(sums.get(key) ?? 0, `${key} instructed`).toBe(fen);
            expect(paid.get(key) ?? 0, `${key} paid`).toBeLessThanOrEqual(fen + (toRecover.get(key) ?? 0));
          };
          if (settled && model.approved) {
            const e = entitlement(model);
            for (const l of model.approved.lines.filter((x) => !x.monthly)) owes(l.key, l.amountFen);
            for (const key of sums.keys()) if (!key.includes('@') && !model.approved.lines.some((l) => l.key === key)) owes(key, 0); // a one-off no longer owed
            const months = [...sums.keys()].filter((k) => k.includes('@')).map((k) => k.split('@')[1]!);
            const last = maxOf([settled.through, ...months])!;
            const first = [...model.approved.lines.filter((l) => l.fromMonth).map((l) => l.fromMonth!), ...months].sort()[0];
            for (let m = first; m !== undefined && m <= last; m = addMonthsToMonth(m, 1)) {
              const due = new Map(monthlyItemsDue(e, m).map((i) => [i.key, i.amountFen]));
              const keys = new Set([...due.keys(), ...[...sums.keys()].filter((k) => k.endsWith(`@${m}`))]);
              for (const key of keys) {
                const from = settled.heldFrom.get(String(personOfKey(key)));
                if (from !== undefined && m >= from) {
                  reached.add('lapsedHeld');
                  continue; // kept owed (or not yet recovered) until certified again
                }
                owes(key, due.get(key) ?? 0);
              }
            }
          }
          // The money: what the bank paid, plus what is on its way, less what is still to recover, is what is instructed.
          const sum = (list: readonly PaymentRecord[], f: (p: PaymentRecord) => number) => list.reduce((s, p) => s + f(p), 0);
          const positive = (status: string) => live.filter((p) => p.amountFen > 0 && p.status === status);
          const paidOut = sum(positive('PAID'), bankAmountFen);
          const onItsWay =
            sum(positive('SENT'), bankAmountFen) + sum(positive('INSTRUCTED'), (p) => p.amountFen) + sum(positive('RETURNED'), (p) => p.amountFen);
          expect(paidOut + onItsWay - recoveryDueFen(ledger.payments)).toBe(sum(live, (p) => p.amountFen));
          expect(paidOut).toBeLessThanOrEqual(sum(live, (p) => p.amountFen) + recoveryDueFen(ledger.payments)); // never more than owed
          // Recoveries never go to the bank; a returned payment is replaced at most once, by one of the same amount.
          for (const p of ledger.payments) {
            if (p.amountFen < 0) expect(['INSTRUCTED', 'PAID']).toContain(p.status);
            const replacements = ledger.payments.filter((r) => r.replaces === p.paymentId);
            expect(replacements.length).toBeLessThanOrEqual(1);
            if (p.replacedBy) expect(replacements.map((r) => [r.paymentId, r.amountFen])).toEqual([[p.replacedBy, p.amountFen]]);
          }
        };

        for (const o of operations) {
          now = new Date(now.getTime() + o.days * DAY);
          const before = counted(ledger.payments);
          let settles = false;
          switch (o.op) {
            case 'recalculate': {
              // A new conclusion, appeal or review: the case awaits approval of a new calculation.
              if (record.pendingStep) break;
              calcs++;
              record = { ...record, status: 'AWAITING_APPROVAL', benefits: calculation(`calc-${calcs}`, linesOf(kind, o)), version: record.version + 1 };
              break;
            }
            case 'approve': {
              if (record.status !== 'AWAITING_APPROVAL') break;
              const input: StepInput = { step: 'approval', decision: 'approve', calculationId: record.benefits!.calculationId };
              const recorded = recordStep(record, input, ctx('reviewer-1'));
              if (!recorded.ok) throw new Error(recorded.refusal.code);
              store(recorded);
              const applied = applyPendingStep(record, { now, ledger });
              if (!applied.ok) throw new Error(applied.refusal.code);
              store(applied);
              model.approved = record.approved;
              for (const l of model.approved!.lines.filter((x) => x.monthly)) {
                const person = String(personOfKey(l.key));
                if (!model.grants.has(person)) model.grants.set(person, today());
              }
              expect(record.status).toBe(approvalSettled(record, ledger.payments) ? 'PAID' : 'APPROVED');
              settle(monthOfDate(today()));
              settles = true;
              break;
            }
            case 'run': {
              const month = addMonthsToMonth(monthOfDate(today()), o.next ? 1 : 0);
              const p = monthlyPayment(record, ledger, month, `run-${month}`, now);
              if (p) {
                expect(p.paymentId).toBe(paymentIdOf('C1', ledger.seq + 1));
                ledger = { seq: ledger.seq + 1, payments: applyPaymentChanges(ledger.payments, [{ next: p }]) };
              }
              expect(monthlyPayment(record, ledger, month, 'again', now)).toBeUndefined(); // a month is instructed once
              if (record.approved) {
                settle(month);
                settles = true;
              }
              break;
            }
            case 'batch': {
              batches++;
              const { changes, lines } = batchCase(ledger.payments, `B${batches}`, now.toISOString());
              for (const l of lines) {
                expect(l.bankAmountFen).toBeGreaterThan(0);
                expect(l.bankAmountFen).toBe(bankAmountFen(l.payment));
              }
              if (changes.some((c) => c.next.offsets?.length)) reached.add('offset');
              ledger = { ...ledger, payments: applyPaymentChanges(ledger.payments, changes) };
              expect(ledger.payments.filter((p) => p.status === 'INSTRUCTED' && p.amountFen > 0)).toEqual([]);
              break;
            }
            case 'bank': {
              const sent = ledger.payments.filter((p) => p.status === 'SENT');
              if (sent.length === 0) break;
              const p = sent[o.pick % sent.length]!;
              const status = o.paid ? ('PAID' as const) : ('RETURNED' as const);
              const outcome = applyBankResult(ledger.payments, p.batchId!, { paymentId: p.paymentId, status, returnReason: '账户已销户' }, now.toISOString());
              if (outcome.kind !== 'applied') throw new Error(`bank result ${outcome.kind}`);
              ledger = { ...ledger, payments: applyPaymentChanges(ledger.payments, outcome.changes) };
              if (status === 'RETURNED') reached.add('returned');
              if (o.replay) {
                expect(applyBankResult(ledger.payments, p.batchId!, { paymentId: p.paymentId, status }, now.toISOString())).toEqual({ kind: 'duplicate' });
                const other = o.paid ? ('RETURNED' as const) : ('PAID' as const);
                expect(applyBankResult(ledger.payments, p.batchId!, { paymentId: p.paymentId, status: other }, now.toISOString())).toEqual({
                  kind: 'rejected',
                  reason: 'ALREADY_SETTLED',
                });
              }
              break;
            }
            case 'payee': {
              // A handler corrects the payee on a bank account proof; with payments a reviewer confirms it.
              const waiting = ledger.payments.filter((p) => p.status === 'RETURNED' && !p.replacedBy).map((p) => p.paymentId);
              const input: StepInput = {
                step: 'payee',
                payee: {
                  nameEnc: `enc-${o.pick}`,
                  bankAccountEnc: `enc-${o.pick}`,
                  bankAccountLast4: String(o.pick % 10_000).padStart(4, '0'),
                  nameInitial: '张',
                },
                documentId: PROOF.documentId,
                beneficiary: true,
              };
              const changed = recordStep(record, input, ctx('handler-2'));
              if (!changed.ok) throw new Error(changed.refusal.code);
              store(changed);
              if (!record.pendingPayee) break;
              const confirmed = recordStep(record, { step: 'payee-confirmation' }, ctx('reviewer-2'));
              if (!confirmed.ok) throw new Error(confirmed.refusal.code);
              store(confirmed);
              for (const id of waiting) {
                const replaced = ledger.payments.find((p) => p.paymentId === id)!;
                expect(replaced.replacedBy).toBeDefined();
                expect(ledger.payments.find((p) => p.paymentId === replaced.replacedBy)).toMatchObject({ status: 'INSTRUCTED', payee: record.payee });
              }
              if (waiting.length > 0) reached.add('reinstructed');
              break;
            }
            case 'life': {
              const on = [addDays(today(), -o.daysAgo), record.injuryDate].sort().at(-1)!;
              const type: LifeEventType = kind === 'death' ? 'DEPENDANT_DIED' : o.event === 0 ? 'WORKER_DIED' : 'RETIRED';
              const dependantIndex = kind === 'death' ? o.person : undefined;
              const outcome = recordStep(record, { step: 'life-event', type, on, ...(dependantIndex ? { dependantIndex } : {}) }, ctx('handler-1'));
              if (!outcome.ok) {
                expect(['STEP_NOT_ACCEPTED', 'LIFE_EVENT_RECORDED']).toContain(outcome.refusal.code);
                break;
              }
              store(outcome);
              model.events.push({ type, on, ...(dependantIndex ? { dependantIndex } : {}) });
              reached.add('lifeEvents');
              if ((outcome.payments ?? []).some((c) => !c.expected && c.next.amountFen < 0)) reached.add('lifeEventRecoveries');
              settle(monthOfDate(today()));
              settles = true;
              break;
            }
            case 'certify': {
              const person: Person = kind === 'death' ? o.person : 'worker';
              const outcome = recordStep(record, { step: 'certification', ...(kind === 'death' ? { personIndex: o.person } : {}) }, ctx('handler-1'));
              if (!outcome.ok) {
                expect(['STEP_NOT_ACCEPTED', 'NOT_MONTHLY_RECIPIENT']).toContain(outcome.refusal.code);
                break;
              }
              store(outcome);
              model.certified.set(String(person), today());
              break;
            }
            case 'sweep': {
              const swept = sweepCase(record, ledger.payments, now, calendar);
              if (swept) store(swept);
              break;
            }
          }
          // Only an approval, a run or a life event changes what is instructed per line and month.
          if (!settles) expect(counted(ledger.payments)).toEqual(before);
          if (ledger.payments.some((p) => p.amountFen < 0)) reached.add('recoveries');
          check();
        }
        for (const what of reached) seen[what]++;
      }),
      { numRuns: 250 },
    );
    // The lives do reach returns, re-instructions, offsets, lapses, life events and recoveries.
    for (const [what, lives] of Object.entries(seen)) expect(lives, what).toBeGreaterThan(10);
    // 250 lives take ~3 s alone; a loaded machine may take longer: the timeout only guards a hang (speed lives in bench/).
  }, 60_000);
});
