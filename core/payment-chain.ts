/**
 * The payment chain (D15) and what a case is owed (D10, D16), pure.
 *
 * What a case is owed is one rule for every instruction — an approval, a month's run, a life event:
 * per benefit line and month, what the latest approved calculation owes for that month (after deaths,
 * retirements and lapsed certifications) less everything already instructed for it; the one-off lines
 * likewise without a month. The difference is instructed as one payment (positive pays, negative
 * recovers). So a month is paid once per case whatever happens to the calculation, and running,
 * approving or recording again pays nothing twice. The adapters serialise instructions per case (a
 * ledger sequence written with every instruction), so two that race compute one after the other.
 *
 * A payment then moves `INSTRUCTED` → `SENT` (in a bank batch of its province) → `PAID` | `RETURNED`.
 * Recoveries never go to the bank: a batch offsets them against the case's positive payments; a returned
 * payment gives its offsets back and is re-instructed once to the corrected payee.
 */
import { MONTHLY_ITEMS, type MonthlyEntitlement, monthlyItemsDue, net } from './benefits.ts';
import type { CaseRecord, Payee, PaymentItem, PaymentKind, PaymentRecord, PaymentStatus, Person } from './case-record.ts';
import { sumFen } from './money.ts';
import { ruleTableOn } from './rule-tables.ts';
import { addMonths, addMonthsToMonth, monthOfDate } from './time.ts';

const DEPENDANT = 'dependant_pension:';

/** The person a benefit line (or item) key pays: a dependant's position, else the worker. */
export const personOfKey = (key: string): Person => {
  const line = key.split('@')[0]!;
  return line.startsWith(DEPENDANT) ? Number(line.slice(DEPENDANT.length)) : 'worker';
};

/** The month of a monthly item (`<line key>@YYYY-MM`). */
const monthOfItem = (i: PaymentItem): string | undefined => i.month ?? i.key.split('@')[1];

/**
 * Whether a payment's items count as instructed (D15): everything but a cancelled one, a legacy failed
 * one, and a returned one that has been replaced (its replacement counts instead).
 */
export const countsAsInstructed = (p: PaymentRecord): boolean =>
  p.status !== 'CANCELLED' && p.status !== 'FAILED' && !(p.status === 'RETURNED' && p.replacedBy !== undefined);

/** Every item instructed so far on a case. */
export const instructedItems = (payments: readonly PaymentRecord[]): PaymentItem[] => payments.filter(countsAsInstructed).flatMap((p) => p.items);

const earlier = (a: string | undefined, b: string): string => (a === undefined || b < a ? b : a);

/** The monthly entitlement of the latest approved calculation after the recorded life events (D9, D16). */
export function entitlementOf(record: CaseRecord): MonthlyEntitlement | undefined {
  if (!record.approved) return undefined;
  const endedOn: Record<string, string> = {};
  let workerDiedOn: string | undefined;
  for (const e of record.lifeEvents ?? []) {
    if (e.type === 'WORKER_DIED') workerDiedOn = earlier(workerDiedOn, e.on);
    else {
      const key = e.type === 'RETIRED' ? 'disability_allowance' : `${DEPENDANT}${e.dependantIndex}`;
      endedOn[key] = earlier(endedOn[key], e.on);
    }
  }
  return { lines: record.approved.lines, endedOn, ...(workerDiedOn ? { workerDiedOn } : {}) };
}

// ── Certification (D16) ────────────────────────────────────────────────────────────────────────────

/** The persons the latest approval grants a monthly item (whether or not it still runs). */
export const monthlyRecipients = (record: CaseRecord): Person[] => {
  const persons = new Set<string>();
  for (const l of record.approved?.lines ?? []) if (l.monthly) persons.add(String(personOfKey(l.key)));
  return [...persons].map((p) => (p === 'worker' ? 'worker' : Number(p)));
};

/**
 * When the person's certification is due (D16): the rule table's `certificationMonths` (12) after the last certification, or after the
 * approval that first granted them a monthly item; undefined when no approval date is known (a case
 * approved before certification existed: the person counts as certified until certified once).
 */
export function certificationDueOn(record: CaseRecord, person: Person): string | undefined {
  const last = (record.certifications ?? [])
    .filter((c) => c.person === person)
    .map((c) => c.on)
    .sort()
    .at(-1);
  const from = last ?? record.monthlyGrants?.[String(person)];
  return from === undefined ? undefined : addMonths(from, ruleTableOn(record.injuryDate).benefits.certificationMonths);
}

