/**
 * The AWS side of the case workflow (part of the stateless stack):
 *
 * - both state machines of statemachines/substitutions.ts, loaded from their ASL files, invoking only the
 *   workflow function (CDK infers no IAM from ASL: granted here);
 * - who may start executions and resume task tokens (the `starts`/`resumes` of manifest/functions.ts), and the ARN env vars;
 * - the daily deadline sweep and the monthly payment run on EventBridge Scheduler (Asia/Shanghai), with a DLQ;
 * - alarms on failed/timed-out executions and function errors, to a KMS-encrypted SNS topic (the DLQ's
 *   alarm is the monitoring construct's, with every dead-letter queue);
 * - the PII data key: PII_KEY_MODE=kms everywhere, the ciphertext and a context-bound kms:Decrypt for the
 *   functions whose manifest entry says `pii: true`.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { TimeZone } from 'aws-cdk-lib';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { piiDataKeyContext } from '../../manifest/env.ts';
import {
  type AnyFunctionName,
  type DomainEventFunctionName,
  type EventFunctionName,
  type FunctionName,
  piiFunctions,
  resumersOf,
  startersOf,
  type WorkflowFunctionName,
} from '../../manifest/functions.ts';
import { SCHEDULE_TIME_ZONE, SCHEDULES } from '../../manifest/schedules.ts';
import { STATE_MACHINE_IDS } from '../../manifest/state-machines.ts';
import type { StageConfig } from '../config/stage.ts';
import { alarmsTo } from '../constructs/alarms.ts';
import { targetDeadLetterQueue } from '../constructs/dead-letters.ts';
import type { ClaimsFunction } from '../constructs/function.ts';
import { ClaimsStateMachine } from '../constructs/state-machine.ts';

export interface WorkflowsProps {
  readonly stage: StageConfig;
  readonly httpFunctions: Readonly<Record<FunctionName, ClaimsFunction>>;
  readonly workflowFunctions: Readonly<Record<WorkflowFunctionName, ClaimsFunction>>;
  readonly eventFunctions: Readonly<Record<EventFunctionName, ClaimsFunction>>;
  /** The domain-event functions (docs/events.md): some handle personal data (the PII key). */
  readonly domainEventFunctions: Readonly<Record<DomainEventFunctionName, ClaimsFunction>>;
  readonly authorizerFunction: ClaimsFunction;
  /** The stateful stack's PII key: the PII data key is encrypted under it, and nothing else. */
  readonly piiKey: IKey;
}

export class Workflows extends Construct {
  public readonly stateMachines: { readonly caseWorkflow: ClaimsStateMachine<'caseWorkflow'>; readonly paymentRun: ClaimsStateMachine<'paymentRun'> };
  public readonly scheduleDlq: Queue;
  public readonly deadlineSweepSchedule: Schedule;
  public readonly paymentRunSchedule: Schedule;
  public readonly monthCloseSchedule: Schedule;
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { stage, httpFunctions, workflowFunctions, eventFunctions, domainEventFunctions } = props;
    const workflowFn = workflowFunctions.workflow.function;
    const functionNamed = (name: AnyFunctionName): ClaimsFunction =>
      name === 'authorizer'
        ? props.authorizerFunction
        : name in workflowFunctions
          ? workflowFunctions[name as WorkflowFunctionName]
          : name in eventFunctions
            ? eventFunctions[name as EventFunctionName]
            : name in domainEventFunctions
              ? domainEventFunctions[name as DomainEventFunctionName]
              : httpFunctions[name as FunctionName];

    // ---- State machines -------------------------------------------------------------------------
    const caseWorkflow = new ClaimsStateMachine(this, 'CaseWorkflow', {
      id: 'caseWorkflow',
      stage,
      substitutions: {
        CaseWorkflowFunctionArn: workflowFn.functionArn,
        HumanStepTimeoutSeconds: String(stage.humanStepTimeoutSeconds),
      },
    });
    const paymentRun = new ClaimsStateMachine(this, 'PaymentRun', {
      id: 'paymentRun',
      stage,
      substitutions: { CaseWorkflowFunctionArn: workflowFn.functionArn },
    });
    this.stateMachines = { caseWorkflow, paymentRun };

