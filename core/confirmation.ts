/** Occupational-injury confirmation outcomes and bases (D7). */
import { ruleTableOn } from './rule-tables.ts';
import { parseInstant, shanghaiDate } from './time.ts';
import type { FieldError } from './parameters.ts';

export const CONFIRMATION_OUTCOMES = ['CONFIRMED', 'DEEMED', 'NOT_CONFIRMED'] as const;
export type ConfirmationOutcome = (typeof CONFIRMATION_OUTCOMES)[number];

/** The bases each outcome may carry (D7). */
export const CONFIRMATION_BASES = {
  CONFIRMED: ['ORDER_TASK_ACCIDENT', 'ORDER_TASK_VIOLENCE', 'ORDER_TASK_TRAFFIC', 'ORDER_TASK_MISSING'],
  DEEMED: ['SUDDEN_ILLNESS_48H', 'RESCUE_PUBLIC_INTEREST'],
  NOT_CONFIRMED: ['NOT_IN_ORDER_TASK', 'INTENTIONAL_CRIME', 'INTOXICATION', 'SELF_HARM', 'TRAFFIC_MAIN_FAULT'],
} as const satisfies Record<ConfirmationOutcome, readonly string[]>;

export type ConfirmationBasis = (typeof CONFIRMATION_BASES)[ConfirmationOutcome][number];

/**
 * Checks a handler's confirmation decision (D7): the basis must belong to the outcome and a refusal
 * (NOT_CONFIRMED) needs at least one written reason. Returns field errors (the API answers 400).
 */
export function validateConfirmation(decision: { outcome: ConfirmationOutcome; basis: string; reasons?: readonly string[] }): FieldError[] {
  const errors: FieldError[] = [];
  if (!(CONFIRMATION_BASES[decision.outcome] as readonly string[]).includes(decision.basis)) {
    errors.push({ path: 'basis', message: `${decision.basis} is not a basis of ${decision.outcome}` });
  }
  if (decision.outcome === 'NOT_CONFIRMED' && (decision.reasons ?? []).every((r) => r.trim() === '')) {
    errors.push({ path: 'reasons', message: 'a refusal needs at least one written reason' });
  }
  return errors;
}

/**
 * Whether a death after a sudden illness during an order task can be deemed (视同, D7
 * SUDDEN_ILLNESS_48H): death within the rule table's hours (48) of the onset. Times are RFC 3339.
 */
export function suddenIllnessDeathDeemable(onsetAt: string, deathAt: string): boolean {
  const onset = parseInstant(onsetAt);
  const death = parseInstant(deathAt);
  if (onset === undefined || death === undefined) throw new RangeError('onsetAt and deathAt must be RFC 3339 instants with an offset');
  const hours = ruleTableOn(shanghaiDate(onset)).confirmation.suddenIllnessDeathWithinHours;
  const elapsed = death.getTime() - onset.getTime();
  return elapsed >= 0 && elapsed <= hours * 3_600_000;
}