/** The first month not paid because the person's certification lapsed before `asOf` (undefined: not lapsed). */
const heldFrom = (record: CaseRecord, person: Person, asOf: string): string | undefined => {
  const due = certificationDueOn(record, person);
  return due !== undefined && asOf > due ? addMonthsToMonth(monthOfDate(due), 1) : undefined;
};

// ── What is owed ───────────────────────────────────────────────────────────────────────────────────

export interface OwedContext {
  /** Monthly items are settled up to this month (and every month already instructed beyond it). */
  readonly throughMonth: string;
  /** Today (Asia/Shanghai): certifications lapse against it. */
  readonly asOf: string;
}

/** Per key: what is due minus what is instructed, for keys that do not balance (the netting of D10). */
const difference = (instructed: readonly PaymentItem[], due: readonly PaymentItem[], month?: string): PaymentItem[] =>
  net(instructed, due).map((i) => (month ? { ...i, month } : i));

/**
 * What the case is owed now, as items to instruct (D10, D15, D16): the one-off lines of the latest
 * approved calculation less the one-off items instructed, and for each month from the first payable or
 * instructed one up to `throughMonth` (or the last month already instructed, if later) the month's due
 * items less those instructed for it. The months of a person whose certification has lapsed are left
 * alone (neither paid nor recovered) until they are certified again. Empty: nothing owed.
 */
export function owedItems(record: CaseRecord, payments: readonly PaymentRecord[], ctx: OwedContext): PaymentItem[] {
  const entitlement = entitlementOf(record);
  if (!entitlement) return [];
  const instructed = instructedItems(payments);
  const monthly = instructed.filter((i) => MONTHLY_ITEMS.includes(i.item));
  const dueOneOff = entitlement.lines.filter((l) => !l.monthly).map(({ item, key, amountFen }) => ({ item, key, amountFen }));
  const out = difference(
    instructed.filter((i) => !MONTHLY_ITEMS.includes(i.item)),
    dueOneOff,
  );
  const instructedMonths = monthly.map((i) => monthOfItem(i)!);
  const months = [...entitlement.lines.filter((l) => l.monthly && l.fromMonth !== undefined).map((l) => l.fromMonth!), ...instructedMonths].sort();
  if (months.length === 0) return out;
  // Through the month asked, or the last one already instructed (a run may have paid ahead): never beyond.
  const last = [ctx.throughMonth, ...instructedMonths].sort().at(-1)!;
  const held = new Map<Person, string | undefined>();
  const lapsedFrom = (key: string, month: string) => {
    const person = personOfKey(key);
    if (!held.has(person)) held.set(person, heldFrom(record, person, ctx.asOf));
    const from = held.get(person);
    return from !== undefined && month >= from;
  };
  for (let m = months[0]!; m <= last; m = addMonthsToMonth(m, 1)) {
    const dueAll = monthlyItemsDue(entitlement, m);
    // A lapsed person's month is held (neither paid nor recovered) only while it is still due: a month a
    // death or retirement ended is recovered whatever the certification (the dead are never certified again).
    const isHeld = (key: string) => lapsedFrom(key, m) && dueAll.some((d) => d.key === key);
    const due = dueAll.filter((d) => !isHeld(d.key));
    const done = monthly.filter((i) => monthOfItem(i) === m && !isHeld(i.key));
    out.push(...difference(done, due, m));
  }
  return out;
}

/** The months a lapsed person is owed but not paid (D16 `owedMonths`), up to `throughMonth`. */
export function owedMonths(record: CaseRecord, payments: readonly PaymentRecord[], person: Person, ctx: OwedContext): string[] {
  const from = heldFrom(record, person, ctx.asOf);
  const entitlement = entitlementOf(record);
  if (from === undefined || !entitlement) return [];
  const mine = (key: string) => personOfKey(key) === person;
  const instructed = instructedItems(payments).filter((i) => mine(i.key));
  const out: string[] = [];
  for (let m = from; m <= ctx.throughMonth; m = addMonthsToMonth(m, 1)) {
    const due = monthlyItemsDue(entitlement, m).filter((d) => mine(d.key));
    if (
      difference(
        instructed.filter((i) => monthOfItem(i) === m),
        due,
      ).some((d) => d.amountFen > 0)
    )
      out.push(m);
  }
  return out;
}

