/**
 * The one state-machine construct: a Standard workflow loaded from `statemachines/<file>` (JSONPath ASL)
 * and kept inline in the template (`DefinitionBody.fromString`, not an S3 asset), with
 * `definitionSubstitutions` for exactly the placeholders `STATE_MACHINES[id]` (manifest/state-machines.ts) declares. Synth fails when a
 * placeholder has no value, when a value is given for an unknown placeholder, or when the file uses a
 * placeholder the registry does not declare.
 *
 * Logging: every event (cdk-nag AwsSolutions-SF1) to a log group with retention, but never the execution
 * data — inputs and outputs carry case ids and could carry personal data. X-Ray tracing on (SF2).
 *
 * CDK infers no IAM from ASL: the stack grants what the Task states call (see StatelessStack).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STATE_MACHINES, type StateMachineId } from '../../manifest/state-machines.ts';
import { placeholdersIn, STATEMACHINES_DIR } from '../../statemachines/substitutions.ts';
import type { StageConfig } from '../config/stage.ts';

type Substitutions<Id extends StateMachineId> = Readonly<Record<keyof (typeof STATE_MACHINES)[Id]['placeholders'], string>>;

export interface ClaimsStateMachineProps<Id extends StateMachineId> {
  readonly id: Id;
  readonly stage: StageConfig;
  /** One value per placeholder of `STATE_MACHINES[id]` (tokens allowed, e.g. a function ARN). */
  readonly substitutions: Substitutions<Id>;
}

export class ClaimsStateMachine<Id extends StateMachineId = StateMachineId> extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly logGroup: LogGroup;
  /** Environment variable through which functions receive this state machine's ARN. */
  public readonly envVar: string;
  /**
   * The ARN built from the (deterministic) name instead of a reference to the resource: for grants to the
   * function the definition itself invokes, which would otherwise form a dependency cycle
   * (state machine → function → function policy → state machine).
   */
  public readonly arnByName: string;

  constructor(scope: Construct, id: string, props: ClaimsStateMachineProps<Id>) {
    super(scope, id);
    const spec = STATE_MACHINES[props.id];
    const text = readFileSync(join(STATEMACHINES_DIR, spec.file), 'utf8');
    const name = `injury-claims-${props.stage.name}-${spec.file.replace(/\.asl\.json$/, '')}`;
    const substitutions = checkedSubstitutions(props.id, text, props.substitutions as Readonly<Record<string, string>>);

    this.logGroup = new LogGroup(this, 'Logs', {
      // The vended-logs prefix keeps the account's CloudWatch Logs resource policy small (AWS guidance).
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.stage.logRetention,
      removalPolicy: props.stage.removalPolicy,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: spec.type === 'STANDARD' ? StateMachineType.STANDARD : StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromString(text),
      definitionSubstitutions: substitutions,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.envVar = spec.envVar;
    this.arnByName = Stack.of(this).formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for logging and tracing of this state machine: logs:CreateLogDelivery/GetLogDelivery/… (CloudWatch Logs vended delivery) and xray:PutTraceSegments/GetSamplingRules/… support no resource-level permissions.',
    });
  }
}

/** The substitutions for `id`, checked one to one against the file's placeholders and the registry. */
export const checkedSubstitutions = (id: StateMachineId, text: string, values: Readonly<Record<string, string>>): Record<string, string> => {
  const declared = Object.keys(STATE_MACHINES[id].placeholders).sort();
  const used = placeholdersIn(text);
  const undeclared = used.filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw new Error(`${STATE_MACHINES[id].file} uses placeholders not declared in manifest/state-machines.ts: ${undeclared.join(', ')}`);
  }
  const missing = declared.filter((name) => typeof values[name] !== 'string' || values[name] === '');
  if (missing.length > 0) throw new Error(`State machine ${id}: no value for placeholder(s) ${missing.join(', ')}`);
  const unknown = Object.keys(values).filter((name) => !declared.includes(name));
  if (unknown.length > 0) throw new Error(`State machine ${id}: values for unknown placeholder(s) ${unknown.join(', ')}`);
  return Object.fromEntries(declared.map((name) => [name, values[name]!]));
};
