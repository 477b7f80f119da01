/**
 * The audit hash chain (functions/_shared/audit.ts) on DynamoDB Local: platform registration and
 * province joins, parameter versions and calendar loads each append one record; concurrent writers never
 * fork a chain; an edited, re-hashed or deleted record is detected by verifyAuditChain and the CLI.
 * A change and its record are one transaction: a transaction DynamoDB cancels leaves neither, a success
 * leaves both, and concurrent audited changes are each applied once with a record on the previous one.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, idNumber, platformBody } from '../support/fixtures.ts';

type Audit = typeof import('../../functions/_shared/audit.ts');
type AuditKeys = typeof import('../../functions/_shared/audit-keys.ts');

let stack: TestStack;
let audit: Audit;
let auditMac: AuditKeys['auditMac'];
let localAuditMac: AuditKeys['localAuditMac'];
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let table: string;
let store: { client: DynamoDBDocumentClient; table: string };
let platformId: string;

beforeAll(async () => {
  stack = await startTestStack();
  // Imported after the stack set the env: the handler modules and this test share one configuration.
  audit = await import('../../functions/_shared/audit.ts');
  ({ auditMac, localAuditMac } = await import('../../functions/_shared/audit-keys.ts'));
  table = stack.tables.REGISTRY_TABLE!;
  client = new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  doc = DynamoDBDocumentClient.from(client);
  store = { client: doc, table };
  const created = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
  expect(created.status).toBe(201);
  platformId = created.body.platformId;
  expect(
    (await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '310000', joinedOn: '2025-09-01' } })).status,
  ).toBe(201);
  expect(
    (await stack.api('POST', `/v1/platforms/${platformId}/provinces`, { token: adminClaims, body: { code: '440000', joinedOn: '2025-09-01' } })).status,
  ).toBe(201);
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
    expect((await stack.api('PUT', '/v1/calendars/2026', { token: adminClaims, body: { holidays: ['2026-01-01', '2026-10-01'], workdays: [] } })).status).toBe(
      200,
    );
    const cal = await audit.readAuditChain('calendar', '2026', store);
    expect(cal.map((r) => (r.before as { source?: string } | null)?.source ?? null)).toEqual(['seeded', 'loaded']);
    expect(cal[1]!.after).toEqual({ holidays: ['2026-01-01', '2026-10-01'], workdays: [], source: 'loaded' });
    for (const [type, id] of [
      ['parameter', series],
      ['calendar', '2026'],
    ] as const)
      expect((await audit.verifyAuditChain(type, id, store)).ok).toBe(true);
  });

  it('never forks a chain: 12 concurrent writers end with sequence 1..12, each on top of the previous', async () => {
    const entry = (i: number) => ({
      entityType: 'calendar' as const,
      entityId: 'race-2099',
      actor: `admin-${i}`,
      action: 'calendar.loaded',
      before: null,
      after: { i },
    });
    const written = await Promise.all(Array.from({ length: 12 }, (_, i) => audit.appendAudit(entry(i), new Date(), store)));
    expect(new Set(written.map((r) => r.seq)).size).toBe(12);
    const chain = await audit.readAuditChain('calendar', 'race-2099', store);
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await audit.verifyAuditChain('calendar', 'race-2099', store)).toMatchObject({ ok: true, records: 12 });
  });

  it('keeps personal data out of audit records: named fields as keyed hashes, numbers in text masked', async () => {
    const id = idNumber(42, '1988-08-08');
    const record = await audit.appendAudit(
      {
        entityType: 'platform',
        entityId: 'pii-check',
        actor: 'admin-1',
        action: 'test',
        before: null,
        after: { idNumber: id, phone: '13912345678', note: `called 13912345678 about ${id}` },
      },
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
    for (const code of ['310000', '440000'])
      await stack.api('POST', `/v1/platforms/${id}/provinces`, { token: adminClaims, body: { code, joinedOn: '2025-09-01' } });
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: true, records: 3 });
    return id;
  };

  it('detects a record edited in place in DynamoDB (its hash no longer matches)', async () => {
    const id = await tamperTarget();
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: `AUDIT#platform#${id}`, sk: '0000000002' },
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: { ':a': 'someone-else' },
      }),
    );
    const result = await audit.verifyAuditChain('platform', id, store);
    expect(result).toMatchObject({ ok: false, records: 3, broken: { sk: '0000000002', reason: expect.stringContaining('is not the MAC') } });
  });

  it('detects an edited record whose hash was recomputed (the next record no longer links to it)', async () => {
    const id = await tamperTarget();
    const key = { pk: `AUDIT#platform#${id}`, sk: '0000000001' };
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: key }));
    // Even with the MAC key itself (an insider), an edited record re-MACed breaks the next record's link.
    const forged = { ...Item!, after: { ...Item!.after, name: 'Forged name' } };
    await doc.send(new PutCommand({ TableName: table, Item: { ...forged, hash: await auditMac().mac(audit.digestRecord(forged)) } }));
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({
      ok: false,
      broken: { sk: '0000000002', reason: expect.stringContaining('prevHash') },
    });
  });

  /** Edits record 2 and recomputes every later hash (and link) with `hashOf`, as a writer without the key would. */
  const recomputeFrom2 = async (id: string, hashOf: (record: Record<string, unknown>) => Promise<string>) => {
    const chain = (await audit.readAuditChain('platform', id, store)) as unknown as Record<string, unknown>[];
    let prev = chain[0]!.hash as string;
    for (const record of chain.slice(1)) {
      const edited = { ...record, prevHash: prev, ...(record.sk === '0000000002' ? { actor: 'someone-else' } : {}) };
      const hash = await hashOf(edited);
      await doc.send(new PutCommand({ TableName: table, Item: { ...edited, hash } }));
      prev = hash;
    }
  };

  it('detects a chain recomputed with plain SHA-256 after an edit (the unkeyed hash of issue 5 is no longer enough)', async () => {
    const id = await tamperTarget();
    await recomputeFrom2(id, async (r) => audit.digestRecord(r).toString('hex'));
    // Every link is consistent again; only the MAC tells.
    const chain = await audit.readAuditChain('platform', id, store);
    expect(chain[2]!.prevHash).toBe(chain[1]!.hash);
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({
      ok: false,
      broken: { sk: '0000000002', reason: expect.stringContaining('is not the MAC') },
    });
  });

  it('detects a chain recomputed with a guessed key', async () => {
    const id = await tamperTarget();
    const guessed = localAuditMac(Buffer.alloc(32, 1));
    await recomputeFrom2(id, (r) => guessed.mac(audit.digestRecord(r)));
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({
      ok: false,
      broken: { sk: '0000000002', reason: expect.stringContaining('is not the MAC') },
    });
  });

  it('detects a deleted record (a gap in the sequence)', async () => {
    const id = await tamperTarget();
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk: `AUDIT#platform#${id}`, sk: '0000000002' } }));
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({
      ok: false,
      broken: { sk: '0000000003', reason: expect.stringContaining('expected sequence 0000000002') },
    });
  });

  it('the CLI prints OK for an untouched chain and BROKEN for the first broken record (exit 1)', async () => {
    const untouched = await tamperTarget();
    const run = promisify(execFile);
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts', '--endpoint', inject('ddbEndpoint'), '--table', table, ...args], {
        env: { ...process.env },
      }).then(
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

describe('a change and its record are one transaction', () => {
  /**
   * Fault: while armed, every TransactWriteItems that carries an audit record gets one more item, a
   * ConditionCheck on a key that does not exist, so DynamoDB Local itself cancels the whole transaction
   * after the change's and the record's own conditions passed. Installed on the handlers' own client.
   */
  let armed = false;
  let cancelledCalls = 0;
  beforeAll(async () => {
    const { dynamo } = await import('../../functions/_shared/db.ts');
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const input = (args as { input: { TransactItems?: Record<string, unknown>[] } }).input;
        if (!armed || !input.TransactItems || !JSON.stringify(input.TransactItems).includes('AUDIT#')) return next(args);
        cancelledCalls++;
        const marshalled = JSON.stringify(input.TransactItems).includes('{"S":"AUDIT#');
        const key = marshalled ? { pk: { S: 'FAULT#missing' }, sk: { S: 'FAULT' } } : { pk: 'FAULT#missing', sk: 'FAULT' };
        const check = { ConditionCheck: { TableName: table, Key: key, ConditionExpression: 'attribute_exists(pk)' } };
        return next({ ...args, input: { ...input, TransactItems: [...input.TransactItems, check] } } as typeof args);
      },
      { step: 'serialize', priority: 'high', name: 'auditAtomicityFault' },
    );
  });

  const registry = async () => {
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return Items.map((i) => JSON.stringify(i)).sort();
  };

  /** Sends `request` once with the fault armed (5xx, the registry unchanged), then once without (2xx, change and record). */
  const faultedThenClean = async (request: () => Promise<{ status: number; body: any }>, okStatus: number) => {
    const before = await registry();
    armed = true;
    cancelledCalls = 0;
    let faulted: { status: number; body: any };
    try {
      faulted = await request();
    } finally {
      armed = false;
    }
    expect(cancelledCalls).toBe(1); // cancelled by DynamoDB, not retried as a lost race
    expect(faulted.status).toBe(500);
    expect(await registry()).toEqual(before); // neither the change nor its record
    const clean = await request();
    expect(clean.status).toBe(okStatus);
    const after = await registry();
    return {
      clean,
      added: after.filter((i) => !before.includes(i)).map((i) => JSON.parse(i) as Record<string, any>),
      removed: before.filter((i) => !after.includes(i)),
    };
  };

  it('registration: a cancelled transaction writes no credit code, profile, client binding or record; a success writes all with one record', async () => {
    const body = platformBody();
    const { clean, added } = await faultedThenClean(() => stack.api('POST', '/v1/platforms', { token: adminClaims, body }), 201);
    const id = clean.body.platformId as string;
    expect(added.map((i) => String(i.pk).replace(id, 'ID').replace(body.creditCode, 'CODE').replace(clean.body.clientId, 'CLIENT')).sort()).toEqual(
      // PLATFORMS: the platform directory entry the month close walks (D19).
      ['APPCLIENT#ID', 'AUDIT#platform#ID', 'AUDITHEADS', 'CLIENT#CLIENT', 'CREDITCODE#CODE', 'PLATFORM#ID', 'PLATFORMS'].sort(),
    );
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: true, records: 1 });
  });

  it('province join: a cancelled transaction leaves the provinces and version as they were; a success changes both with one record', async () => {
    const id = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId as string;
    const { added } = await faultedThenClean(
      () => stack.api('POST', `/v1/platforms/${id}/provinces`, { token: adminClaims, body: { code: '310000', joinedOn: '2025-09-01' } }),
      201,
    );
    expect(added.map((i) => [i.pk, i.sk])).toEqual(
      expect.arrayContaining([
        [`PLATFORM#${id}`, 'PROFILE'],
        [`AUDIT#platform#${id}`, '0000000002'],
        ['AUDITHEADS', `platform#${id}`],
      ]),
    );
    expect(added).toHaveLength(3);
    expect(added.find((i) => i.sk === 'PROFILE')).toMatchObject({ version: 2 });
    expect(await audit.verifyAuditChain('platform', id, store)).toMatchObject({ ok: true, records: 2 });
  });

  it('client re-issue: a cancelled transaction keeps the old client bound; a success rebinds with one record', async () => {
    const created = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body;
    const { clean, added, removed } = await faultedThenClean(
      () => stack.api('POST', `/v1/platforms/${created.platformId}/client`, { token: adminClaims }),
      201,
    );
    expect(added.map((i) => i.pk).sort()).toEqual(
      [`APPCLIENT#${created.platformId}`, `AUDIT#platform#${created.platformId}`, 'AUDITHEADS', `CLIENT#${clean.body.clientId}`].sort(),
    );
    // The chain's head item is replaced by the new head.
    expect(removed.map((i) => JSON.parse(i).pk).sort()).toEqual([`APPCLIENT#${created.platformId}`, 'AUDITHEADS', `CLIENT#${created.clientId}`].sort());
    expect(await audit.verifyAuditChain('platform', created.platformId, store)).toMatchObject({ ok: true, records: 2 });
  });

  it('parameter version: a cancelled transaction stores no version (the same request then creates it, 201); a replay adds no record', async () => {
    const version = { name: 'contributionRateFen', scope: { province: '310000', industry: 'FREIGHT' }, effectiveFrom: '2026-05-01', value: 32 };
    const put = () => stack.api('PUT', '/v1/parameters', { token: adminClaims, body: version });
    const { added } = await faultedThenClean(put, 201);
    expect(added.map((i) => [i.pk, i.sk])).toEqual(
      expect.arrayContaining([
        ['PARAM#contributionRateFen', 'province=310000,industry=FREIGHT#2026-05-01'],
        ['AUDIT#parameter#contributionRateFen@province=310000,industry=FREIGHT', '0000000001'],
        ['AUDITHEADS', 'parameter#contributionRateFen@province=310000,industry=FREIGHT'],
      ]),
    );
    expect(added).toHaveLength(3);
    const before = await registry();
    expect((await put()).status).toBe(200);
    expect(await registry()).toEqual(before);
  });

  it('calendar load: a cancelled transaction keeps the year in place; a success replaces it with one record naming what it replaced', async () => {
    const year = 2031;
    expect((await stack.api('PUT', `/v1/calendars/${year}`, { token: adminClaims, body: { holidays: [`${year}-01-01`], workdays: [] } })).status).toBe(200);
    const { added, removed } = await faultedThenClean(
      () => stack.api('PUT', `/v1/calendars/${year}`, { token: adminClaims, body: { holidays: [`${year}-01-01`, `${year}-10-01`], workdays: [] } }),
      200,
    );
    expect(removed.map((i) => JSON.parse(i).sk).sort()).toEqual([String(year), `calendar#${year}`]);
    expect(added.map((i) => [i.pk, i.sk]).sort()).toEqual([
      [`AUDIT#calendar#${year}`, '0000000002'],
      ['AUDITHEADS', `calendar#${year}`],
      ['CALENDAR', String(year)],
    ]);
    const chain = await audit.readAuditChain('calendar', String(year), store);
    expect(chain[1]!.before).toEqual({ holidays: [`${year}-01-01`], workdays: [], source: 'loaded' });
  });

  it('12 concurrent calendar loads of one year: each applied once, each record on top of the previous and naming the load it replaced', async () => {
    const year = 2032;
    const loads = Array.from({ length: 12 }, (_, i) => ({ holidays: [`${year}-03-${String(i + 1).padStart(2, '0')}`], workdays: [] }));
    const responses = await Promise.all(loads.map((body) => stack.api('PUT', `/v1/calendars/${year}`, { token: adminClaims, body })));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    const chain = await audit.readAuditChain('calendar', String(year), store);
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await audit.verifyAuditChain('calendar', String(year), store)).toMatchObject({ ok: true, records: 12 });
    // Every load has exactly one record, and each record's `before` is the previous record's `after`.
    expect(chain.map((r) => (r.after as { holidays: string[] }).holidays[0]).sort()).toEqual(loads.map((l) => l.holidays[0]).sort());
    expect(chain[0]!.before).toBeNull();
    for (let i = 1; i < chain.length; i++) expect({ ...(chain[i]!.before as object), source: 'loaded' }).toEqual(chain[i - 1]!.after);
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'CALENDAR', sk: String(year) }, ConsistentRead: true }));
    expect({ holidays: Item!.holidays, workdays: Item!.workdays, source: 'loaded' }).toEqual(chain[11]!.after);
  });

  it('12 concurrent new versions of one parameter series: 12 versions stored once each, 12 records, one chain', async () => {
    const versions = Array.from({ length: 12 }, (_, i) => ({
      name: 'contributionRateFen',
      scope: { province: '440000' },
      effectiveFrom: `2027-${String(i + 1).padStart(2, '0')}-01`,
      value: 20 + i,
    }));
    const responses = await Promise.all(versions.map((body) => stack.api('PUT', '/v1/parameters', { token: adminClaims, body })));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    const chain = await audit.readAuditChain('parameter', 'contributionRateFen@province=440000', store);
    expect(chain.map((r) => (r.after as { value: number }).value).sort((a, b) => a - b)).toEqual(versions.map((v) => v.value));
    expect(await audit.verifyAuditChain('parameter', 'contributionRateFen@province=440000', store)).toMatchObject({ ok: true, records: 12 });
    const stored = (await registry())
      .map((i) => JSON.parse(i))
      .filter((i) => i.pk === 'PARAM#contributionRateFen' && String(i.sk).startsWith('province=440000#2027-'));
    expect(stored).toHaveLength(12);
  });
});
