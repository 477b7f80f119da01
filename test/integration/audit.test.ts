/**
 * The audit hash chain (functions/_shared/audit.ts) on DynamoDB Local: platform registration and
 * province joins, parameter versions and calendar loads each append one record; concurrent writers never
 * fork a chain; an edited, re-hashed or deleted record is detected by verifyAuditChain and the CLI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, idNumber, platformBody } from '../support/fixtures.ts';

type Audit = typeof import('../../functions/_shared/audit.ts');

let stack: TestStack;
let audit: Audit;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let table: string;
let store: { client: DynamoDBDocumentClient; table: string };
let platformId: string;

beforeAll(async () => {
  stack = await startTestStack();
  // Imported after the stack set the env: the handler modules and this test share one configuration.
  audit = await import('../../functions/_shared/audit.ts');
  table = stack.tables.REGISTRY_TABLE!;
  client = new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  doc = DynamoDBDocumentClient.from(client);
  store = { client: doc, table };
  const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
  expect(created.status).toBe(201);
  platformId = created.body.platformId;
  expect((await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '310000', joinedOn: '2025-09-01' } })).status).toBe(201);
  expect((await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '440000', joinedOn: '2025-09-01' } })).status).toBe(201);
});

afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

describe('audit records of platform, parameter and calendar changes', () => {
  it('chains platform registration and each province join, with actor, before and after', async () => {
    const records = await audit.readAuditChain('platform', platformId, store);
    expect(records.map((r) => [r.sk, r.action, r.actor])).toEqual([
      ['0000000001', 'platform.registered', 'admin-1'],
      ['0000000002', 'platform.provinceJoined', 'admin-1'],
      ['0000000003', 'platform.provinceJoined', 'admin-1'],
    ]);
    expect(records[0]).toMatchObject({ pk: `AUDIT#platform#${platformId}`, before: null, prevHash: audit.GENESIS_HASH, after: { platformId } });
    expect(records[1]!.prevHash).toBe(records[0]!.hash);
    expect((records[2]!.after as { provinces: { code: string }[] }).provinces.map((p) => p.code)).toEqual(['110000', '130000', '310000', '440000']);
    expect(await audit.verifyAuditChain('platform', platformId, store)).toEqual({ ok: true, records: 3, headHash: records[2]!.hash });
  });

  it('audits a new parameter version once (a replay adds nothing) and a calendar load with what it replaced', async () => {
    const version = { name: 'contributionRateFen', scope: { province: '110000', industry: 'FREIGHT' }, effectiveFrom: '2026-03-01', value: 30 };
    expect((await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: version })).status).toBe(201);
    expect((await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: version })).status).toBe(200);
    expect((await stack.api('PUT', '/v1/parameters', { token: adminClaims, body: { ...version, effectiveFrom: '2026-04-01', value: 31 } })).status).toBe(201);
    const series = 'contributionRateFen@province=110000,industry=FREIGHT';
    const params = await audit.readAuditChain('parameter', series, store);
    expect(params.map((r) => [r.action, (r.after as { value: number }).value])).toEqual([
      ['parameter.versionAdded', 30],
      ['parameter.versionAdded', 31],
    ]);

    expect((await stack.api('PUT', '/v1/calendars/2026', { token: adminClaims, body: { holidays: ['2026-01-01'], workdays: [] } })).status).toBe(200);
    expect((await stack.api('PUT', '/v1/calendars/2026', { token: adminClaims, body: { holidays: ['2026-01-01', '2026-10-01'], workdays: [] } })).status).toBe(200);
    const cal = await audit.readAuditChain('calendar', '2026', store);
    expect(cal.map((r) => (r.before as { source?: string } | null)?.source ?? null)).toEqual(['seeded', 'loaded']);
    expect(cal[1]!.after).toEqual({ holidays: ['2026-01-01', '2026-10-01'], workdays: [], source: 'loaded' });
    for (const [type, id] of [['parameter', series], ['calendar', '2026']] as const) expect((await audit.verifyAuditChain(type, id, store)).ok).toBe(true);
  });

  it('never forks a chain: 12 concurrent writers end with sequence 1..12, each on top of the previous', async () => {
    const entry = (i: number) => ({ entityType: 'calendar' as const, entityId: 'race-2099', actor: `admin-${i}`, action: 'calendar.loaded', before: null, after: { i } });
    const written = await Promise.all(Array.from({ length: 12 }, (_, i) => audit.appendAudit(entry(i), new Date(), store)));
    expect(new Set(written.map((r) => r.seq)).size).toBe(12);
    const chain = await audit.readAuditChain('calendar', 'race-2099', store);
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await audit.verifyAuditChain('calendar', 'race-2099', store)).toMatchObject({ ok: true, records: 12 });
  });

  it('keeps personal data out of audit records: named fields as keyed hashes, numbers in text masked', async () => {
    const id = idNumber(42, '1988-08-08');
    const record = await audit.appendAudit(
      { entityType: 'platform', entityId: 'pii-check', actor: 'admin-1', action: 'test', before: null, after: { idNumber: id, phone: '13912345678', note: `called 13912345678 about ${id}` } },
      new Date(),
      store,
    );
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: record.pk, sk: record.sk } }));
    const stored = JSON.stringify(Item);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain('13912345678');
    expect(Item!.after.idNumber).toMatch(/^hmac:[0-9a-f]{64}$/);
  });
});

describe('tamper detection', () => {
  const tamperTarget = async () => {
    const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    const id = created.body.platformId as string;
    for (const code of ['310000', '440000']) await stack.api('POST', `/v1/platforms/${id}/provinces`, { token: adminClaims, body: { code, joinedOn: '2025-09-01' } });
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: true, records: 3 });
    return id;
  };

  it('detects a record edited in place in DynamoDB (its hash no longer matches)', async () => {
    const id = await tamperTarget();
    await doc.send(
      new UpdateCommand({ TableName: table, Key: { pk: `AUDIT#platform#${id}`, sk: '0000000002' }, UpdateExpression: 'SET actor = :a', ExpressionAttributeValues: { ':a': 'someone-else' } }),
    );
    const result = await audit.verifyAuditChain('platform', id, store);
    expect(result).toMatchObject({ ok: false, records: 3, broken: { sk: '0000000002', reason: expect.stringContaining('does not match the record') } });
  });

  it('detects an edited record whose hash was recomputed (the next record no longer links to it)', async () => {
    const id = await tamperTarget();
    const key = { pk: `AUDIT#platform#${id}`, sk: '0000000001' };
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: key }));
    const forged = { ...Item!, after: { ...Item!.after, name: 'Forged name' } } as Parameters<Audit['hashRecord']>[0];
    await doc.send(new PutCommand({ TableName: table, Item: { ...forged, hash: audit.hashRecord(forged) } }));
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: false, broken: { sk: '0000000002', reason: expect.stringContaining('prevHash') } });
  });

  it('detects a deleted record (a gap in the sequence)', async () => {
    const id = await tamperTarget();
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: `AUDIT#platform#${id}`, sk: '0000000002' } }));
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: false, broken: { sk: '0000000003', reason: expect.stringContaining('expected sequence 0000000002') } });
  });

  it('the CLI prints OK for an untouched chain and BROKEN for the first broken record (exit 1)', async () => {
    const untouched = await tamperTarget();
    const run = promisify(execFile);
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts', '--endpoint', inject('ddbEndpoint'), '--table', table, ...args], { env: { ...process.env } }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: `${e.stdout}${e.stderr}` }),
      );
    const ok = await cli(['platform', untouched]);
    expect(ok).toMatchObject({ code: 0, out: expect.stringMatching(new RegExp(`^OK platform ${untouched}: 3 records, head [0-9a-f]{64}`)) });
    const all = await cli(['--all']);
    expect(all.code).toBe(1);
    expect(all.out).toMatch(/^BROKEN platform plt_\w+ at sk 0000000002: stored hash/m);
    expect(all.out).toContain(`OK platform ${untouched}`);
    expect((await cli([])).code).toBe(2);
  });
});
