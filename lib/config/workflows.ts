/**
 * What the case workflow needs on the AWS side, as data next to functions/routes.ts (which covers the HTTP
 * functions only): the non-HTTP functions, which functions start or resume which state machine,
 * and which groups handle personal data. Read from functions/ as of this commit; a test checks the lists
 * against the handler code so a new caller cannot silently go without its permission.
 */
import type { FunctionName, TableAccess, TableId } from '../../functions/routes.ts';
import type { StateMachineId } from '../../statemachines/substitutions.ts';

export interface WorkflowFunctionSpec {
  readonly entry: string;
  readonly description: string;
  readonly tables: Readonly<Partial<Record<TableId, TableAccess>>>;
  readonly timeoutSeconds: number;
  readonly memorySize?: number;
}

export const WORKFLOW_FUNCTIONS = {
  /** Task states of both state machines (functions/workflow/actions.ts `runAction`). */
  workflow: {
    entry: 'functions/workflow/handler.ts',
    description: 'Task states of the case workflow and the payment run (dispatch on action)',
    // cases: case records, tasks, events, payments, runs (writes); registry: parameters, calendars, workers.
    tables: { registry: 'read', cases: 'readwrite' },
    // Below the 60 s TimeoutSeconds of the ASL's Task states, so a slow call fails inside the Lambda first.
    timeoutSeconds: 45,
  },
  /** Daily deadline sweep (functions/workflow/sweep.ts → `sweepDeadlines`). */
  deadlineSweep: {
    entry: 'functions/workflow/sweep.ts',
    description: 'Daily deadline sweep: escalates missed statutory deadlines (D7, D8) and closes finished cases',
    tables: { registry: 'read', cases: 'readwrite' },
    // Walks every open case page by page; well above what the pilot's volume needs, below Lambda's 15 min.
    timeoutSeconds: 600,
    memorySize: 1024,
  },
  /** Monthly payment run (functions/payment-runs/scheduled.ts → `startPaymentRun` with a per-month run id). */
  paymentRunSchedule: {
    entry: 'functions/payment-runs/scheduled.ts',
    description: "Monthly payment run: creates the month's run record and starts the payment-run state machine (idempotent per month)",
    // cases: the run record (conditional create, read back on a duplicate delivery). No registry access.
    tables: { cases: 'readwrite' },
    // Two DynamoDB calls and one StartExecution; generous for SDK retries.
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, WorkflowFunctionSpec>;

export type WorkflowFunctionName = keyof typeof WORKFLOW_FUNCTIONS;

/**
 * Functions (HTTP groups and workflow functions) that start executions (`workflowPort.start`) of each state
 * machine: the cases API (new cases, re-assessments), the deadline sweep (a case workflow that could not be
 * started, functions/workflow/actions.ts `sweepDeadlines`), the payment-runs API and the monthly schedule.
 */
export const STATE_MACHINE_STARTERS: Readonly<Record<StateMachineId, readonly (FunctionName | WorkflowFunctionName)[]>> = {
  caseWorkflow: ['cases', 'deadlineSweep'],
  paymentRun: ['paymentRuns', 'paymentRunSchedule'],
};

/**
 * Functions that resume a waiting task (`workflowPort.resume`/`fail`: SendTaskSuccess/Failure) of the case
 * workflow: the cases API when a person records a step, the workflow function itself when the step was
 * recorded before the wait began (actions.ts `awaitStep`), and the deadline sweep when it re-signals a
 * recorded-but-unapplied step whose SendTaskSuccess was lost (actions.ts `sweepDeadlines` → `signal`).
 */
export const TASK_TOKEN_RESUMERS: readonly (FunctionName | WorkflowFunctionName)[] = ['cases', 'workflow', 'deadlineSweep'];

/** HTTP function groups whose use cases call `pii()` (directly or through the audit log). */
export const PII_FUNCTIONS: readonly FunctionName[] = ['admin', 'platforms', 'workers', 'cases'];

/**
 * The encryption context the PII data key is bound to (functions/_shared/pii.ts `piiDataKeyContext`;
 * a test keeps the two equal). Duplicated here so the CDK app never imports runtime code.
 */
export const piiDataKeyContext = (stage: string): Record<string, string> => ({
  purpose: 'pii-data-key',
  service: 'platform-injury-claims',
  stage,
});

/** EventBridge Scheduler time zone of every schedule (the pilot's statutory calendar is China's). */
export const SCHEDULE_TIME_ZONE = 'Asia/Shanghai';
