/**
 * The deadline sweep (EventBridge Scheduler in AWS, a timer locally; handler: sweep.ts). For every open
 * case it repairs what a lost signal or execution left behind, and records what the lifecycle's
 * `sweepCase` decides: an escalation per missed statutory deadline (D7, D8), once, or the close of a
 * paid case with nothing more to pay once the re-assessment window has passed.
 */
import {
  appealWindows,
  CASE_STATUSES,
  type CaseRecord,
  certificationDueOn,
  deadlinesOf,
  monthlyRecipients,
  remindersDue,
  shanghaiDate,
  sweepCase,
  type WorkingDayCalendar,
  workflowEnds,
  workflowRestarted,
  workflowStarted,
} from '../../core/index.ts';
import { caseWorkflowName, signalStep, startCaseWorkflow } from '../_shared/case-workflow.ts';
import { logger } from '../_shared/observability.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { CaseVersionConflict, casesRepository } from '../_shared/repositories/cases.ts';

/**
 * How long a recorded step may stay unapplied with no execution waiting for it before the sweep takes its
 * execution for lost. Longer than any Apply Task with its retries, so a live execution between the signal
 * and the commit of its Apply is never doubled (a second execution would wait twice and time out falsely).
 */
export const LOST_STEP_AFTER_MS = 15 * 60_000;

/**
 * Statuses the sweep visits: all of them. In NOT_CONFIRMED only the worker's reminders run (the appeal
 * window of the refusal, D17/D21): nothing else can happen to a refused case until an appeal's result.
 */
const SWEPT = CASE_STATUSES;

/** Records a transition decided by the lifecycle; false when the case changed meanwhile (the next sweep sees it). */
const store = async (record: CaseRecord, t: { record: CaseRecord; event: Parameters<typeof casesRepository.transition>[2] }): Promise<boolean> => {
  try {
    await casesRepository.transition(t.record, record.version, t.event);
    return true;
  } catch (error) {
    if (error instanceof CaseVersionConflict) return false;
    throw error;
  }
};

/**
 * A recorded step that no execution took (its execution was lost: a Task failed after its retries and so did
 * Mark Failed, e.g. with the database unavailable; or the execution never reached its wait) and that has
 * waited LOST_STEP_AFTER_MS: the sweep records `workflow.restarted` (conditional on the version, so one
 * sweep wins) and starts a new execution named after that version (at most once), which takes the step.
 */
const restartLostStep = async (record: CaseRecord, now: Date): Promise<boolean> => {
  const recordedAt = await casesRepository.transitionAt(record.caseId, record.version);
  if (recordedAt !== undefined && now.getTime() - Date.parse(recordedAt) < LOST_STEP_AFTER_MS) return false;
  const executionName = `${caseWorkflowName(record.caseId)}-r${record.version + 1}`;
  if (!(await store(record, workflowRestarted(record, executionName, now)))) return false;
  try {
    await startCaseWorkflow(record.caseId, executionName);
  } catch (error) {
    // Recorded as restarted but not started: the step stays pending and the sweep after LOST_STEP_AFTER_MS tries again.
    logger.error('Sweep could not restart a case workflow', { caseId: record.caseId, step: record.pendingStep, errorName: (error as Error).name });
    return false;
  }
  logger.warn('Case workflow restarted at a recorded step no execution took', { caseId: record.caseId, step: record.pendingStep, executionName });
  return true;
};

/** A case whose workflow could not be started when it opened: start it now (deterministic name: at most once). */
const startMissingWorkflow = async (record: CaseRecord, now: Date): Promise<boolean> => {
  try {
    await startCaseWorkflow(record.caseId, caseWorkflowName(record.caseId));
    await store(record, workflowStarted(record, caseWorkflowName(record.caseId), now));
    return true;
  } catch (error) {
    logger.error('Sweep could not start a case workflow', { caseId: record.caseId, errorName: (error as Error).name });
    return false;
  }
};

/**
 * D21: the worker's deadlines 3 days away and certifications due, each stored once (a conditional put of
 * its reminder item); the stored reminder is a domain event (docs/events.md) that notifies the worker.
 */
const remind = async (record: CaseRecord, calendar: WorkingDayCalendar, now: Date): Promise<number> => {
  const today = shanghaiDate(now);
  const certifications = monthlyRecipients(record).map((person) => ({ person, dueOn: certificationDueOn(record, person) }));
  let stored = 0;
  const deadlines = { ...deadlinesOf(record, calendar, today), ...appealWindows(record, calendar) };
  for (const reminder of remindersDue(deadlines, certifications, today)) {
    if (await casesRepository.addReminder(record.caseId, reminder, now.toISOString())) stored++;
  }
  return stored;
};

export const sweepDeadlines = async (
  now: Date = new Date(),
): Promise<{ escalated: number; closed: number; resignalled: number; started: number; restarted: number; reminded: number }> => {
  const calendar = await calendarsRepository.calendar();
  const counts = { escalated: 0, closed: 0, resignalled: 0, started: 0, restarted: 0, reminded: 0 };
  for (const status of SWEPT) {
    let token: string | undefined;
    do {
      const page = await casesRepository.idsByStatus(status, token, 100);
      token = page.nextToken;
      for (const caseId of page.caseIds) {
        const record = await casesRepository.get(caseId);
        if (!record || record.status !== status) continue;
        // The sweep's moment for this case: never before the case's own latest change. A case the sweep
        // itself resumed earlier in this pass (a re-signalled approval applied meanwhile) is met again
        // under a later status; its close must not be timed before that change on the timeline.
        const at = new Date(Math.max(now.getTime(), Date.now()));
        if (record.status === 'NOT_CONFIRMED') {
          counts.reminded += await remind(record, calendar, at);
          continue;
        }
        // A step recorded but never signalled (SendTaskSuccess failed): signal again; a second signal is harmless.
        if (record.pendingStep) {
          counts.resignalled++;
          if (!(await signalStep(record)) && (await restartLostStep(record, at))) counts.restarted++;
          continue;
        }
        if (record.workflow.status === 'NOT_STARTED' && !workflowEnds(record.status)) {
          if (await startMissingWorkflow(record, at)) counts.started++;
          continue;
        }
        counts.reminded += await remind(record, calendar, at);
        // A paid case closes only with nothing on its way to or from the bank: its payments are read for that.
        const payments = record.status === 'PAID' ? ((await casesRepository.bundle(caseId))?.payments ?? []) : [];
        const swept = sweepCase(record, payments, at, calendar);
        if (!swept || !(await store(record, swept))) continue;
        if (swept.record.status === 'CLOSED' && record.status !== 'CLOSED') counts.closed++;
        else counts.escalated += swept.record.escalations.length - record.escalations.length;
      }
    } while (token);
  }
  return counts;
};
