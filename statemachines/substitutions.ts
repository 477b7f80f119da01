/**
 * The placeholders of the ASL files and what replaces them: the CDK side passes `definitionSubstitutions`
 * with exactly these keys (values from its resources); the local runner substitutes local values.
 * A test checks that every `${Placeholder}` in a file has an entry here and every entry is used.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STATEMACHINES_DIR = dirname(fileURLToPath(import.meta.url));

export interface Placeholder {
  /** What the CDK stack substitutes. */
  readonly description: string;
  /** The value the local runner uses (AWS-shaped, never called). */
  readonly local: string;
}

export const STATE_MACHINES = {
  caseWorkflow: {
    file: 'case-workflow.asl.json',
    type: 'STANDARD',
    /** Env var through which functions receive the ARN. */
    envVar: 'CASE_WORKFLOW_ARN',
    placeholders: {
      CaseWorkflowFunctionArn: {
        description: 'ARN of the workflow Lambda (functions/workflow/handler.ts)',
        local: 'arn:aws:lambda:cn-north-1:000000000000:function:case-workflow',
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
        local: 'arn:aws:lambda:cn-north-1:000000000000:function:case-workflow',
      },
    },
  },
} as const satisfies Record<string, { file: string; type: 'STANDARD'; envVar: string; placeholders: Record<string, Placeholder> }>;

export type StateMachineId = keyof typeof STATE_MACHINES;

/** `${Name}` placeholders found in a definition text. */
export const placeholdersIn = (text: string): string[] => [...new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!))].sort();

export const readDefinition = (id: StateMachineId): string => readFileSync(join(STATEMACHINES_DIR, STATE_MACHINES[id].file), 'utf8');

/** The definition with `values` substituted (as CDK's definitionSubstitutions does). */
export const substitute = (text: string, values: Readonly<Record<string, string>>): string =>
  text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No substitution for \${${name}}`);
    return value;
  });

/** The local values of a state machine's placeholders. */
export const localSubstitutions = (id: StateMachineId): Record<string, string> =>
  Object.fromEntries(Object.entries(STATE_MACHINES[id].placeholders).map(([k, v]) => [k, (v as Placeholder).local]));
