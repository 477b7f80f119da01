/**
 * The audit chain's pure parts and its append protocol, with a mocked DynamoDB: a change and its record
 * are one TransactWriteItems; a lost race on the record's key is retried with the same change on the new
 * head; a cancellation by the change's own condition is the caller's answer and is never retried.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const { appendAudit, AuditChainContention, canonicalJson, commitAudited, commitAuditedWith, digestRecord, GENESIS_HASH, sanitise, verifyRecords } =
  await import('../../../functions/_shared/audit.ts');
const { auditMac, localAuditMac } = await import('../../../functions/_shared/audit-keys.ts');
const mac = auditMac();
/** The head item each append puts after its record. */
const headPut = (r: { entityType: string; entityId: string; pk: string; seq: number; hash: string; at: string }) => ({
  Put: {
    TableName: 'registry',
    Item: { pk: 'AUDITHEADS', sk: `${r.entityType}#${r.entityId}`, type: 'AuditHead', chain: r.pk, seq: r.seq, hash: r.hash, at: r.at },
  },
});
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const entry = {
  entityType: 'platform' as const,
  entityId: 'plt_1',
  actor: 'admin-1',
  action: 'platform.registered',
  before: null,
  after: { name: 'A', provinces: [{ joinedOn: '2025-07-01', code: '110000' }] },
};
const at = new Date('2025-08-01T02:00:00Z');

describe('canonical JSON and hashes', () => {
  it('is independent of key order at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('digests a record without its own hash field, and MACs the digest under the key only', async () => {
    const r = { pk: 'p', sk: '0000000001', seq: 1, prevHash: GENESIS_HASH };
    expect(digestRecord(r).equals(digestRecord({ ...r, hash: 'anything' }))).toBe(true);
    expect(digestRecord(r).equals(digestRecord({ ...r, seq: 2 }))).toBe(false);
    const m = await mac.mac(digestRecord(r));
    expect(m).toMatch(/^[0-9a-f]{64}$/);
    expect(await mac.verify(digestRecord(r), m)).toBe(true);
    expect(await mac.verify(digestRecord({ ...r, seq: 2 }), m)).toBe(false);
    // Another key (a guess) gives another MAC, which the real key refuses.
    const guessed = await localAuditMac(Buffer.alloc(32, 7)).mac(digestRecord(r));
    expect(guessed).not.toBe(m);
    expect(await mac.verify(digestRecord(r), guessed)).toBe(false);
  });
});

describe('sanitise', () => {
  it('replaces personal fields by keyed hashes and masks numbers in free text', () => {
    const out = sanitise({ idNumber: '11010119900307123X', phone: '13912345678', note: 'call 13912345678', n: 3, list: ['6222021234567890123'] }) as Record<
      string,
      unknown
    >;
    expect(out.idNumber).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(out.phone).toMatch(/^hmac:[0-9a-f]{64}$/);
    expect(out).toMatchObject({ note: 'call [redacted:phone]', n: 3, list: ['[redacted:digits]'] });
  });
});

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

/** The change of these tests: a conditional put of one item. */
const change = { Put: { TableName: 'registry', Item: { pk: 'PLATFORM#plt_1', sk: 'PROFILE', version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } };
const transactions = () => ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);

/** A first record of the chain, as another writer would have written it. */
const winnerRecord = async () => {
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(TransactWriteCommand).resolves({});
  const winner = await appendAudit({ ...entry, actor: 'winner' }, at);
  ddb.reset();
  return winner;
};