/** The certification view of a case (D16): per person receiving a monthly item. */
export function certificationView(record: CaseRecord, payments: readonly PaymentRecord[], ctx: OwedContext) {
  return monthlyRecipients(record).map((person) => {
    const dueOn = certificationDueOn(record, person);
    return {
      person,
      ...(dueOn ? { dueOn } : {}),
      lapsed: dueOn !== undefined && ctx.asOf > dueOn,
      owedMonths: owedMonths(record, payments, person, ctx),
    };
  });
}

// ── Instructions ───────────────────────────────────────────────────────────────────────────────────

/** The id of the `n`-th payment instructed on a case (≤ 35 characters: a pain.001 EndToEndId). */
export const paymentIdOf = (caseId: string, n: number): string => `${caseId}-P${String(n).padStart(4, '0')}`;

export interface InstructionInput {
  /** The case's ledger sequence before this instruction: the payment takes number `seq + 1`. */
  readonly seq: number;
  readonly kind: PaymentKind;
  readonly at: string;
  readonly runId?: string;
  readonly calculationId?: string;
}

/**
 * One payment for `items` (D15: one per case and instruction), to the case's payee, or undefined when
 * nothing is owed. A net of zero (one item pays what another recovers) is settled at once.
 */
export function instruct(record: CaseRecord, items: readonly PaymentItem[], input: InstructionInput): PaymentRecord | undefined {
  if (items.length === 0) return undefined;
  const paymentId = paymentIdOf(record.caseId, input.seq + 1);
  const amountFen = sumFen(items.map((i) => i.amountFen));
  return {
    paymentId,
    caseId: record.caseId,
    key: paymentId,
    kind: input.kind,
    amountFen,
    status: amountFen === 0 ? 'PAID' : 'INSTRUCTED',
    items,
    createdAt: input.at,
    province: record.province,
    ...(record.payee ? { payee: record.payee } : {}),
    ...(input.runId ? { runId: input.runId } : {}),
    ...(input.calculationId ? { calculationId: input.calculationId } : {}),
    ...(amountFen === 0 ? { settledAt: input.at } : {}),
  };
}

/** A payment changed by a transition, with the status it must still have when stored (else the race is lost). */
export interface PaymentChange {
  readonly next: PaymentRecord;
  /** Absent: a new payment (created once). */
  readonly expected?: PaymentStatus;
}

/**
 * A life event (D16) settles the case again: instructed payments not yet sent that pay anything the
 * event ended are cancelled, and the difference is instructed (what the cancelled ones still owed, and
 * a recovery for months already sent or paid).
 */
export function settleAfterLifeEvent(record: CaseRecord, payments: readonly PaymentRecord[], ctx: OwedContext & { seq: number; at: string }): PaymentChange[] {
  const entitlement = entitlementOf(record);
  if (!entitlement) return [];
  const stillDue = (i: PaymentItem) => {
    const m = monthOfItem(i);
    if (!MONTHLY_ITEMS.includes(i.item) || m === undefined) return true;
    return monthlyItemsDue(entitlement, m).some((d) => d.key === i.key);
  };
  const cancelled = payments
    .filter((p) => p.status === 'INSTRUCTED' && p.amountFen > 0 && p.items.some((i) => !stillDue(i)))
    .map((p) => ({ next: { ...p, status: 'CANCELLED' as const, cancelledAt: ctx.at }, expected: 'INSTRUCTED' as const }));
  const after = withChanges(payments, cancelled);
  // Through the last month a cancelled payment paid (a run may have paid ahead): what it still owed is instructed again.
  const cancelledMonths = cancelled.flatMap((c) => c.next.items.map(monthOfItem).filter((m): m is string => m !== undefined));
  const throughMonth = [ctx.throughMonth, ...cancelledMonths].sort().at(-1)!;
  const payment = instruct(record, owedItems(record, after, { ...ctx, throughMonth }), {
    seq: ctx.seq,
    kind: 'life-event',
    at: ctx.at,
    calculationId: record.approved!.calculationId,
  });
  return [...cancelled, ...(payment ? [{ next: payment }] : [])];
}

/**
 * D15: whether every one-off payment of the latest approval is PAID — the payments instructed under its
 * calculation (by the approval, a life event's settlement or a re-instruction) that carry a positive one-off
 * amount. An approval that instructed none is settled at once (the case goes straight to PAID).
 */
