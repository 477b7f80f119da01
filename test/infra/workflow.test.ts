import { AUDIT_ANCHOR_ENV, AUDIT_MAC_ENV } from '../../manifest/audit.ts';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { piiDataKeyContext as runtimePiiContext } from '../../functions/_shared/pii.ts';
import { buildApp } from '../../lib/app.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import { checkedSubstitutions } from '../../lib/constructs/state-machine.ts';
import { LOCAL_S3_ENV } from '../../manifest/buckets.ts';
import { grantedEnvOf, piiDataKeyContext } from '../../manifest/env.ts';
import {
  ALL_FUNCTIONS,
  type AnyFunctionName,
  FUNCTIONS,
  type FunctionName,
  piiFunctions,
  resumersOf,
  startersOf,
  WORKFLOW_FUNCTIONS,
  type WorkflowFunctionName,
} from '../../manifest/functions.ts';
import { SCHEDULES } from '../../manifest/schedules.ts';
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
  const fnOf = (name: AnyFunctionName) => built.stateless.functionNamed(name);
  const roleIdOf = (name: AnyFunctionName): string => idOf(fnOf(name).role);
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
  const envOf = (name: AnyFunctionName): Record<string, unknown> => resources[idOf(fnOf(name).function)]!.Properties.Environment.Variables;
  const ALL = Object.keys(ALL_FUNCTIONS) as AnyFunctionName[];

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
    const starterRoles = new Set(MACHINES.flatMap(startersOf).map(roleIdOf));
    expect(rolesGranting('states:StartExecution')).toEqual(starterRoles);
    for (const id of MACHINES) {
      for (const name of startersOf(id)) {
        const start = statementsOfRole(roleIdOf(name)).filter((s) => actionsOf(s).includes('states:StartExecution'));
        expect(start.flatMap(resourcesOf)).toEqual([{ Ref: idOf(built.stateless.workflows.stateMachines[id].stateMachine) }]);
      }
    }
    expect(Object.fromEntries(MACHINES.map((id) => [id, startersOf(id)]))).toEqual({
      caseWorkflow: ['cases', 'deadlineSweep'],
      paymentRun: ['paymentRuns', 'paymentRunSchedule'],
    });
  });

  it.each(['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'])('grants %s only to the functions that resume tokens', (action) => {
    expect(rolesGranting(action)).toEqual(new Set(resumersOf('caseWorkflow').map(roleIdOf)));
    expect(resumersOf('caseWorkflow').sort()).toEqual(['cases', 'deadlineSweep', 'workflow']);
    expect(resumersOf('paymentRun')).toEqual([]);
  });

  it('passes each state machine ARN only to the functions that start it', () => {
    for (const id of MACHINES) {
      const { envVar } = STATE_MACHINES[id];
      for (const name of ALL) {
        const expected = startersOf(id).includes(name);
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

  it('has exactly four schedules: the deadline sweep, the month close, the monthly payment run and the hourly audit anchor', () => {
    expect(schedules()).toHaveLength(4);
    scheduleTargeting('deadlineSweep');
    scheduleTargeting('monthClose');
    scheduleTargeting('paymentRunSchedule');
    // Its shape is asserted in test/infra/audit.test.ts.
    scheduleTargeting('auditAnchor');
  });

  it('closes months daily at 00:00 Asia/Shanghai (D19), passing the scheduled time, with retries and the DLQ', () => {
    const s = scheduleTargeting('monthClose');
    expect(s.ScheduleExpression).toBe('cron(0 0 * * ? *)');
    expect(s.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(JSON.parse(s.Target.Input as string)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(s.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 });
    expect(s.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [idOf(built.stateless.workflows.scheduleDlq), 'Arn'] });
    expect(s.Target.RoleArn).toEqual(scheduleTargeting('deadlineSweep').Target.RoleArn);
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
    // The one scheduler role may invoke exactly the three scheduled functions (and their versions).
    const invoked = statements
      .filter((st) => actionsOf(st).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    const fnIds = (['deadlineSweep', 'monthClose', 'paymentRunSchedule'] as const).map((n) => idOf(built.stateless.workflowFunctions[n].function));
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
    for (const name of ALL.filter((n) => n !== 'authorizer')) expect(envOf(name).PII_KEY_MODE, name).toBe('kms');
  });

  it('lets only the functions that handle personal data decrypt the PII data key, bound to its encryption context', () => {
    // (The bucket key's kms:Decrypt is conditioned on kms:ViaService S3: test/infra/documents.test.ts.)
    const conditioned = (roleId: string) =>
      statementsOfRole(roleId).filter(
        (s) => actionsOf(s).includes('kms:Decrypt') && s.Condition !== undefined && !JSON.stringify(s.Condition).includes('kms:ViaService'),
      );
    for (const name of GROUPS) {
      const statements = conditioned(roleIdOf(name));
      if (!piiFunctions().includes(name)) {
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

  it('passes the field encryption v2 key ring and the v1 switch to exactly the functions that handle personal data, the workflow among them', () => {
    const outdir = tempOutdir();
    const piiKeyring = { encryption: { active: 'e2', keys: { e1: 'QUJD', e2: 'REVG' } }, lookup: { active: 'h1', keys: { h1: 'R0hJ' } } };
    try {
      const built = buildApp({ stage: { ...stageConfig('dev'), piiKeyring, piiV1Ciphertexts: 'refuse' }, outdir, context: testContext(), nag: false });
      const resources = Template.fromStack(built.stateless).toJSON().Resources as Record<string, Resource>;
      expect(piiFunctions()).toContain('workflow');
      for (const name of Object.keys(ALL_FUNCTIONS) as AnyFunctionName[]) {
        const env = resources[built.stateless.getLogicalId(built.stateless.functionNamed(name).function.node.defaultChild as never)]!.Properties.Environment
          .Variables as Record<string, unknown>;
        const pii = piiFunctions().includes(name);
        expect(env.PII_KEYRING === undefined ? undefined : JSON.parse(String(env.PII_KEYRING)), name).toEqual(pii ? piiKeyring : undefined);
        expect(env.PII_V1_CIPHERTEXTS, name).toBe(pii ? 'refuse' : undefined);
      }
    } finally {
      removeOutdir(outdir);
    }
  });

  it('passes the stage ciphertext to exactly the functions that handle personal data', () => {
    const outdir = tempOutdir();
    try {
      const built = buildApp({ stage: stageConfig('dev', undefined, { piiDataKeyCiphertext: 'QUJDREVGRw==' }), outdir, context: testContext(), nag: false });
      const resources = Template.fromStack(built.stateless).toJSON().Resources as Record<string, Resource>;
      for (const name of GROUPS) {
        const env =
          resources[built.stateless.getLogicalId(built.stateless.functions[name].function.node.defaultChild as never)]!.Properties.Environment.Variables;
        expect(env.PII_DATA_KEY_CIPHERTEXT, name).toBe(piiFunctions().includes(name) ? 'QUJDREVGRw==' : undefined);
      }
    } finally {
      removeOutdir(outdir);
    }
  });

  it('takes the schedules of both stages from the manifest (which the local timers read too)', () => {
    for (const stage of ['dev', 'prod'] as const) {
      expect(stageConfig(stage).deadlineSweepAt).toEqual(SCHEDULES.deadlineSweep.at);
      expect(stageConfig(stage).paymentRunAt).toEqual(SCHEDULES.paymentRun.at);
    }
  });
});

describe('function environment (prod): exactly what the manifest grants', () => {
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  beforeAll(() => {
    built = buildTestApp('prod');
    resources = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it.each(Object.keys(ALL_FUNCTIONS) as AnyFunctionName[])(
    '%s receives exactly the granted env its manifest entry declares (tables, state machines, PII key, settings)',
    (name) => {
      const fn = built.stateless.functionNamed(name);
      const env = resources[built.stateless.getLogicalId(fn.function.node.defaultChild as never)]!.Properties.Environment.Variables as Record<string, unknown>;
      // No ciphertext or key ring in this stage's configuration; PII_LOCAL_KEY, the local audit keys and the local S3
      // endpoint are local only.
      const localOnly: readonly string[] = [
        'PII_LOCAL_KEY',
        'PII_DATA_KEY_CIPHERTEXT',
        'PII_KEYRING',
        'PII_V1_CIPHERTEXTS',
        AUDIT_MAC_ENV[0],
        AUDIT_ANCHOR_ENV[0],
        ...LOCAL_S3_ENV,
      ];
      const expected = [...grantedEnvOf(name).keys()].filter((k) => !localOnly.includes(k)).sort();
      const ungranted = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL', 'STAGE', 'NODE_OPTIONS', 'PII_KEY_MODE'];
      expect(
        Object.keys(env)
          .filter((k) => !ungranted.includes(k))
          .sort(),
      ).toEqual(expected);
    },
  );
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
