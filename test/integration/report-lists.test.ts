/**
 * The report lists on the local stack (docs/cases.md, "Report lists"): a platform's injury reports of a
 * month (`GET /v1/platforms/{platformId}/injury-reports?month=`) and a worker's own
 * (`GET /v1/workers/{workerId}/injury-reports`), newest first, each with the case opened on it as it stands
 * and the reader's application deadline (D6: the platform's 3 working days, the worker's 30 days); pages
 * without loss or repetition; who may read which list (404 for another platform's or worker's); bad month,
 * limit and forged tokens → 400 naming the field.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { indexReports } from '../../scripts/index-reports.ts';
import { applicationDeadline, shanghaiDate, shanghaiMonth, WorkingDayCalendar } from '../../core/index.ts';
import { openCaseBody, orderAround, registerWorker, report, setUpWorld, type Worker, type World } from './cases-fixtures.ts';
import { useCaseStack } from './cases-stack.ts';

const ctx = useCaseStack();
const forge = (t: unknown) => Buffer.from(JSON.stringify(t)).toString('base64url');

let world: World;
let other: World;
let first: Worker;
let second: Worker;
/** Report ids in filing order: first's two (the second with a case), then second's one. */
const reports: string[] = [];
let caseId: string;
/** Injuries 10 minutes apart, half an hour ago and earlier, all in one month (an hour earlier if a month began between them). */
const now = new Date();
const shift = shanghaiMonth(new Date(now.getTime() - 50 * 60_000)) === shanghaiMonth(new Date(now.getTime() - 20 * 60_000)) ? 0 : 60;
const at = (minutesAgo: number) => new Date(now.getTime() - (minutesAgo + shift) * 60_000);
const month = shanghaiMonth(at(50));

beforeAll(async () => {
  world = ctx.world;
  other = await setUpWorld(
    (m, p, o) => ctx.stack.api(m, p, o),
    (c) => ctx.stack.token(c),
  );
  first = await registerWorker(world);
  second = await registerWorker(world);
  for (const [worker, minutesAgo] of [
    [first, 50],
    [first, 40],
    [second, 30],
  ] as const) {
    const when = at(minutesAgo);
    await orderAround(world, worker, when);
    const r = await report(world, worker, when);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    reports.push(r.body.reportId);
  }
  const opened = await world.api('POST', '/v1/cases', { token: world.tokens.platform, body: openCaseBody(reports[1]!) });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  caseId = opened.body.caseId;
  // A report of the other platform in the same month: never on this platform's list.
  const stranger = await registerWorker(other);
  await orderAround(other, stranger, at(20));
  expect((await report(other, stranger, at(20))).status).toBe(201);
}, 60_000);

const platformList = (query: string, token = world.tokens.platform, platformId = world.platformId) =>
  world.api('GET', `/v1/platforms/${platformId}/injury-reports?${query}`, { token });
const workerList = (worker: Worker, query = '', token = worker.token) => world.api('GET', `/v1/workers/${worker.workerId}/injury-reports?${query}`, { token });