export const approvalSettled = (record: CaseRecord, payments: readonly PaymentRecord[]): boolean =>
  payments
    .filter(
      (p) =>
        p.calculationId !== undefined &&
        p.calculationId === record.approved?.calculationId &&
        p.kind !== 'monthly' &&
        countsAsInstructed(p) &&
        p.items.some((i) => !MONTHLY_ITEMS.includes(i.item) && i.amountFen > 0),
    )
    .every((p) => p.status === 'PAID' || p.status === 'PENDING');

/** What the case still has to recover (D15 `recoveryDueFen`): recoveries not yet offset. */
export const recoveryDueFen = (payments: readonly PaymentRecord[]): number =>
  sumFen(payments.filter((p) => p.status === 'INSTRUCTED' && p.amountFen < 0).map((p) => -p.amountFen - (p.offsetFen ?? 0)));

// ── Bank batches ───────────────────────────────────────────────────────────────────────────────────

/** A payment in a batch's file, with what the bank pays (its amount less the recoveries offset against it). */
export interface BatchLine {
  readonly payment: PaymentRecord;
  readonly bankAmountFen: number;
}

/**
 * A case's instructed payments going into a bank batch (D15): recoveries are offset against the positive
 * payments in the order they were instructed; a positive payment with something left to pay is SENT (a
 * line of the file), one fully offset is settled (PAID) without the bank, as is a recovery fully offset.
 * Recoveries larger than what is sent stay INSTRUCTED with what is left.
 */
export function batchCase(payments: readonly PaymentRecord[], batchId: string, at: string): { changes: PaymentChange[]; lines: BatchLine[] } {
  const byTime = (a: PaymentRecord, b: PaymentRecord) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.paymentId < b.paymentId ? -1 : 1);
  const open = payments.filter((p) => p.status === 'INSTRUCTED').sort(byTime);
  const recoveries = open.filter((p) => p.amountFen < 0).map((p) => ({ p, left: -p.amountFen - (p.offsetFen ?? 0), used: 0 }));
  const changes: PaymentChange[] = [];
  const lines: BatchLine[] = [];
  for (const p of open.filter((x) => x.amountFen > 0)) {
    let rest = p.amountFen;
    const offsets: { paymentId: string; fen: number }[] = [];
    for (const r of recoveries) {
      const fen = Math.min(rest, r.left);
      if (fen === 0) continue;
      r.left -= fen;
      r.used += fen;
      rest -= fen;
      offsets.push({ paymentId: r.p.paymentId, fen });
    }
    const next: PaymentRecord =
      rest > 0
        ? { ...p, status: 'SENT', batchId, sentAt: at, ...(offsets.length ? { offsets } : {}) }
        : { ...p, status: 'PAID', batchId, sentAt: at, settledAt: at, offsets };
    changes.push({ next, expected: 'INSTRUCTED' });
    if (rest > 0) lines.push({ payment: next, bankAmountFen: rest });
  }
  for (const r of recoveries.filter((x) => x.used > 0)) {
    const offsetFen = (r.p.offsetFen ?? 0) + r.used;
    changes.push({ next: { ...r.p, offsetFen, ...(r.left === 0 ? { status: 'PAID' as const, settledAt: at } : {}) }, expected: 'INSTRUCTED' });
  }
  return { changes, lines };
}

/** What the bank pays for a sent payment: its amount less the recoveries offset against it. */
export const bankAmountFen = (p: PaymentRecord): number => p.amountFen - sumFen((p.offsets ?? []).map((o) => o.fen));

export interface BankResult {
  readonly paymentId: string;
  readonly status: 'PAID' | 'RETURNED';
  readonly returnReason?: string;
}

export type BankResultOutcome =
  | { readonly kind: 'applied'; readonly changes: PaymentChange[] }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly reason: 'NOT_IN_BATCH' | 'ALREADY_SETTLED' | 'NOT_SENT' };

/**
 * The bank's result for one payment of batch `batchId` (D15): SENT → PAID or RETURNED (with the reason);
 * the same result again is a duplicate, another one for a settled payment is rejected. A returned payment
 * gives back the recoveries offset against it (they are offset again in a later batch).
 */
