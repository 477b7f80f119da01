/**
 * The event path of evidence documents (part of the stateless stack): for every event function of
 * manifest/functions.ts (`EVENT_FUNCTIONS`), an EventBridge rule on the default bus matching its bucket's
 * "Object Created" events under the bucket's object prefix, targeting the function with retries and a DLQ,
 * and alarms on the function's errors (the DLQ's alarm is the monitoring construct's).
 *
 * The bucket (stateful stack) sends its events to EventBridge (`eventBridgeEnabled`) instead of notifying
 * the function directly: an S3 notification would make the stateful stack refer to a stateless function
 * while the stateless stack refers to the bucket, a cycle between the two stacks.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUCKETS } from '../../manifest/buckets.ts';
import { EVENT_FUNCTIONS, type EventFunctionName } from '../../manifest/functions.ts';
import type { StageConfig } from '../config/stage.ts';
import { alarmsTo } from '../constructs/alarms.ts';
import { targetDeadLetterQueue } from '../constructs/dead-letters.ts';
import type { ClaimsFunction } from '../constructs/function.ts';
import { bucketName } from './stateful-stack.ts';

/** EventBridge retries a failed invocation this many times (with backoff) before the event goes to the DLQ. */
export const OBJECT_CREATED_RETRY_ATTEMPTS = 8;
/** …and gives up on an event older than this. */
export const OBJECT_CREATED_MAX_EVENT_AGE = Duration.hours(6);

export interface DocumentEventsProps {
  readonly stage: StageConfig;
  readonly eventFunctions: Readonly<Record<EventFunctionName, ClaimsFunction>>;
  readonly alarmTopic: ITopic;
}

export class DocumentEvents extends Construct {
  public readonly rules: Readonly<Record<EventFunctionName, Rule>>;
  /** Events EventBridge could not deliver after its retries (SQS-managed SSE, TLS only, 14 days). */
  public readonly dlq: Queue;
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: DocumentEventsProps) {
    super(scope, id);
    const { stage } = props;
    const stack = Stack.of(this);

    this.dlq = targetDeadLetterQueue(this, 'ObjectCreatedDlq', stage, 'EventBridge rule targets');

    const { alarm, alarms } = alarmsTo(this, props.alarmTopic);
    const period = Duration.minutes(5);

    const rules = {} as Record<EventFunctionName, Rule>;
    for (const [name, spec] of Object.entries(EVENT_FUNCTIONS) as [EventFunctionName, (typeof EVENT_FUNCTIONS)[EventFunctionName]][]) {
      const bucket = BUCKETS[spec.objectCreated];
      const fn = props.eventFunctions[name].function;
      const pascalName = `${name[0]!.toUpperCase()}${name.slice(1)}`;
      rules[name] = new Rule(this, `${pascalName}ObjectCreated`, {
        description: `${spec.objectCreated} bucket: Object Created under ${bucket.objectPrefix} → ${name}`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: {
            bucket: { name: [bucketName(stage.name, spec.objectCreated, stack.account, stack.region)] },
            object: { key: [{ prefix: bucket.objectPrefix }] },
          },
        },
        targets: [
          new LambdaFunction(fn, {
            retryAttempts: OBJECT_CREATED_RETRY_ATTEMPTS,
            maxEventAge: OBJECT_CREATED_MAX_EVENT_AGE,
            deadLetterQueue: this.dlq,
          }),
        ],
      });
      alarm(`${pascalName}Errors`, fn.metricErrors({ period }), `${name}: invocation errors (EventBridge retries, then the event goes to the DLQ)`);
    }
    this.rules = rules;
    // The DLQ is alarmed with every dead-letter queue by the monitoring construct (stateless stack).
    this.alarms = alarms;
  }
}