describe('appendAudit', () => {
  it('starts a chain at sequence 1 on the genesis hash, with a conditional put', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).resolves({});

    const r = await appendAudit(entry, at);

    expect(r).toMatchObject({ pk: 'AUDIT#platform#plt_1', sk: '0000000001', v: 2, seq: 1, prevHash: GENESIS_HASH, at: '2025-08-01T02:00:00.000Z' });
    expect(await mac.verify(digestRecord(r as never), r.hash)).toBe(true);
    expect(transactions()).toEqual([[{ Put: { TableName: 'registry', Item: r, ConditionExpression: 'attribute_not_exists(pk)' } }, headPut(r)]]);
  });

  it('on a lost race re-reads the head and appends on top of the winner', async () => {
    const winner = await winnerRecord();
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [winner] });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('ConditionalCheckFailed')).resolves({});

    const r = await appendAudit(entry, at);

    expect(r).toMatchObject({ seq: 2, sk: '0000000002', prevHash: winner.hash });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(await verifyRecords([winner, r], mac)).toMatchObject({ ok: true, records: 2 });
  });

  it('propagates other errors (nothing is turned into a false success)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

    await expect(appendAudit(entry, at)).rejects.toThrow('throttled');

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });
});

describe('commitAudited: the change and its record in one transaction', () => {
  it('writes the change first, then the record and the chain head, in one TransactWriteItems', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).resolves({});

    const r = await commitAudited({ items: [change], entry }, at);

    expect(transactions()).toEqual([[change, { Put: { TableName: 'registry', Item: r, ConditionExpression: 'attribute_not_exists(pk)' } }, headPut(r)]]);
    expect(ddb.calls().map((c) => c.args[0].constructor.name)).toEqual(['QueryCommand', 'TransactWriteCommand']);
  });

  it('a lost race on the record key retries the same change once on the new head: applied exactly once, chain unforked', async () => {
    const winner = await winnerRecord();
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [winner] });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed')).resolves({});

    const r = await commitAudited({ items: [change], entry }, at);

    const [lost, won] = transactions();
    expect(lost![0]).toEqual(change);
    expect(won![0]).toEqual(change);
    expect(lost![1]!.Put!.Item).toMatchObject({ sk: '0000000001', prevHash: GENESIS_HASH });
    expect(won![1]!.Put!.Item).toEqual(r);
    expect(r).toMatchObject({ seq: 2, prevHash: winner.hash });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2); // the lost one wrote nothing; the change is in the second only
    expect(await verifyRecords([winner, r], mac)).toMatchObject({ ok: true, records: 2 });
  });

  it('retries a transaction conflict, and gives up with AuditChainContention rather than writing without a record', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('TransactionConflict', 'None')).resolves({});

    await commitAudited({ items: [change], entry }, at);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed'));

    await expect(commitAudited({ items: [change], entry }, at)).rejects.toBeInstanceOf(AuditChainContention);

    expect(transactions().length).toBeGreaterThan(1);
    for (const items of transactions()) expect(items.map((i) => i.Put!.Item!.pk)).toEqual(['PLATFORM#plt_1', 'AUDIT#platform#plt_1', 'AUDITHEADS']);
  });

  it("surfaces a cancellation by the change's own condition unchanged and never retries it (even if the record key failed too)", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const own = cancelled('ConditionalCheckFailed', 'None');
    ddb.on(TransactWriteCommand).rejects(own);

    await expect(commitAudited({ items: [change], entry }, at)).rejects.toBe(own);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);

    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    const both = cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed');
    ddb.on(TransactWriteCommand).rejects(both);

    await expect(commitAudited({ items: [change], entry }, at)).rejects.toBe(both);

    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
  });

  it('commitAuditedWith prepares each attempt after reading the head, so a retried change is built on the new state', async () => {
    const winner = await winnerRecord();
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [winner] });
    ddb.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'ConditionalCheckFailed')).resolves({});
    const order: string[] = [];
    let reads = 0;

    const r = await commitAuditedWith(
      entry,
      () => {
        order.push(`prepare after ${ddb.commandCalls(QueryCommand).length} head reads`);
        reads++;
        return { items: [change], entry: { ...entry, before: { read: reads } } };
      },
      at,
    );

    expect(order).toEqual(['prepare after 1 head reads', 'prepare after 2 head reads']);
    expect(r).toMatchObject({ seq: 2, before: { read: 2 } });

    await expect(commitAuditedWith({ entityType: 'calendar', entityId: '2026' }, () => ({ items: [], entry }), at)).rejects.toThrow(
      /not audited in AUDIT#calendar#2026/,
    );
  });
});
