/**
 * The state machines: their ASL file in statemachines/, their type, the env var through which a function
 * that starts one receives its ARN, and the placeholders of the file with what replaces them (the CDK stack
 * passes `definitionSubstitutions` with exactly these keys; the local runner substitutes `local`). A test
 * checks that every `${Placeholder}` in a file has an entry here and every entry is used; the file-reading
 * helpers are in statemachines/substitutions.ts.
 */
export interface Placeholder {
  /** What the CDK stack substitutes. */
  readonly description: string;
  /** The value the local runner uses (AWS-shaped, never called). */
  readonly local: string;
}

export interface StateMachineSpec {
  readonly file: string;
  readonly type: 'STANDARD';
  /** Env var through which the functions that start it receive the ARN. */
  readonly envVar: string;
  readonly placeholders: Readonly<Record<string, Placeholder>>;
}

/** The Lambda function name the local runner gives the workflow function (the last segment of its ARN). */
const LOCAL_WORKFLOW_FUNCTION_ARN = 'arn:aws:lambda:cn-north-1:000000000000:function:workflow';

export const STATE_MACHINES = {
  caseWorkflow: {
    file: 'case-workflow.asl.json',
    type: 'STANDARD',
    envVar: 'CASE_WORKFLOW_ARN',
    placeholders: {
      CaseWorkflowFunctionArn: {
        description: 'ARN of the workflow Lambda (functions/workflow/handler.ts)',
        local: LOCAL_WORKFLOW_FUNCTION_ARN,
      },
      HumanStepTimeoutSeconds: {
        description:
          'Backstop timeout of every wait for a person, in seconds, as a string (e.g. "31536000"); statutory deadlines are escalated earlier by the deadline sweep',
        local: '1728000',
      },
    },
  },
  paymentRun: {
    file: 'payment-run.asl.json',
    type: 'STANDARD',
    envVar: 'PAYMENT_RUN_ARN',
    placeholders: {
      CaseWorkflowFunctionArn: {
        description: 'ARN of the workflow Lambda (same function, other actions)',
        local: LOCAL_WORKFLOW_FUNCTION_ARN,
      },
    },
  },
} as const satisfies Record<string, StateMachineSpec>;

export type StateMachineId = keyof typeof STATE_MACHINES;
export const STATE_MACHINE_IDS = Object.keys(STATE_MACHINES) as StateMachineId[];