    for (const machine of [caseWorkflow, paymentRun]) {
      // The only thing the ASL's Task states call: `arn:aws:states:::lambda:invoke` on the workflow function.
      workflowFn.grantInvoke(machine.stateMachine);
      Validations.of(machine.stateMachine.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(workflowFn)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the workflow function and its versions/aliases (`<arn>:*`, added by grantInvoke): one named function; the ASL invokes it by unqualified ARN.',
      });
    }

    // ---- Who starts and who resumes -------------------------------------------------------------
    for (const machineId of STATE_MACHINE_IDS) {
      const machine = this.stateMachines[machineId];
      for (const name of startersOf(machineId)) {
        const fn = functionNamed(name);
        machine.stateMachine.grantStartExecution(fn.function);
        fn.function.addEnvironment(machine.envVar, machine.stateMachine.stateMachineArn);
      }
    }
    const resumers = new Set(STATE_MACHINE_IDS.flatMap(resumersOf));
    if (STATE_MACHINE_IDS.some((id) => id !== 'caseWorkflow' && resumersOf(id).length > 0)) {
      throw new Error('Only the case workflow waits for task tokens: no function may resume another state machine');
    }
    for (const name of resumers) {
      const fn = functionNamed(name);
      // SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, scoped to the case workflow's ARN (by name:
      // the workflow function is itself a resumer, and a reference would form a cycle).
      fn.function.addToRolePolicy(
        new PolicyStatement({
          sid: 'ResumeCaseWorkflowTasks',
          effect: Effect.ALLOW,
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [caseWorkflow.arnByName],
        }),
      );
    }

    // ---- PII data key ---------------------------------------------------------------------------
    const allFunctions = [
      ...Object.values(httpFunctions),
      ...Object.values(workflowFunctions),
      ...Object.values(eventFunctions),
      ...Object.values(domainEventFunctions),
    ];
    for (const fn of allFunctions) fn.function.addEnvironment('PII_KEY_MODE', 'kms');
    const context = piiDataKeyContext(stage.name);
    for (const name of piiFunctions()) {
      const fn = functionNamed(name).function;
      fn.addEnvironment('PII_KMS_KEY_ID', props.piiKey.keyArn);
      // Without a ciphertext (dev before the operator step), pii() fails at runtime with "Configuration error:
      // PII_KEY_MODE=kms needs PII_DATA_KEY_CIPHERTEXT …" (functions/_shared/pii.ts): no dummy value.
      if (stage.piiDataKeyCiphertext) fn.addEnvironment('PII_DATA_KEY_CIPHERTEXT', stage.piiDataKeyCiphertext);
      // Field encryption v2 (docs/security.md): the key ring (KMS ciphertexts; their context adds use and
      // keyId, which the conditions below leave free) and whether v1 ciphertexts are still read.
      if (stage.piiKeyring) fn.addEnvironment('PII_KEYRING', JSON.stringify(stage.piiKeyring));
      if (stage.piiV1Ciphertexts) fn.addEnvironment('PII_V1_CIPHERTEXTS', stage.piiV1Ciphertexts);
      fn.addToRolePolicy(
        new PolicyStatement({
          sid: 'DecryptPiiDataKey',
          effect: Effect.ALLOW,
          actions: ['kms:Decrypt'],
          resources: [props.piiKey.keyArn],
          conditions: {
            StringEquals: Object.fromEntries(Object.entries(context).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
          },
        }),
      );
    }

    // ---- Schedules ------------------------------------------------------------------------------
    this.scheduleDlq = targetDeadLetterQueue(this, 'ScheduleDlq', stage, 'EventBridge Scheduler targets');

    const sweepFn = workflowFunctions[SCHEDULES.deadlineSweep.target].function;
    const schedulerRole = new Role(this, 'SchedulerRole', {
      description: `EventBridge Scheduler: invoke the deadline sweep, the month close and the monthly payment run (${stage.name})`,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.deadlineSweepSchedule = new Schedule(this, 'DeadlineSweepSchedule', {
      description: SCHEDULES.deadlineSweep.description,
      schedule: ScheduleExpression.cron({
        minute: String(stage.deadlineSweepAt.minute),
        hour: String(stage.deadlineSweepAt.hour),
        timeZone: TimeZone.of(SCHEDULE_TIME_ZONE),
      }),
      target: new LambdaInvoke(sweepFn, {
        role: schedulerRole,
        deadLetterQueue: this.scheduleDlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(sweepFn)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the deadline sweep function and its versions (`<arn>:*`, added by the Scheduler Lambda target): one named function.',
    });

    // The monthly payment run: the scheduled function computes the Shanghai month of the scheduled time and
    // starts that month's run under a deterministic run id, so retries and duplicate deliveries start nothing twice.
    const paymentRunFn = workflowFunctions[SCHEDULES.paymentRun.target].function;
    const { day, hour, minute } = stage.paymentRunAt;
    if (!Number.isInteger(day) || day < 1 || day > 28) throw new Error(`stage.paymentRunAt.day must be 1–28 (every month has it), got ${day}`);
    this.paymentRunSchedule = new Schedule(this, 'PaymentRunSchedule', {
      description: SCHEDULES.paymentRun.description,
      schedule: ScheduleExpression.cron({
        minute: String(minute),
        hour: String(hour),
        day: String(day),
        timeZone: TimeZone.of(SCHEDULE_TIME_ZONE),
      }),
      target: new LambdaInvoke(paymentRunFn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        deadLetterQueue: this.scheduleDlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(paymentRunFn)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the monthly payment-run function and its versions (`<arn>:*`, added by the Scheduler Lambda target): one named function.',
    });

    // The daily month close (D19): at 00:00 Asia/Shanghai, the moment a month whose closesOn has passed
    // becomes CLOSED (contract: from 00:00 after closesOn). The contract fixes the time, so no stage moves it.
    // The function reads the scheduled time and closes each platform-month once (idempotent on retries).
    const monthCloseFn = workflowFunctions[SCHEDULES.monthClose.target].function;
    this.monthCloseSchedule = new Schedule(this, 'MonthCloseSchedule', {
      description: SCHEDULES.monthClose.description,
      schedule: ScheduleExpression.cron({
        minute: String(SCHEDULES.monthClose.at.minute),
        hour: String(SCHEDULES.monthClose.at.hour),
        timeZone: TimeZone.of(SCHEDULE_TIME_ZONE),
      }),
      target: new LambdaInvoke(monthCloseFn, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        deadLetterQueue: this.scheduleDlq,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(monthCloseFn)}.Arn>:*]`,
      reason: 'lambda:InvokeFunction on the month-close function and its versions (`<arn>:*`, added by the Scheduler Lambda target): one named function.',
    });

    // ---- Alarms ---------------------------------------------------------------------------------
    // CloudWatch alarms can publish to an encrypted topic only with a customer-managed key whose policy
    // lets CloudWatch use it (the AWS-managed SNS key does not).
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: `Platform injury claims (${stage.name}): encryption of the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: stage.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Injury claims ${stage.name} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    const { alarm, alarms } = alarmsTo(this, this.alarmTopic);
    const period = Duration.minutes(5);
    for (const [name, machine] of [
      ['CaseWorkflow', caseWorkflow],
      ['PaymentRun', paymentRun],
    ] as const) {
      alarm(
        `${name}ExecutionsFailed`,
        machine.stateMachine.metricFailed({ period }),
        `${name}: an execution failed (see the case's escalation / the run's status)`,
      );
      alarm(`${name}ExecutionsTimedOut`, machine.stateMachine.metricTimedOut({ period }), `${name}: an execution timed out`);
    }
    alarm('WorkflowFunctionErrors', workflowFn.metricErrors({ period }), 'Workflow function: invocation errors (Task states retry, then fail to a named path)');
    // The sweep publishes no custom metric for escalations (functions/workflow/sweep.ts only logs its counts):
    // its errors are alarmed; escalations are visible on the cases themselves.
    alarm(
      'DeadlineSweepErrors',
      sweepFn.metricErrors({ period: Duration.hours(1) }),
      'Deadline sweep: the daily run failed; statutory deadlines may go unescalated',
    );
    alarm(
      'PaymentRunScheduleErrors',
      paymentRunFn.metricErrors({ period: Duration.hours(1) }),
      'Monthly payment run: the scheduled start failed; invoke the function again (same month, idempotent) or POST /v1/payment-runs',
    );
    alarm(
      'MonthCloseErrors',
      monthCloseFn.metricErrors({ period: Duration.hours(1) }),
      'Month close (D19): some platform-months were not closed (e.g. a missing rate); fix and invoke the function again (idempotent)',
    );
    // The schedule DLQ is alarmed with every dead-letter queue by the monitoring construct (stateless stack).
    this.alarms = alarms;
  }
}

/** Logical id of a function's CfnFunction, as cdk-nag names it in finding ids (`<LogicalId.Arn>`). */
const logicalIdOf = (fn: IFunction): string => Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
