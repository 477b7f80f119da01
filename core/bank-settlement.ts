/**
 * What the bank's side of the payment chain does to a case (D15), pure: which payments a bank file can
 * carry, the payments of a case once a batch or a bank result changed some of them, and the case moving
 * from `APPROVED` to `PAID` once every one-off payment of its latest approval is `PAID` (core/payment-chain.ts
 * `approvalSettled`).
 * The adapters write the payment changes first (conditional on each payment's status), then this
 * transition (conditional on the case's version), so a lost race or a crash in between is healed by the
 * next read: settling is a function of the stored payments, re-checked whenever a result is re-sent.
 */
import type { Transition } from './case-lifecycle.ts';
import type { CaseRecord, PaymentRecord } from './case-record.ts';
import { approvalSettled } from './payment-chain.ts';

/** Why a positive instructed payment cannot go into a bank file yet (undefined: it can). */
export type BankHold = 'NO_PAYEE';

/**
 * A bank file names the payee and the account (core/bank-files.ts): a payment instructed without a copy of
 * its payee stays INSTRUCTED. (An approval needs a payee, so this guards an invariant rather than a rule.)
 * A payee without a bank name is sent: the bank routes by the account or returns the payment, and a
 * returned payment is re-instructed once the payee is corrected (D14).
 */
export const bankHold = (p: PaymentRecord): BankHold | undefined => (p.payee ? undefined : 'NO_PAYEE');

/**
 * The bank's results settled the case (D15): an `APPROVED` case whose latest approval's one-off payments
 * are all `PAID` becomes `PAID` (version + 1), with a timeline event by the bank. Undefined when nothing
 * changes (another status, or such a payment still instructed, sent or returned).
 */
export function caseSettledByBank(record: CaseRecord, payments: readonly PaymentRecord[], now: Date): Transition | undefined {
  if (record.status !== 'APPROVED' || !approvalSettled(record, payments)) return undefined;
  const next: CaseRecord = { ...record, status: 'PAID', version: record.version + 1 };
  return {
    ok: true,
    record: next,
    event: { at: now.toISOString(), actor: 'bank', action: 'status.changed', before: { status: 'APPROVED' }, after: { status: 'PAID' } },
  };
}
