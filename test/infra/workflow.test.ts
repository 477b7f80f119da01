import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { piiDataKeyContext as runtimePiiContext } from '../../functions/_shared/pii.ts';
import { FUNCTIONS, type FunctionName } from '../../functions/routes.ts';
import { buildApp } from '../../lib/app.ts';
import { fromRepoRoot } from '../../lib/config/paths.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import {
  PII_FUNCTIONS,
  piiDataKeyContext,
  STATE_MACHINE_STARTERS,
  TASK_TOKEN_RESUMERS,
  WORKFLOW_FUNCTIONS,
  type WorkflowFunctionName,
} from '../../lib/config/workflows.ts';
import { checkedSubstitutions } from '../../lib/constructs/state-machine.ts';
import { LOCAL_PAYMENT_RUN_DAY } from '../../local/stepfunctions/index.ts';
import { placeholdersIn, readDefinition, STATE_MACHINES, type StateMachineId } from '../../statemachines/substitutions.ts';
import { buildTestApp, removeOutdir, tempOutdir, testContext, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

const MACHINES = Object.keys(STATE_MACHINES) as StateMachineId[];
const GROUPS = Object.keys(FUNCTIONS) as FunctionName[];
const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** DefinitionString as CloudFormation would render it (tokens as placeholders), then the substitutions applied. */
const render = (definition: unknown, substitutions: Record<string, unknown>): string => {
  const text =
    typeof definition === 'string'
      ? definition
      : (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return Object.keys(substitutions).reduce((acc, key) => acc.split(`\${${key}}`).join('SUBSTITUTED'), text);
};

describe('case workflow and payment run (prod)', () => {
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  const idOf = (construct: { node: { defaultChild?: unknown } }): string => built.stateless.getLogicalId(construct.node.defaultChild as never);
  const machine = (id: StateMachineId): Resource => resources[idOf(built.stateless.workflows.stateMachines[id].stateMachine)]!;
  const roleIdOf = (name: FunctionName | WorkflowFunctionName): string =>
    idOf(
      name in WORKFLOW_FUNCTIONS ? built.stateless.workflowFunctions[name as WorkflowFunctionName].role : built.stateless.functions[name as FunctionName].role,
    );
  /** Role logical ids whose policies grant `action`. */
  const rolesGranting = (action: string): Set<string> => {
    const roles = new Set<string>();
    for (const r of Object.values(resources)) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      if (!(r.Properties.PolicyDocument.Statement as Statement[]).some((s) => actionsOf(s).includes(action))) continue;
      for (const role of r.Properties.Roles as { Ref: string }[]) roles.add(role.Ref);
    }
    return roles;
  };
  const statementsOfRole = (roleId: string): Statement[] =>
    Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  const envOf = (name: FunctionName | WorkflowFunctionName): Record<string, unknown> => {
    const fn = name in WORKFLOW_FUNCTIONS ? built.stateless.workflowFunctions[name as WorkflowFunctionName] : built.stateless.functions[name as FunctionName];
    return resources[idOf(fn.function)]!.Properties.Environment.Variables;
  };

  beforeAll(() => {
    built = buildTestApp('prod');
    resources = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it.each(MACHINES)('%s is a STANDARD state machine with its definition inline (not an S3 asset)', (id) => {
    const sm = machine(id);
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(sm.Properties.DefinitionString).toBeDefined();
    expect(sm.Properties.DefinitionS3Location).toBeUndefined();
  });

  it.each(MACHINES)('%s substitutes exactly the placeholders of its file, leaving no $-placeholder behind', (id) => {
    const sm = machine(id);
    const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(Object.keys(STATE_MACHINES[id].placeholders).sort());
    expect(Object.keys(substitutions).sort()).toEqual(placeholdersIn(readDefinition(id)));
    const rendered = render(sm.Properties.DefinitionString, substitutions);
    expect(rendered).not.toContain('${');
    expect(() => JSON.parse(rendered)).not.toThrow();
  });

  it.each(MACHINES)('%s invokes the workflow function by its ARN', (id) => {
    const substitutions = machine(id).Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(substitutions.CaseWorkflowFunctionArn).toEqual({ 'Fn::GetAtt': [idOf(built.stateless.workflowFunctions.workflow.function), 'Arn'] });
  });

  it('gives every wait for a person the stage backstop timeout, as a string', () => {
    expect(machine('caseWorkflow').Properties.DefinitionSubstitutions.HumanStepTimeoutSeconds).toBe(String(built.stage.humanStepTimeoutSeconds));
    expect(built.stage.humanStepTimeoutSeconds).toBeLessThanOrEqual(31_536_000 / 2); // room for later waits inside one execution
  });

  it.each(MACHINES)('%s logs ALL events without execution data to a log group with retention, and traces with X-Ray', (id) => {
    const sm = machine(id);
    expect(sm.Properties.LoggingConfiguration.Level).toBe('ALL');
    expect(sm.Properties.LoggingConfiguration.IncludeExecutionData).toBe(false);
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    const logGroupId = sm.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(365);
  });

  it.each(MACHINES)('%s may invoke only the workflow function (and nothing else but logs and tracing)', (id) => {
    const roleId = idOf(built.stateless.workflows.stateMachines[id].stateMachine.role);
    const statements = statementsOfRole(roleId);
    const fnId = idOf(built.stateless.workflowFunctions.workflow.function);
    const invoke = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
    expect(invoke).toHaveLength(1);
    expect(actionsOf(invoke[0]!)).toEqual(['lambda:InvokeFunction']);
    expect(JSON.stringify(resourcesOf(invoke[0]!))).toBe(
      JSON.stringify([{ 'Fn::GetAtt': [fnId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fnId, 'Arn'] }, ':*']] }]),
    );
    const others = statements.flatMap(actionsOf).filter((a) => !a.startsWith('lambda:') && !a.startsWith('logs:') && !a.startsWith('xray:'));
    expect(others).toEqual([]);
  });

  it('lets only the starters of each state machine start executions, on that state machine only', () => {
    const starterRoles = new Set(Object.values(STATE_MACHINE_STARTERS).flat().map(roleIdOf));
    expect(rolesGranting('states:StartExecution')).toEqual(starterRoles);
    for (const id of MACHINES) {
      for (const name of STATE_MACHINE_STARTERS[id]) {
        const start = statementsOfRole(roleIdOf(name)).filter((s) => actionsOf(s).includes('states:StartExecution'));
        expect(start.flatMap(resourcesOf)).toEqual([{ Ref: idOf(built.stateless.workflows.stateMachines[id].stateMachine) }]);
      }
    }
    expect(STATE_MACHINE_STARTERS).toEqual({ caseWorkflow: ['cases', 'deadlineSweep'], paymentRun: ['paymentRuns', 'paymentRunSchedule'] });
  });

  it.each(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'])('grants %s only to the functions that resume tokens', (action) => {
    expect(rolesGranting(action)).toEqual(new Set(TASK_TOKEN_RESUMERS.map(roleIdOf)));
    expect([...TASK_TOKEN_RESUMERS].sort()).toEqual(['cases', 'deadlineSweep', 'workflow']);
  });

  it('passes each state machine ARN only to the functions that start it', () => {
    for (const id of MACHINES) {
      const { envVar } = STATE_MACHINES[id];
      for (const name of [...GROUPS, ...(Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunctionName[])]) {
        const expected = (STATE_MACHINE_STARTERS[id] as readonly string[]).includes(name);
        expect(envOf(name)[envVar], `${name}.${envVar}`).toEqual(
          expected ? { Ref: idOf(built.stateless.workflows.stateMachines[id].stateMachine) } : undefined,
        );
      }
    }
  });

  it('gives the workflow and sweep functions the cases table read-write and the registry read-only, the payment-run schedule the cases table only', () => {
    for (const name of ['workflow', 'deadlineSweep'] as const) {
      expect(
        Object.keys(envOf(name))
          .filter((k) => k.endsWith('_TABLE'))
          .sort(),
        name,
      ).toEqual(['CASES_TABLE', 'REGISTRY_TABLE']);
    }
    expect(Object.keys(envOf('paymentRunSchedule')).filter((k) => k.endsWith('_TABLE'))).toEqual(['CASES_TABLE']);
    const tableRefs = JSON.stringify(statementsOfRole(roleIdOf('paymentRunSchedule')).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:'))));
    expect(tableRefs).toContain('dynamodb:PutItem');
    expect(tableRefs).not.toMatch(/registry/i);
  });

  const schedules = () => Object.values(resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule');
  const scheduleTargeting = (name: WorkflowFunctionName) => {
    const arn = { 'Fn::GetAtt': [idOf(built.stateless.workflowFunctions[name].function), 'Arn'] };
    const found = schedules().filter((r) => JSON.stringify(r.Properties.Target.Arn) === JSON.stringify(arn));
    expect(found, name).toHaveLength(1);
    return found[0]!.Properties;
  };

  it('has exactly two schedules: the deadline sweep and the monthly payment run', () => {
    expect(schedules()).toHaveLength(2);
    scheduleTargeting('deadlineSweep');
    scheduleTargeting('paymentRunSchedule');
  });

  it('runs the deadline sweep daily at 01:00 Asia/Shanghai through a least-privilege role with a DLQ', () => {
    const s = scheduleTargeting('deadlineSweep');
    expect(s.ScheduleExpression).toBe('cron(0 1 * * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(s.State).toBe('ENABLED');
    expect(s.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [idOf(built.stateless.workflows.scheduleDlq), 'Arn'] });
    const roleId = (s.Target.RoleArn['Fn::GetAtt'] as string[])[0]!;
    const statements = statementsOfRole(roleId);
    expect([...new Set(statements.flatMap(actionsOf))].sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    // The one scheduler role may invoke exactly the two scheduled functions (and their versions).
    const invoked = statements
      .filter((st) => actionsOf(st).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    const fnIds = (['deadlineSweep', 'paymentRunSchedule'] as const).map((n) => idOf(built.stateless.workflowFunctions[n].function));
    const expected = fnIds
      .flatMap((id) => [{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, ':*']] }])
      .map((r) => JSON.stringify(r));
    expect(invoked.sort()).toEqual(expected.sort());
    expect(resources[roleId]!.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals['aws:SourceAccount']).toBeDefined();
  });

  it('starts the payment run monthly on day 1 at 02:00 Asia/Shanghai, passing the scheduled time, with retries and the DLQ', () => {
    expect(built.stage.paymentRunAt).toEqual({ day: 1, hour: 2, minute: 0 });
    const s = scheduleTargeting('paymentRunSchedule');
    expect(s.ScheduleExpression).toBe('cron(0 2 1 * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(s.State).toBe('ENABLED');
    expect(s.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(JSON.parse(s.Target.Input as string)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 });
    expect(s.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [idOf(built.stateless.workflows.scheduleDlq), 'Arn'] });
    expect(s.Target.RoleArn).toEqual(scheduleTargeting('deadlineSweep').Target.RoleArn);
  });

  it('lets the payment-run schedule function start the payment-run state machine (only) and gives it its ARN', () => {
    const paymentRunRef = { Ref: idOf(built.stateless.workflows.stateMachines.paymentRun.stateMachine) };
    const statements = statementsOfRole(roleIdOf('paymentRunSchedule'));
    const start = statements.filter((s) => actionsOf(s).includes('states:StartExecution'));
    expect(start.flatMap(resourcesOf)).toEqual([paymentRunRef]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('states:'))).toEqual(['states:StartExecution']);
    expect(envOf('paymentRunSchedule').PAYMENT_RUN_ARN).toEqual(paymentRunRef);
    expect(envOf('paymentRunSchedule').CASE_WORKFLOW_ARN).toBeUndefined();
    const fn = resources[idOf(built.stateless.workflowFunctions.paymentRunSchedule.function)]!;
    expect(fn.Properties.Timeout).toBe(WORKFLOW_FUNCTIONS.paymentRunSchedule.timeoutSeconds);
  });

  it('rejects a payment-run day that some month lacks', () => {
    const outdir = tempOutdir();
    try {
      const stage = { ...stageConfig('dev'), paymentRunAt: { day: 31, hour: 2, minute: 0 } };
      expect(() => buildApp({ stage, outdir, context: testContext(), nag: false })).toThrow(/paymentRunAt.day must be 1–28/);
    } finally {
      removeOutdir(outdir);
    }
  });

  it('encrypts the schedule DLQ and refuses non-TLS access to it', () => {
    const queue = resources[idOf(built.stateless.workflows.scheduleDlq)]!;
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy')!;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('alarms on failed and timed-out executions, function errors and the DLQ, to a KMS-encrypted SNS topic', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const topicId = idOf(built.stateless.workflows.alarmTopic);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    const byMetric = (namespace: string, metric: string, dimensionValue: unknown) =>
      alarms.filter(
        (a) =>
          a.Properties.Namespace === namespace &&
          a.Properties.MetricName === metric &&
          JSON.stringify(a.Properties.Dimensions).includes(JSON.stringify(dimensionValue)),
      );
    for (const id of MACHINES) {
      const ref = { Ref: idOf(built.stateless.workflows.stateMachines[id].stateMachine) };
      expect(byMetric('AWS/States', 'ExecutionsFailed', ref), `${id} failed`).toHaveLength(1);
      expect(byMetric('AWS/States', 'ExecutionsTimedOut', ref), `${id} timed out`).toHaveLength(1);
    }
    for (const name of Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunctionName[]) {
      expect(byMetric('AWS/Lambda', 'Errors', { Ref: idOf(built.stateless.workflowFunctions[name].function) }), name).toHaveLength(1);
    }
    expect(
      byMetric('AWS/SQS', 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [idOf(built.stateless.workflows.scheduleDlq), 'QueueName'] }),
    ).toHaveLength(1);
    const topic = resources[topicId]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    const topicPolicy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
    expect(JSON.stringify(topicPolicy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('runs every function with PII_KEY_MODE=kms', () => {
    for (const name of [...GROUPS, ...(Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunctionName[])]) expect(envOf(name).PII_KEY_MODE, name).toBe('kms');
  });

  it('lets only the functions that handle personal data decrypt the PII data key, bound to its encryption context', () => {
    const conditioned = (roleId: string) => statementsOfRole(roleId).filter((s) => actionsOf(s).includes('kms:Decrypt') && s.Condition !== undefined);
    for (const name of GROUPS) {
      const statements = conditioned(roleIdOf(name));
      if (!PII_FUNCTIONS.includes(name)) {
        expect(statements, name).toEqual([]);
        expect(envOf(name).PII_KMS_KEY_ID, name).toBeUndefined();
        continue;
      }
      expect(statements, name).toHaveLength(1);
      expect(statements[0]!.Condition).toEqual({
        StringEquals: {
          'kms:EncryptionContext:purpose': 'pii-data-key',
          'kms:EncryptionContext:service': 'platform-injury-claims',
          'kms:EncryptionContext:stage': 'prod',
        },
      });
      expect(envOf(name).PII_KMS_KEY_ID, name).toBeDefined();
      // No ciphertext in context: left unset, so pii() fails at runtime with a configuration error.
      expect(envOf(name).PII_DATA_KEY_CIPHERTEXT, name).toBeUndefined();
    }
  });
});

describe('PII data key configuration', () => {
  it('uses the encryption context functions/_shared/pii.ts decrypts with', () => {
    for (const stage of ['dev', 'prod']) expect(piiDataKeyContext(stage)).toEqual(runtimePiiContext(stage));
  });

  it('passes the stage ciphertext to exactly the functions that handle personal data', () => {
    const outdir = tempOutdir();
    try {
      const built = buildApp({ stage: stageConfig('dev', undefined, { piiDataKeyCiphertext: 'QUJDREVGRw==' }), outdir, context: testContext(), nag: false });
      const resources = Template.fromStack(built.stateless).toJSON().Resources as Record<string, Resource>;
      for (const name of GROUPS) {
        const env =
          resources[built.stateless.getLogicalId(built.stateless.functions[name].function.node.defaultChild as never)]!.Properties.Environment.Variables;
        expect(env.PII_DATA_KEY_CIPHERTEXT, name).toBe(PII_FUNCTIONS.includes(name) ? 'QUJDREVGRw==' : undefined);
      }
    } finally {
      removeOutdir(outdir);
    }
  });

  it('lists every function group whose code uses pii(), the audit log or an audited write as handling personal data', () => {
    for (const name of GROUPS) {
      const dir = dirname(fromRepoRoot(FUNCTIONS[name].entry));
      const source = readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
      // pii() directly, the audit log directly, or an audited write: the repositories below commit the change
      // with its audit record, whose named fields are keyed hashes (audit.ts, which needs the PII key).
      const usesPii =
        /\bpii\(\)|_shared\/audit\.ts|\b(?:parametersRepository\.add|calendarsRepository\.put|platformsRepository\.(?:create|setProvinces)|clientRegistry\.bind)\(/.test(
          source,
        );
      expect(PII_FUNCTIONS.includes(name), name).toBe(usesPii);
    }
  });

  it('runs the local payment-run timer on the stage day (local/stepfunctions LOCAL_PAYMENT_RUN_DAY)', () => {
    for (const stage of ['dev', 'prod'] as const) expect(stageConfig(stage).paymentRunAt.day).toBe(LOCAL_PAYMENT_RUN_DAY);
  });

  it('lists every function group whose code starts a state machine as its starter', () => {
    for (const name of GROUPS) {
      const dir = dirname(fromRepoRoot(FUNCTIONS[name].entry));
      const source = readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n');
      for (const id of MACHINES) {
        expect((STATE_MACHINE_STARTERS[id] as readonly string[]).includes(name), `${name} starts ${id}`).toBe(source.includes(`config.stateMachines.${id}`));
      }
    }
  });
});

/** The entry file and every functions/ module it imports, transitively (functions/_shared excluded). */
const sourcesOf = (entry: string): string => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+\.ts)'/g)) {
      const target = join(dirname(file), m[1]!);
      if (target.startsWith(fromRepoRoot('functions')) && !target.startsWith(fromRepoRoot('functions/_shared'))) visit(target);
    }
  };
  visit(fromRepoRoot(entry));
  return [...seen].map((f) => readFileSync(f, 'utf8')).join('\n');
};

