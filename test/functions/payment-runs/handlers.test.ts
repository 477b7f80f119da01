/**
 * Starting a payment run (functions/payment-runs/use-cases.ts) from its two entries, with mocked DynamoDB
 * and Step Functions (aws-sdk-client-mock): the monthly schedule (scheduled.ts: Shanghai month of the
 * scheduled time, deterministic run id, duplicate deliveries start nothing) and POST /v1/payment-runs.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { addMonthsToMonth, monthOfDate, shanghaiDate } from '../../../core/index.ts';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const PAYMENT_RUN_ARN = 'arn:aws:states:cn-north-1:000000000000:stateMachine:payment-run';
vi.hoisted(() => {
  process.env.CASES_TABLE = 'cases';
  process.env.PAYMENT_RUN_ARN = 'arn:aws:states:cn-north-1:000000000000:stateMachine:payment-run';
});

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let scheduled: typeof import('../../../functions/payment-runs/scheduled.ts').handler;
let http: typeof import('../../../functions/payment-runs/handler.ts').handler;

beforeAll(async () => {
  ({ handler: scheduled } = await import('../../../functions/payment-runs/scheduled.ts'));
  ({ handler: http } = await import('../../../functions/payment-runs/handler.ts'));
});
beforeEach(() => {
  ddb.reset();
  sfn.reset();
});

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const storedRun = (runId: string, month: string, status: 'RUNNING' | 'SUCCEEDED' | 'FAILED') => ({
  pk: `RUN#${runId}`,
  sk: 'RUN',
  type: 'Run',
  runId,
  month,
  status,
  payments: 3,
  totalFen: 4_500_000,
  startedAt: '2026-11-30T18:00:00.000Z',
  startedBy: 'schedule',
});
/** 02:00 on 1 December in Shanghai is still 30 November in UTC. */
const DEC_FIRST_0200_SHANGHAI = '2026-11-30T18:00:00Z';

describe('scheduled payment run (EventBridge Scheduler entry)', () => {
  it("starts the Shanghai month of the scheduled time under the month's deterministic run id", async () => {
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const result = await scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI });
    expect(result).toEqual({ runId: 'run-2026-12-scheduled', month: '2026-12', status: 'RUNNING', created: true });

    const put = ddb.commandCalls(PutCommand);
    expect(put).toHaveLength(1);
    expect(put[0]!.args[0].input).toMatchObject({
      TableName: 'cases',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'RUN#run-2026-12-scheduled',
        sk: 'RUN',
        runId: 'run-2026-12-scheduled',
        month: '2026-12',
        status: 'RUNNING',
        payments: 0,
        totalFen: 0,
        startedBy: 'schedule',
        startedAt: '2026-11-30T18:00:00.000Z',
      },
    });
    const start = sfn.commandCalls(StartExecutionCommand);
    expect(start).toHaveLength(1);
    expect(start[0]!.args[0].input).toEqual({
      stateMachineArn: PAYMENT_RUN_ARN,
      name: 'run-2026-12-scheduled',
      input: JSON.stringify({ runId: 'run-2026-12-scheduled', month: '2026-12', nextToken: null }),
    });
  });

  it('uses the clock when the event carries no scheduled time', async () => {
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const month = monthOfDate(shanghaiDate(new Date()));
    const result = await scheduled({});
    expect(result).toMatchObject({ runId: `run-${month}-scheduled`, month, created: true });
  });

  it('a duplicate delivery for a finished run starts nothing and writes nothing', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRun('run-2026-12-scheduled', '2026-12', 'SUCCEEDED') });
    const result = await scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI });
    expect(result).toEqual({ runId: 'run-2026-12-scheduled', month: '2026-12', status: 'SUCCEEDED', created: false });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: 'RUN#run-2026-12-scheduled', sk: 'RUN' }, ConsistentRead: true });
  });

  it('a duplicate delivery for a failed run starts nothing either (an administrator re-runs the month through the API)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRun('run-2026-12-scheduled', '2026-12', 'FAILED') });
    expect(await scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI })).toMatchObject({ status: 'FAILED', created: false });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('a duplicate delivery for a run still RUNNING re-issues the same start (a no-op for a running execution, a repair for a lost one)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRun('run-2026-12-scheduled', '2026-12', 'RUNNING') });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    expect(await scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI })).toMatchObject({ status: 'RUNNING', created: false });
    const start = sfn.commandCalls(StartExecutionCommand);
    expect(start).toHaveLength(1);
    expect(start[0]!.args[0].input).toMatchObject({
      name: 'run-2026-12-scheduled',
      input: JSON.stringify({ runId: 'run-2026-12-scheduled', month: '2026-12', nextToken: null }),
    });
  });

  it('treats ExecutionAlreadyExists as the run being started already, not as an error', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: storedRun('run-2026-12-scheduled', '2026-12', 'RUNNING') });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution already exists', $metadata: {} }));
    expect(await scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI })).toMatchObject({ created: false });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('leaves the run RUNNING and fails the invocation when the start fails, so the retry starts it', async () => {
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    await expect(scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI })).rejects.toThrow('Service unavailable');
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('propagates an infrastructure failure of the run record as an error (no false success)', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(scheduled({ scheduledTime: DEC_FIRST_0200_SHANGHAI })).rejects.toThrow('Throughput exceeded');
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses a malformed event without writing anything', async () => {
    await expect(scheduled({ scheduledTime: 'first of the month' })).rejects.toThrow(/Invalid scheduled event: scheduledTime/);
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});

describe('POST /v1/payment-runs (the same use case, a random run id)', () => {
  const admin = { sub: 'admin-1', role: 'admin' };
  const post = (month: string) => http(httpEvent('POST /v1/payment-runs', { claims: admin, body: { month } }), lambdaContext);
  const current = monthOfDate(shanghaiDate(new Date()));

  it('creates a new run with a random id per request and starts it under that name', async () => {
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    const [a, b] = [await post(current), await post(current)];
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    const ids = [bodyOf(a).runId, bodyOf(b).runId];
    expect(ids[0]).toMatch(new RegExp(`^run-${current}-[0-9a-f]{12}$`));
    expect(ids[1]).not.toBe(ids[0]);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(ids);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ startedBy: 'admin-1', status: 'RUNNING' });
  });

  it('marks the run FAILED when its start fails (nobody retries a random id) and answers 500', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const res = await post(current);
    expect(res.statusCode).toBe(500);
    const update = ddb.commandCalls(UpdateCommand);
    expect(update).toHaveLength(1);
    expect(update[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':s': 'FAILED', ':e': 'ServiceUnavailable' });
  });

  it('refuses a month other than the current or the next one with 422 and writes nothing', async () => {
    const res = await post(addMonthsToMonth(current, 2));
    expect(res.statusCode).toBe(422);
    expect(bodyOf(res).errors[0].path).toBe('month');
    expect(ddb).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });
});
