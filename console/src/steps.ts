/**
 * Which forms the case page offers: the steps the case's status accepts (core/case-steps.ts, the table the
 * API enforces) that the signed-in role records, narrowed by what the case shows — no resumption unless it
 * is suspended, no payee confirmation unless a change waits for one, no appeal result unless an appeal is open, no life event or certification before
 * a calculation was approved (D16). The API still decides; the console only avoids offering what it refuses.
 */
import type { CaseStatus, CaseStep } from '../../core/case-record.ts';
import { AFTER_APPROVAL, acceptsStep, STEP_ROLES } from '../../core/case-steps.ts';

export interface CaseFacts {
  readonly status: string;
  readonly suspended?: unknown;
  readonly pendingPayee?: unknown;
  /** Present once a calculation was approved (the case view's `certification`). */
  readonly certification?: unknown;
  /** D17: the case's appeals (a result is offered only while one has none). */
  readonly appeals?: readonly { readonly result?: string }[];
}

/** The steps `role` may take on a case showing `facts`, in the order the case page lists their forms. */
export function offeredSteps(role: string, facts: CaseFacts): Set<CaseStep> {
  const status = facts.status as CaseStatus;
  const steps = (Object.keys(STEP_ROLES) as CaseStep[]).filter((step) => (STEP_ROLES[step] as readonly string[]).includes(role) && acceptsStep(status, step));
  return new Set(
    steps.filter((step) => {
      if (step === 'suspension') return !facts.suspended;
      if (step === 'resumption') return Boolean(facts.suspended);
      if (step === 'payee-confirmation') return Boolean(facts.pendingPayee);
      if (step === 'appeal-result') return (facts.appeals ?? []).some((a) => a.result === undefined);
      if ((AFTER_APPROVAL as readonly CaseStep[]).includes(step)) return facts.certification !== undefined;
      return true;
    }),
  );
}