describe("a platform's injury reports of a month", () => {
  it('lists its reports newest first, each with its case and the platform deadline', async () => {
    const res = await platformList(`month=${month}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((r: { reportId: string }) => r.reportId)).toEqual([...reports].reverse());
    expect(res.body.nextToken).toBeUndefined();
    const withCase = res.body.items.find((r: { reportId: string }) => r.reportId === reports[1]);
    expect(withCase).toMatchObject({
      platformId: world.platformId,
      workerId: first.workerId,
      platformWorkerId: first.platformWorkerId,
      province: '110000',
      place: '朝阳区建国路',
      coverage: { covered: true, reason: 'COVERED' },
      caseId,
      case: { status: expect.any(String), late: false },
    });
    const injuryDate = shanghaiDate(at(40));
    expect(withCase.injuryDate).toBe(injuryDate);
    // D6: the platform's deadline, 3 working days (the calendar the API holds: the seeded years here).
    expect(withCase.applicationDue).toEqual(applicationDeadline(injuryDate, 'platform', new WorkingDayCalendar()));
    const without = res.body.items.find((r: { reportId: string }) => r.reportId === reports[0]);
    expect(without.caseId).toBeUndefined();
    expect(without.case).toBeUndefined();
    // The list carries no description, order snapshot or filer.
    expect(Object.keys(without)).not.toEqual(expect.arrayContaining(['description']));
    expect(without.orders).toBeUndefined();
    expect(without.reportedBy).toBeUndefined();
  });

  it('shows the case as it stands now', async () => {
    const c = await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.platform });
    const res = await platformList(`month=${month}`);
    expect(res.body.items.find((r: { caseId?: string }) => r.caseId === caseId).case.status).toBe(c.body.status);
  });

  it('pages of one list every report once, the last page without nextToken', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await platformList(`month=${month}&limit=1${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.items.map((r: { reportId: string }) => r.reportId));
      next = res.body.nextToken;
      if (!next) break;
    }
    expect(next).toBeUndefined();
    expect(seen).toEqual([...reports].reverse());
  });

  it('is empty for a month without reports', async () => {
    const res = await platformList('month=2024-02');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });

  it('lets an administrator read it; another platform, a worker and staff may not', async () => {
    expect((await platformList(`month=${month}`, world.tokens.admin)).body.items).toHaveLength(3);
    expect((await platformList(`month=${month}`, other.tokens.platform)).status).toBe(404);
    expect((await platformList(`month=${month}`, first.token)).status).toBe(403);
    expect((await platformList(`month=${month}`, world.tokens.handler)).status).toBe(403);
  });

  it.each([
    ['', 'month'],
    ['month=2025-13', 'month'],
    ['month=0999-12', 'month'],
    [`month=${month}&limit=0`, 'limit'],
    [`month=${month}&limit=abc`, 'limit'],
    [`month=${month}&nextToken=${forge({ p: 0, k: { pk: 'REPORT#x', sk: 'REPORT', gsi2pk: 'PREPORTS#other#2025-08', gsi2sk: 'x' } })}`, 'nextToken'],
    [`month=${month}&nextToken=${forge({ p: 3 })}`, 'nextToken'],
    [`month=${month}&nextToken=not-a-token`, 'nextToken'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const res = await platformList(query);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it("does not accept another month's token for this month", async () => {
    const page = await platformList(`month=${month}&limit=1`);
    expect(page.body.nextToken).toEqual(expect.any(String));
    const res = await platformList(`month=2024-02&nextToken=${encodeURIComponent(page.body.nextToken)}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('nextToken');
  });
});

describe("a worker's injury reports", () => {
  it('lists only their own, newest first, with the worker deadline', async () => {
    const res = await workerList(first);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((r: { reportId: string }) => r.reportId)).toEqual([reports[1], reports[0]]);
    const [withCase] = res.body.items;
    expect(withCase).toMatchObject({ caseId, case: { status: expect.any(String), late: false } });
    // D6: the worker's own deadline (30 days, moved to a working day), not the platform's.
    expect(withCase.applicationDue).toEqual(applicationDeadline(withCase.injuryDate, 'worker', new WorkingDayCalendar()));
    expect(withCase.applicationDue.date > applicationDeadline(withCase.injuryDate, 'platform', new WorkingDayCalendar()).date).toBe(true);
    expect((await workerList(second)).body.items.map((r: { reportId: string }) => r.reportId)).toEqual([reports[2]]);
  });

  it('pages without loss', async () => {
    const one = await workerList(first, 'limit=1');
    expect(one.body.items).toHaveLength(1);
    const two = await workerList(first, `limit=1&nextToken=${encodeURIComponent(one.body.nextToken)}`);
    expect([...one.body.items, ...two.body.items].map((r: { reportId: string }) => r.reportId)).toEqual([reports[1], reports[0]]);
  });

  it('is not found for another worker; an administrator reads it; platforms and staff may not', async () => {
    expect((await workerList(first, '', second.token)).status).toBe(404);
    expect((await workerList(first, '', world.tokens.admin)).body.items).toHaveLength(2);
    expect((await workerList(first, '', world.tokens.platform)).status).toBe(403);
    expect((await workerList(first, '', world.tokens.handler)).status).toBe(403);
  });

  it("refuses another worker's token and a bad limit (400 naming the field)", async () => {
    const theirs = await workerList(first, 'limit=1');
    const res = await workerList(second, `nextToken=${encodeURIComponent(theirs.body.nextToken)}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('nextToken');
    const bad = await workerList(first, 'limit=201');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('limit');
  });
});

describe('reports stored before the lists (scripts/index-reports.ts)', () => {
  it('finds reports without their index entries, gives them back, and finds nothing the second time', async () => {
    const tables = { casesTable: ctx.stack.tables.CASES_TABLE!, endpoint: inject('ddbEndpoint') };
    const lines: string[] = [];
    expect(await indexReports({ ...tables, write: false, print: (l) => lines.push(l) }), lines.join('\n')).toBe(0);
    // The first worker's first report as the earlier code stored it: no worker entry, the report id as sort key.
    const ddb = new DynamoDBClient({ endpoint: tables.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await ddb.send(
      new UpdateItemCommand({
        TableName: tables.casesTable,
        Key: { pk: { S: `REPORT#${reports[0]}` }, sk: { S: 'REPORT' } },
        UpdateExpression: 'SET gsi2sk = :id REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeValues: { ':id': { S: reports[0]! } },
      }),
    );
    ddb.destroy();
    expect((await workerList(first)).body.items.map((r: { reportId: string }) => r.reportId)).toEqual([reports[1]]);
    expect(await indexReports({ ...tables, write: false, print: () => {} })).toBe(1);
    expect(await indexReports({ ...tables, write: true, print: () => {} })).toBe(1);
    expect(await indexReports({ ...tables, write: false, print: () => {} })).toBe(0);
    expect((await workerList(first)).body.items.map((r: { reportId: string }) => r.reportId)).toEqual([reports[1], reports[0]]);
    expect((await platformList(`month=${month}`)).body.items.map((r: { reportId: string }) => r.reportId)).toEqual([...reports].reverse());
  });
});
