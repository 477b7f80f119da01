/**
 * Issue 17: an Idempotency-Key record keeps the first answer for 24 h — a worker's own case unmasked, or
 * any answer that carries a phone or an ID number. The stored answer is sealed with the field encryption
 * and bound to the record's key (functions/_shared/idempotency.ts `SealedPersistenceLayer`): a reader of
 * the table sees none of it, a replay is the exact first answer, and an answer moved to another record
 * does not decrypt.
 */
import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBDocumentClient, paginateScan, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { makeResidentId } from '../../core/index.ts';
import { SealedPersistenceLayer } from '../../functions/_shared/idempotency.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { openCaseBody, orderAround, registerWorker, report } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const env = useCaseStack();
let doc: DynamoDBDocumentClient;
beforeAll(() => {
  doc = DynamoDBDocumentClient.from(localDynamoDbClient(inject('ddbEndpoint')!, 'cn-north-1'));
});
const table = () => env.stack.tables.IDEMPOTENCY_TABLE!;

const idempotencyItems = async (): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: doc }, { TableName: table(), ConsistentRead: true })) items.push(...(page.Items ?? []));
  return items;
};

const lambdaContext = { getRemainingTimeInMillis: () => 10_000, functionName: 'sealed-test' } as unknown as Context;

describe('the sealed idempotency persistence layer', () => {
  const phone = '13912345678';
  const idNumber = makeResidentId('110101', '1990-05-01', 13);
  let calls = 0;
  // Each run answers differently (a fresh id): a replay equal to the first answer comes from the store.
  const registerPerson = async (event: { key: string }) => ({
    statusCode: 201,
    body: JSON.stringify({ key: event.key, answer: randomUUID(), call: ++calls, person: { name: '王五', phone, idNumber } }),
  });
  const idempotent = () => {
    const config = new IdempotencyConfig({ eventKeyJmesPath: 'key' });
    config.registerLambdaContext(lambdaContext);
    return makeIdempotent(registerPerson, {
      persistenceStore: new SealedPersistenceLayer({ tableName: table(), awsSdkV3Client: localDynamoDbClient(inject('ddbEndpoint')!, 'cn-north-1') }),
      config,
    });
  };

  /** Runs the idempotent handler for `key` and returns the record it stored (by the id that appeared). */
  const runAndFind = async (key: string) => {
    const known = new Set((await idempotencyItems()).map((i) => i.id));
    const answer = await idempotent()({ key });
    const record = (await idempotencyItems()).find((i) => !known.has(i.id));
    expect(record, key).toBeDefined();
    return { answer, record: record! };
  };

  it('stores no phone, ID number or name in clear; a replay returns the exact first answer', async () => {
    const { answer: first, record } = await runAndFind('person-1');
    expect(first.body).toContain(phone);
    expect(first.body).toContain(idNumber);
    expect(record.status).toBe('COMPLETED');
    expect(record.data).toEqual({ sealed: expect.stringMatching(/^v2\./) });
    const text = JSON.stringify(await idempotencyItems());
    for (const secret of [phone, idNumber, '王五']) expect(text).not.toContain(secret);

    const replay = await idempotent()({ key: 'person-1' });
    expect(replay).toEqual(first);
    expect(calls).toBe(1);
  });

  it('refuses an answer moved to another record: it does not decrypt there, and nothing is replayed', async () => {
    const { record: one } = await runAndFind('person-2');
    const { record: other } = await runAndFind('person-3');
    await doc.send(new PutCommand({ TableName: table(), Item: { ...other, data: one.data } }));
    const before = calls;
    await expect(idempotent()({ key: 'person-3' })).rejects.toThrow(/PII ciphertext refused for idempotency\//);
    expect(calls).toBe(before);
  });
});

describe('Idempotency-Key records of the HTTP API', () => {
  it('hold a case opened by a worker sealed; the replay is the first answer byte for byte; a moved answer fails (500), it is not served', async () => {
    const worker = await registerWorker(env.world);
    const at = new Date(Date.now() - 20 * 60_000);
    await orderAround(env.world, worker, at);
    const firstReport = (await report(env.world, worker, at, worker.token)).body.reportId as string;
    const secondReport = (await report(env.world, worker, new Date(at.getTime() + 60_000), worker.token)).body.reportId as string;
    const open = (reportId: string, key: string) =>
      env.stack.api('POST', '/v1/cases', { token: worker.token, body: openCaseBody(reportId, 'injury', 'worker'), headers: { 'idempotency-key': key } });

    const first = await open(firstReport, 'sealed-open-1');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = await idempotencyItems();
    const record = before.find((item) => item.status === 'COMPLETED' && item.data !== undefined);
    expect(record, JSON.stringify(before.map((i) => i.id))).toBeDefined();
    expect(record!.data).toEqual({ sealed: expect.stringMatching(/^v2\./) });
    // Nothing of the answer is readable from the table: not the case, not the worker.
    expect(JSON.stringify(before)).not.toContain(first.body.caseId as string);
    expect(JSON.stringify(before)).not.toContain(worker.workerId);

    const replay = await open(firstReport, 'sealed-open-1');
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);

    const second = await open(secondReport, 'sealed-open-2');
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const secondRecord = (await idempotencyItems()).find((item) => !before.some((b) => b.id === item.id));
    expect(secondRecord).toBeDefined();
    await doc.send(new PutCommand({ TableName: table(), Item: { ...secondRecord!, data: record!.data } }));
    const moved = await open(secondReport, 'sealed-open-2');
    expect(moved.status).toBe(500);
    expect(moved.text).not.toContain(first.body.caseId as string);
  });
});