export function applyBankResult(casePayments: readonly PaymentRecord[], batchId: string, result: BankResult, at: string): BankResultOutcome {
  const p = casePayments.find((x) => x.paymentId === result.paymentId);
  if (!p || p.batchId !== batchId) return { kind: 'rejected', reason: 'NOT_IN_BATCH' };
  if (p.status === result.status) return { kind: 'duplicate' };
  if (p.status !== 'SENT') return { kind: 'rejected', reason: p.status === 'PAID' || p.status === 'RETURNED' ? 'ALREADY_SETTLED' : 'NOT_SENT' };
  if (result.status === 'PAID') return { kind: 'applied', changes: [{ next: { ...p, status: 'PAID', settledAt: at }, expected: 'SENT' }] };
  const changes: PaymentChange[] = [
    { next: { ...p, status: 'RETURNED', settledAt: at, ...(result.returnReason ? { returnReason: result.returnReason } : {}) }, expected: 'SENT' },
  ];
  for (const o of p.offsets ?? []) {
    const r = casePayments.find((x) => x.paymentId === o.paymentId);
    if (!r) continue;
    const offsetFen = (r.offsetFen ?? 0) - o.fen;
    const { settledAt: _settled, ...rest } = r;
    changes.push({ next: { ...rest, status: 'INSTRUCTED', offsetFen }, expected: r.status });
  }
  return { kind: 'applied', changes };
}

/**
 * Re-instruction once a payee correction takes effect at `at` (D14, D15): each RETURNED payment not yet
 * replaced is replaced by exactly one new payment of the same items to the case's (new) payee.
 */
export function reinstructions(record: CaseRecord, payments: readonly PaymentRecord[], ctx: { seq: number; at: string }): PaymentChange[] {
  const returned = payments.filter((p) => p.status === 'RETURNED' && p.replacedBy === undefined && (p.settledAt ?? '') <= ctx.at);
  const changes: PaymentChange[] = [];
  returned.forEach((p, i) => {
    const paymentId = paymentIdOf(record.caseId, ctx.seq + i + 1);
    changes.push({ next: { ...p, replacedBy: paymentId }, expected: 'RETURNED' });
    changes.push({
      next: {
        paymentId,
        caseId: p.caseId,
        key: paymentId,
        kind: 'reinstruction',
        amountFen: p.amountFen,
        status: 'INSTRUCTED',
        items: p.items,
        createdAt: ctx.at,
        ...(p.province ? { province: p.province } : {}),
        ...(record.payee ? { payee: record.payee as Payee } : {}),
        ...(p.calculationId ? { calculationId: p.calculationId } : {}),
        replaces: p.paymentId,
      },
    });
  });
  return changes;
}

/** The case's payments after `changes` (changed ones replaced by their next state, new ones appended). */
export function withChanges(payments: readonly PaymentRecord[], changes: readonly PaymentChange[]): PaymentRecord[] {
  const next = new Map(changes.map((c) => [c.next.paymentId, c.next]));
  const out = payments.map((p) => next.get(p.paymentId) ?? p);
  const known = new Set(payments.map((p) => p.paymentId));
  for (const c of changes) if (!known.has(c.next.paymentId)) out.push(c.next);
  return out;
}

/** How many new payments a list of changes creates (the ledger sequence advances by it). */
export const newPayments = (changes: readonly PaymentChange[]): number => changes.filter((c) => c.expected === undefined).length;

export type FundMovementKind = 'instructed' | 'sent' | 'paid' | 'returned' | 'cancelled';

/**
 * The fund movements a payment change records (D15 fund report), each for the payment's items: the
 * amounts that entered a state. A sent payment also records the recoveries offset against it
 * (`offsetFen`), so the report's sent amount less offsets equals the batches' totals to the fen; one
 * fully offset is sent and paid at once. Recoveries move no money through the bank and record nothing.
 */
export function fundMovements(change: PaymentChange): { kind: FundMovementKind; offsetFen: number }[] {
  const { next, expected } = change;
  if (next.amountFen <= 0 || expected === next.status) return [];
  const offsetFen = sumFen((next.offsets ?? []).map((o) => o.fen));
  if (expected === undefined) return next.status === 'INSTRUCTED' ? [{ kind: 'instructed', offsetFen: 0 }] : [];
  switch (next.status) {
    case 'SENT':
      return [{ kind: 'sent', offsetFen }];
    case 'PAID':
      return expected === 'INSTRUCTED'
        ? [
            { kind: 'sent', offsetFen },
            { kind: 'paid', offsetFen },
          ]
        : [{ kind: 'paid', offsetFen }];
    case 'RETURNED':
      return [{ kind: 'returned', offsetFen }];
    case 'CANCELLED':
      return [{ kind: 'cancelled', offsetFen: 0 }];
    default:
      return [];
  }
}
