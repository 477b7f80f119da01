/**
 * The work queue's order: the nearest statutory deadline still running for the case's step first (D7
 * confirmation, D8 assessment and re-assessment request), overdue ones marked. A deadline of a step the case
 * has passed (its application deadline once opened) no longer runs, so it neither sorts nor alarms.
 */
export interface Deadline {
  readonly date: string;
  readonly provisional: boolean;
}
export interface QueueItem {
  readonly caseId: string;
  readonly status: string;
  readonly deadlines?: Readonly<Record<string, Deadline>>;
}

/** Which deadlines run while a case is in a status. */
const RUNNING: Readonly<Record<string, readonly string[]>> = {
  UNDER_REVIEW: ['confirmationDue'],
  AWAITING_ASSESSMENT: ['assessmentDue'],
  APPROVED: ['reassessmentRequestDue'],
  PAID: ['reassessmentRequestDue'],
};

/** The nearest deadline running for the case's step (also one already passed), or undefined. */
export function nearestDeadline(item: QueueItem): (Deadline & { readonly name: string }) | undefined {
  let best: (Deadline & { name: string }) | undefined;
  for (const name of RUNNING[item.status] ?? []) {
    const d = item.deadlines?.[name];
    if (d && (!best || d.date < best.date)) best = { name, ...d };
  }
  return best;
}

/** Sorted by nearest running deadline (cases without one last), then by case id for a stable order. */
export function sortByDeadline<T extends QueueItem>(items: readonly T[]): T[] {
  const key = (i: T) => nearestDeadline(i)?.date ?? '9999-12-31';
  return [...items].sort((a, b) => key(a).localeCompare(key(b)) || a.caseId.localeCompare(b.caseId));
}

export const isOverdue = (d: Deadline | undefined, today: string) => d !== undefined && d.date < today;
