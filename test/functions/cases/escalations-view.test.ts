/**
 * Issue 17: an escalation the workflow records carries the Step Functions error's cause — a Lambda's
 * error JSON with its stack trace, ARNs of roles, functions and state machines. Platforms and workers
 * read only a coded reason in Chinese; staff read the cause sanitised.
 */
import { describe, expect, it } from 'vitest';
import { SEEDED_CALENDARS, WorkingDayCalendar, workflowFailed, workflowNotStarted } from '../../../core/index.ts';
import { caseView, ESCALATION_REASONS, sanitiseCause, summaryView, type Audience } from '../../../functions/cases/view.ts';
import { CASE_NOW, openedCaseRecord } from '../../unit/core/fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);

/** What Step Functions records for a Lambda task that threw (Error, and Cause as the runtime's error JSON). */
const LAMBDA_ERROR = {
  Error: 'MissingParameter',
  Cause: JSON.stringify({
    errorType: 'MissingParameter',
    errorMessage: 'No averageMonthlyWageFen for province 320000 on 2026-11-01',
    trace: [
      'MissingParameter: No averageMonthlyWageFen for province 320000 on 2026-11-01',
      '    at resolve (file:///var/task/index.mjs:1:23456)',
      '    at async Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1173:29)',
    ],
  }),
};
const NOT_AUTHORISED = {
  name: 'AccessDeniedException',
  message:
    'User: arn:aws-cn:sts::123456789012:assumed-role/injury-claims-prod-CasesRole/injury-claims-prod-cases is not authorized to perform: states:StartExecution on resource: arn:aws-cn:states:cn-north-1:123456789012:stateMachine:case-workflow',
};

const failedCase = () => {
  const failed = workflowFailed(openedCaseRecord(), 'WORKFLOW_FAILED', LAMBDA_ERROR, CASE_NOW).record;
  return workflowNotStarted(failed, NOT_AUTHORISED, CASE_NOW).record;
};
const view = (audience: Audience) => caseView({ record: failedCase(), timeline: [], payments: [], documents: [], paymentSeq: 0 }, calendar, CASE_NOW, audience);

const LEAKS = /arn:|123456789012|\bat\s|\/var\/|index\.mjs|trace|assumed-role|stateMachine/;

describe('escalations of a failed workflow', () => {
  it('show platforms and workers (their own case unmasked too) a coded Chinese reason only: no cause, no workflow error', () => {
    for (const audience of [{ unmasked: false }, { unmasked: true }, { unmasked: false, staff: false }] satisfies Audience[]) {
      const v = view(audience);
      expect(v.escalations).toEqual([
        { kind: 'WORKFLOW_FAILED', recordedAt: CASE_NOW.toISOString(), reason: ESCALATION_REASONS.WORKFLOW_FAILED },
        { kind: 'WORKFLOW_NOT_STARTED', recordedAt: CASE_NOW.toISOString(), reason: ESCALATION_REASONS.WORKFLOW_NOT_STARTED },
      ]);
      expect(v.workflow).toEqual({ status: 'NOT_STARTED' });
      expect(JSON.stringify([v.escalations, v.workflow])).not.toMatch(LEAKS);
      for (const e of v.escalations) expect(e.reason).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('show staff the cause sanitised: the error type and message, no stack frame, ARN, account or path', () => {
    const v = view({ unmasked: false, staff: true });
    const [failed, notStarted] = v.escalations;
    expect(failed?.detail).toBe('MissingParameter: No averageMonthlyWageFen for province 320000 on 2026-11-01');
    expect(notStarted?.detail).toBe('User: [arn] is not authorized to perform: states:StartExecution on resource: [arn]');
    expect(JSON.stringify(v.escalations)).not.toMatch(LEAKS);
    expect(v.workflow).toMatchObject({ status: 'NOT_STARTED', error: 'AccessDeniedException' });
    // The staff list (GET /v1/cases) carries the same sanitised escalations.
    expect(JSON.stringify(summaryView(failedCase(), calendar, CASE_NOW).escalations)).not.toMatch(LEAKS);
  });

  it('sanitises causes cut mid-JSON, plain stack traces and personal numbers', () => {
    const cut = `States.TaskFailed: ${LAMBDA_ERROR.Cause}`.slice(0, 120);
    expect(sanitiseCause(cut)).not.toMatch(LEAKS);
    expect(sanitiseCause('Error: boom\n    at f (/var/task/index.mjs:1:2)\n    at g (/var/task/index.mjs:3:4)')).toBe('Error: boom');
    expect(sanitiseCause('payee 6222000011112223 phone 13812345678')).toBe('payee [redacted:digits] phone [redacted:phone]');
    expect(sanitiseCause('x'.repeat(1_000))).toHaveLength(300);
  });
});