describe('workflow functions: permissions match the code', () => {
  const NAMES = Object.keys(WORKFLOW_FUNCTIONS) as WorkflowFunctionName[];
  /**
   * Modules a function loads but whose start/resume calls it never makes: the workflow function imports
   * actions.ts, which also holds `sweepDeadlines` (and through it cases/use-cases.ts `signal`); only the
   * deadline sweep calls that.
   */
  const LOADED_NOT_CALLED: Partial<Record<WorkflowFunctionName, readonly string[]>> = { workflow: ['start:caseWorkflow'] };

  it.each(NAMES)('%s is a starter of exactly the state machines its code starts', (name) => {
    const source = sourcesOf(WORKFLOW_FUNCTIONS[name].entry);
    for (const id of MACHINES) {
      const listed = (STATE_MACHINE_STARTERS[id] as readonly string[]).includes(name);
      const inCode = source.includes(`config.stateMachines.${id}`);
      if (listed) expect(inCode, `${name} is listed as a starter of ${id} but its code never starts it`).toBe(true);
      else if (!LOADED_NOT_CALLED[name]?.includes(`start:${id}`)) expect(inCode, `${name} starts ${id} without being listed`).toBe(false);
    }
  });

  it.each(NAMES)('%s is a task-token resumer exactly when its code resumes', (name) => {
    const source = sourcesOf(WORKFLOW_FUNCTIONS[name].entry);
    expect(TASK_TOKEN_RESUMERS.includes(name), name).toBe(/workflowPort\.(resume|fail)\(/.test(source));
  });

  it('starts the payment run from the scheduled function through the shared use case', () => {
    expect(WORKFLOW_FUNCTIONS.paymentRunSchedule.entry).toBe('functions/payment-runs/scheduled.ts');
    expect(sourcesOf('functions/payment-runs/scheduled.ts')).toContain('config.stateMachines.paymentRun');
    expect(readFileSync(fromRepoRoot('functions/payment-runs/handler.ts'), 'utf8')).toContain('startPaymentRun(');
  });
});

describe('checkedSubstitutions', () => {
  const text = readDefinition('caseWorkflow');
  it('fails synth when a placeholder has no value', () => {
    expect(() => checkedSubstitutions('caseWorkflow', text, { CaseWorkflowFunctionArn: 'arn' })).toThrow(
      /no value for placeholder\(s\) HumanStepTimeoutSeconds/,
    );
  });
  it('fails synth for a value of an unknown placeholder', () => {
    expect(() => checkedSubstitutions('paymentRun', readDefinition('paymentRun'), { CaseWorkflowFunctionArn: 'arn', Extra: 'x' })).toThrow(
      /unknown placeholder\(s\) Extra/,
    );
  });
  it('fails synth when the file uses a placeholder the registry does not declare', () => {
    expect(() => checkedSubstitutions('paymentRun', `${readDefinition('paymentRun')} \${Undeclared}`, { CaseWorkflowFunctionArn: 'arn' })).toThrow(
      /Undeclared/,
    );
  });
});

describe('workflow wiring (dev)', () => {
  it('synthesises dev without a PII ciphertext', () => {
    const built = buildTestApp('dev');
    try {
      expect(() => built.app.synth()).not.toThrow();
    } finally {
      built.dispose();
    }
  });
});
