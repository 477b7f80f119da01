/** The audit chain's pure parts and its append protocol, with a mocked DynamoDB. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const { appendAudit, canonicalJson, GENESIS_HASH, hashRecord, sanitise, verifyRecords } = await import('../../functions/_shared/audit.ts');
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const entry = { entityType: 'platform' as const, entityId: 'plt_1', actor: 'admin-1', action: 'platform.registered', before: null, after: { name: 'A', provinces: [{ joinedOn: '2025-07-01', code: '110000' }] } };
const at = new Date('2025-08-01T02:00:00Z');

describe('canonical JSON and hashes', () => {
  it('is independent of key order at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('hashes a record without its own hash field', () => {
    const r = { pk: 'p', sk: '0000000001', seq: 1, prevHash: GENESIS_HASH } as never;
    expect(hashRecord(r)).toBe(hashRecord({ ...(r as object), hash: 'anything' } as never));
    expect(hashRecord(r)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('sanitise', () => {
  it('replaces personal fields by keyed hashes and masks numbers in free text', () => {
    const out = sanitise({ idNumber: '11010119900307123X', phone: '13912345678', note: 'call 13912345678', n: 3, list: ['6222021234567890123'] }) as Record<string, unknown>;
    expect(out.idNumber).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(out.phone).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(out).toMatchObject({ note: 'call [redacted:phone]', n: 3, list: ['[redacted:digits]'] });
  });
});

describe('appendAudit', () => {
  it('starts a chain at sequence 1 on the genesis hash, with a conditional put', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    const r = await appendAudit(entry, at);
    expect(r).toMatchObject({ pk: 'AUDIT#platform#plt_1', sk: '0000000001', seq: 1, prevHash: GENESIS_HASH, at: '2025-08-01T02:00:00.000Z' });
    expect(r.hash).toBe(hashRecord(r));
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ TableName: 'registry', ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('on a lost race re-reads the head and appends on top of the winner', async () => {
    const winner = { ...(await (async () => {
      ddb.on(QueryCommand).resolves({ Items: [] });
      ddb.on(PutCommand).resolves({});
      return appendAudit({ ...entry, actor: 'winner' }, at);
    })()) };
    ddb.reset();
    ddb.on(QueryCommand).resolvesOnce({ Items: [] }).resolves({ Items: [winner] });
    ddb.on(PutCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} })).resolves({});
    const r = await appendAudit(entry, at);
    expect(r).toMatchObject({ seq: 2, sk: '0000000002', prevHash: winner.hash });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    expect(verifyRecords([winner, r])).toMatchObject({ ok: true, records: 2 });
  });

  it('propagates other errors (nothing is turned into a false success)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(appendAudit(entry, at)).rejects.toThrow('throttled');
  });
});
