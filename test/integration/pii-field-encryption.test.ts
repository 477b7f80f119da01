/**
 * Field encryption v2 against the local stack (DynamoDB Local, the real handlers and the case workflow;
 * docs/security.md): names and birth dates of applicants and dependants stored only encrypted and bound
 * to their case; a ciphertext moved to another case refused; records written before v2 (v1 ciphertexts,
 * names and birth dates in clear, v1 look-up hashes) still read and re-encrypted on write; and an online
 * rotation of the encryption key and the look-up key under concurrent writes that loses nothing.
 *
 * The tests build on each other (one world, in order).
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeResidentId } from '../../core/index.ts';
import { createPiiProtector, resetPiiForTests } from '../../functions/_shared/pii.ts';
import { piiFields } from '../../functions/_shared/pii-fields.ts';
import { localKeyring, parseKeyringSpec } from '../../functions/_shared/pii-keyring.ts';
import { rotatePiiFields, type RotationStore } from '../../functions/_shared/pii-rotation.ts';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { useCaseStack } from './cases-stack.ts';
import { openCaseBody, openedCase, orderAround, registerWorker, report, type Worker, waitForStatus } from './cases-fixtures.ts';

const env = useCaseStack();
const root = Buffer.from(process.env.PII_LOCAL_KEY!, 'base64');
const savedEnv = { PII_LOCAL_KEY: process.env.PII_LOCAL_KEY, PII_KEYRING: process.env.PII_KEYRING, PII_V1_CIPHERTEXTS: process.env.PII_V1_CIPHERTEXTS };

let doc: DynamoDBDocumentClient;
let store: RotationStore;
beforeAll(() => {
  doc = DynamoDBDocumentClient.from(localDynamoDbClient(inject('ddbEndpoint')!, 'cn-north-1'), { marshallOptions: { removeUndefinedValues: true } });
  store = { client: doc, tables: { registry: env.stack.tables.REGISTRY_TABLE!, cases: env.stack.tables.CASES_TABLE!, events: env.stack.tables.EVENTS_TABLE! } };
});
afterAll(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetPiiForTests();
  doc?.destroy();
});

/** What the code before v2 stored: AES-GCM under HKDF(root, 'pii-field-encryption'), `v1:iv:ct:tag`, no associated data. */
const v1 = (value: string) => {
  const key = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'pii-field-encryption', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), ct.toString('base64'), cipher.getAuthTag().toString('base64')].join(':');
};

const getItem = async (table: keyof RotationStore['tables'], pk: string, sk: string) =>
  (await doc.send(new GetCommand({ TableName: store.tables[table], Key: { pk, sk }, ConsistentRead: true }))).Item!;
const putItem = (table: keyof RotationStore['tables'], Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: store.tables[table], Item }));
const casePartition = async (caseId: string) =>
  (
    await doc.send(
      new QueryCommand({ TableName: store.tables.cases, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${caseId}` } }),
    )
  ).Items ?? [];
const scanAll = async (table: keyof RotationStore['tables']) => {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: doc }, { TableName: store.tables[table] })) items.push(...(page.Items ?? []));
  return items;
};

/** Switches the functions' keys (they read PII_* per invocation; the protector is rebuilt on next use). */
const useKeys = (keys: { ring?: object; root?: boolean; v1?: 'accept' | 'refuse' }) => {
  if (keys.ring) process.env.PII_KEYRING = JSON.stringify(keys.ring);
  else delete process.env.PII_KEYRING;
  if (keys.root === false) delete process.env.PII_LOCAL_KEY;
  else process.env.PII_LOCAL_KEY = savedEnv.PII_LOCAL_KEY!;
  if (keys.v1) process.env.PII_V1_CIPHERTEXTS = keys.v1;
  else delete process.env.PII_V1_CIPHERTEXTS;
  resetPiiForTests();
};

const dependantsOf = (tag: string) => [
  { name: `${tag}遗孀`, relation: 'spouse', orphanOrAlone: false },
  { name: `${tag}幼子`, relation: 'child', orphanOrAlone: true, birthDate: '2016-04-09' },
];

/** A death case opened by a relative (applicant name 张三), confirmed and waiting for its dependants. */
const deathCaseAwaitingDependants = async () => {
  const { world } = env;
  const opened = await openedCase(world, { kind: 'death' });
  const confirmed = await world.api('POST', `/v1/cases/${opened.caseId}/confirmation`, {
    token: world.tokens.handler,
    body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false },
  });
  expect(confirmed.status).toBe(202);
  await waitForStatus(world, opened.caseId, 'AWAITING_DEPENDANTS');
  return opened;
};

const recordDependants = async (caseId: string, dependants: ReturnType<typeof dependantsOf>) => {
  const res = await env.world.api('POST', `/v1/cases/${caseId}/dependants`, { token: env.world.tokens.handler, body: { dependants } });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await waitForStatus(env.world, caseId, 'AWAITING_APPROVAL');
};

/** Cases with dependants and what was recorded (checked after the rotation). */
const expectedCases = new Map<string, { worker: Worker; dependants: ReturnType<typeof dependantsOf> }>();

describe('names and birth dates are stored only encrypted, bound to their case', () => {
  let caseA: string;

  it("keeps the applicant's and dependants' names and birth dates out of every stored item of the case, and shows them to the worker only", async () => {
    const opened = await deathCaseAwaitingDependants();
    caseA = opened.caseId;
    const dependants = dependantsOf('欧阳');
    await recordDependants(caseA, dependants);
    expectedCases.set(caseA, { worker: opened.worker, dependants });

    const items = await casePartition(caseA);
    const stored = JSON.stringify(items);
    for (const secret of ['欧阳遗孀', '欧阳幼子', '2016-04-09', '张三', '6222020200112230']) expect(stored, secret).not.toContain(secret);
    const head = items.find((i) => i.sk === 'CASE')!;
    expect(head.applicant).toEqual({ type: 'relative', nameEnc: expect.stringMatching(/^v2\.r1\./) });
    expect(head.dependants).toEqual([
      { relation: 'spouse', orphanOrAlone: false, nameEnc: expect.stringMatching(/^v2\.r1\./) },
      { relation: 'child', orphanOrAlone: true, nameEnc: expect.stringMatching(/^v2\.r1\./), birthDateEnc: expect.stringMatching(/^v2\.r1\./) },
    ]);

    const own = await env.world.api('GET', `/v1/cases/${caseA}`, { token: opened.worker.token });
    expect(own.status).toBe(200);
    expect(own.body.applicant).toEqual({ type: 'relative', name: '张三' });
    expect(own.body.dependants.map((d: { name: string; birthDate?: string }) => [d.name, d.birthDate])).toEqual([
      ['欧阳遗孀', undefined],
      ['欧阳幼子', '2016-04-09'],
    ]);
    // The worker's profile: every personal field sealed, the birth date too.
    const profile = await getItem('registry', `WORKER#${opened.worker.workerId}`, 'PROFILE');
    expect(profile.birthDate).toBeUndefined();
    for (const f of ['idNumberEnc', 'nameEnc', 'birthDateEnc']) expect(profile[f], f).toMatch(/^v2\.r1\./);
    expect(JSON.stringify(profile)).not.toContain(birthDateOf(opened.worker.idNumber));
    const staff = await env.world.api('GET', `/v1/cases/${caseA}`, { token: env.world.tokens.handler });
    expect(JSON.stringify(staff.body)).not.toContain('欧阳遗孀');
    expect(staff.body.dependants).toHaveLength(2);
  });

  it("refuses dependants copied from another case (a 500 naming no one, never the other case's names) and the verification names the field", async () => {
    const other = await deathCaseAwaitingDependants();
    const original = await getItem('cases', `CASE#${other.caseId}`, 'CASE');
    const fromA = await getItem('cases', `CASE#${caseA}`, 'CASE');
    await putItem('cases', { ...original, dependants: fromA.dependants, applicant: fromA.applicant });
    try {
      const res = await env.world.api('GET', `/v1/cases/${other.caseId}`, { token: env.world.tokens.handler });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('欧阳');
      const check = await rotatePiiFields(store, createPiiProtector(localKeyring(undefined, root)), { verifyOnly: true });
      expect(check.refused.filter((r) => r.includes(`CASE#${other.caseId}`)).map((r) => r.split(':')[0])).toEqual([
        `cases CASE#${other.caseId} CASE applicant.name`,
        `cases CASE#${other.caseId} CASE dependants.0.name`,
        `cases CASE#${other.caseId} CASE dependants.1.name`,
        `cases CASE#${other.caseId} CASE dependants.1.birthDate`,
      ]);
    } finally {
      await putItem('cases', original);
    }
    expect((await env.world.api('GET', `/v1/cases/${other.caseId}`, { token: env.world.tokens.handler })).status).toBe(200);
  });
});

/** Workers as registered, for the check after the rotation. */
const expectedWorkers = new Map<string, { idNumber: string; name: string; phone?: string; platformWorkerId: string }>();
const SURNAMES = ['赵', '钱', '孙', '李', '周', '吴', '郑', '王', '冯', '陈'];
const GIVEN = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
let serial = 0;
const newWorkers = (n: number) =>
  Array.from({ length: n }, () => {
    const i = serial++;
    const birth = new Date(Date.UTC(1970, 0, 1) + i * 86_400_000 * 37).toISOString().slice(0, 10);
    return {
      platformWorkerId: `rot-${i}`,
      name: `${SURNAMES[i % 10]}${GIVEN[Math.floor(i / 10) % 10]}${GIVEN[(i * 7) % 10]}`,
      idNumber: makeResidentId('310104', birth, 100 + (i % 800)),
      ...(i % 2 === 0 ? { phone: `139${String(10_000_000 + i).slice(-8)}` } : {}),
    };
  });
const register = async (items: ReturnType<typeof newWorkers>, platformWorkerIdSuffix = '') => {
  const body = {
    workers: items.map((w) => ({
      platformWorkerId: `${w.platformWorkerId}${platformWorkerIdSuffix}`,
      name: w.name,
      idNumber: w.idNumber,
      ...(w.phone ? { phone: w.phone } : {}),
    })),
  };
  const res = await env.world.api('PUT', `/v1/platforms/${env.world.platformId}/workers`, { token: env.world.tokens.platform, body });
  expect(res.status).toBe(200);
  return (res.body.results as { status: string; workerId: string }[]).map((r, i) => {
    expect(r.status, JSON.stringify(r)).toBe('accepted');
    return { ...items[i]!, workerId: r.workerId };
  });
};

/** The birth date in a resident ID number (what registration derives and stores). */
const birthDateOf = (idNumber: string) => `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
/** Rewrites a worker's profile as the code before v2 stored it (v1 ciphertexts, the birth date in clear). */
const makeLegacyWorker = async (workerId: string, w: { idNumber: string; name: string; phone?: string }) => {
  const { birthDateEnc: _sealed, ...item } = await getItem('registry', `WORKER#${workerId}`, 'PROFILE');
  await putItem('registry', {
    ...item,
    birthDate: birthDateOf(w.idNumber),
    idNumberEnc: v1(w.idNumber),
    nameEnc: v1(w.name),
    ...(w.phone ? { phoneEnc: v1(w.phone) } : {}),
  });
};
/** Rewrites a case as the code before v2 stored it: applicant and dependants in clear, the payee in v1 ciphertexts. */
const makeLegacyCase = async (caseId: string, dependants: ReturnType<typeof dependantsOf>) => {
  const item = await getItem('cases', `CASE#${caseId}`, 'CASE');
  const applicant = item.applicant as { type: string };
  await putItem('cases', {
    ...item,
    applicant: { type: applicant.type, ...(applicant.type === 'relative' ? { name: '张三' } : {}) },
    dependants,
    payee: { ...(item.payee as object), nameEnc: v1('张三'), bankAccountEnc: v1('6222020200112230') },
  });
};

describe('records written before v2 are still read', () => {
  it('reads v1 ciphertexts and clear names and birth dates, checks a payee against a v1 name, and re-encrypts a case when it is written', async () => {
    const { world } = env;
    // A legacy death case with dependants in clear.
    const opened = await deathCaseAwaitingDependants();
    const dependants = dependantsOf('上官');
    await recordDependants(opened.caseId, dependants);
    await makeLegacyCase(opened.caseId, dependants);
    await makeLegacyWorker(opened.worker.workerId, { idNumber: opened.worker.idNumber, name: '张三' });
    expectedCases.set(opened.caseId, { worker: opened.worker, dependants });
    expect(JSON.stringify(await getItem('cases', `CASE#${opened.caseId}`, 'CASE'))).toContain('上官幼子');

    const own = await world.api('GET', `/v1/cases/${opened.caseId}`, { token: opened.worker.token });
    expect(own.status).toBe(200);
    expect(own.body.dependants.map((d: { name: string }) => d.name)).toEqual(['上官遗孀', '上官幼子']);
    expect(own.body.applicant.name).toBe('张三');

    // An injury case of a legacy worker: the payee is checked against the name in the v1 profile.
    const worker = await registerWorker(world);
    await makeLegacyWorker(worker.workerId, { idNumber: worker.idNumber, name: '张三' });
    const at = new Date(Date.now() - 20 * 60_000);
    await orderAround(world, worker, at);
    const r = await report(world, worker, at);
    const wrong = await world.api('POST', '/v1/cases', {
      token: world.tokens.platform,
      body: { ...openCaseBody(r.body.reportId), payee: { name: '李四', bankAccount: '6222020200112230' } },
    });
    expect(wrong.status).toBe(422);
    expect((await world.api('POST', '/v1/cases', { token: world.tokens.platform, body: openCaseBody(r.body.reportId) })).status).toBe(201);

    // The legacy person is found by its v1 look-up hash: registered again elsewhere, the same worker.
    const again = await world.api('PUT', `/v1/platforms/${world.platformId}/workers`, {
      token: world.tokens.platform,
      body: { workers: [{ platformWorkerId: `${worker.platformWorkerId}-b`, name: '张三', idNumber: worker.idNumber }] },
    });
    expect(again.body.results[0]).toMatchObject({ status: 'accepted', workerId: worker.workerId });

    // A write re-encrypts: the legacy death case returned by the reviewer is stored sealed under the active key.
    const benefits = await world.api('GET', `/v1/cases/${opened.caseId}/benefits`, { token: world.tokens.reviewer });
    const body = { decision: 'return', calculationId: benefits.body.calculationId, comment: '请核对' };
    const returned = await world.api('POST', `/v1/cases/${opened.caseId}/approval`, { token: world.tokens.reviewer, body });
    expect(returned.status, JSON.stringify(returned.body)).toBe(202);
    await waitForStatus(world, opened.caseId, 'RETURNED');
    const head = await getItem('cases', `CASE#${opened.caseId}`, 'CASE');
    expect(JSON.stringify(head)).not.toContain('上官');
    expect((head.payee as { nameEnc: string }).nameEnc).toMatch(/^v2\.r1\./);
    expect((head.applicant as { nameEnc: string }).nameEnc).toMatch(/^v2\.r1\./);
  });
});

describe('online rotation of the encryption key and the look-up key', () => {
  it('re-encrypts and re-indexes everything under concurrent writes and reads, loses nothing and leaves no v1 or old-key ciphertext', async () => {
    const { world } = env;
    // Before: 120 workers (half rewritten as v1), the cases above, two death cases waiting for their dependants.
    const seeded = await register(newWorkers(120));
    for (const w of seeded) expectedWorkers.set(w.workerId, w);
    await Promise.all(seeded.filter((_, i) => i % 2 === 1).map((w) => makeLegacyWorker(w.workerId, w)));
    const waiting = [await deathCaseAwaitingDependants(), await deathCaseAwaitingDependants()];
    // The second case's worker as before v2: its benefits (recorded during the rotation) read a clear or a re-sealed birth date.
    await makeLegacyWorker(waiting[1]!.worker.workerId, { idNumber: waiting[1]!.worker.idNumber, name: '张三' });
    expectedWorkers.set(waiting[1]!.worker.workerId, {
      idNumber: waiting[1]!.worker.idNumber,
      name: '张三',
      platformWorkerId: waiting[1]!.worker.platformWorkerId,
    });
    const persons = (await scanAll('registry')).filter((i) => i.sk === 'PERSON').length;
    const putWebhook = async () => {
      const res = await world.api('PUT', `/v1/platforms/${world.platformId}/webhook`, {
        token: world.tokens.platform,
        body: { url: 'https://hooks.example.com/claims', events: ['case.status_changed'] },
      });
      expect(res.status).toBe(200);
      return res.body.secret as string;
    };
    let secret = await putWebhook();

    // Rotation step 1 (runbook): every function gets the new ring, e2 and h2 active, the root still readable.
    const ring = {
      encryption: { active: 'e2', keys: { e2: randomBytes(32).toString('base64') } },
      lookup: { active: 'h2', keys: { h2: randomBytes(32).toString('base64') } },
    };
    useKeys({ ring });
    const during = createPiiProtector(localKeyring(parseKeyringSpec(JSON.stringify(ring)), root));

    // Step 2: the job, while the platform registers new workers and re-registers old ones, handlers record
    // dependants (case transitions racing the job on the same items) and everyone reads.
    const lines: string[] = [];
    let jobRunning = true;
    let writesWhileJobRan = 0;
    const writes = async () => {
      const results: number[] = [];
      for (let batch = 0; batch < 6; batch++) {
        if (jobRunning) writesWhileJobRan++;
        for (const w of await register(newWorkers(5))) expectedWorkers.set(w.workerId, w);
        // Known persons (v1 look-up hashes) under new platformWorkerIds: found, not duplicated.
        const known = seeded.slice(batch * 10, batch * 10 + 10);
        const again = await register(known, `-again${batch}`);
        expect(again.map((w) => w.workerId)).toEqual(known.map((w) => w.workerId));
        for (const caseId of expectedCases.keys()) results.push((await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler })).status);
      }
      return results;
    };
    const recordFor = async (i: number) => {
      const dependants = dependantsOf(i === 0 ? '诸葛' : '司徒');
      await recordDependants(waiting[i]!.caseId, dependants);
      expectedCases.set(waiting[i]!.caseId, { worker: waiting[i]!.worker, dependants });
    };
    // Deterministic races: right after the job read these items and before its conditional write, a request
    // writes them (dependants recorded through the workflow; the webhook re-registered with a new secret).
    const races = new Map<string, () => Promise<void>>([
      [`CASE#${waiting[0]!.caseId}|CASE`, () => recordFor(0)],
      [
        `PLATFORM#${world.platformId}|WEBHOOK`,
        async () => {
          secret = await putWebhook();
        },
      ],
    ]);
    const jobClient = DynamoDBDocumentClient.from(localDynamoDbClient(inject('ddbEndpoint')!, 'cn-north-1'));
    jobClient.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string; Key?: Record<string, unknown> };
        const key = (k: unknown) => (typeof k === 'string' ? k : (k as { S?: string } | undefined)?.S);
        const race = input.UpdateExpression ? races.get(`${key(input.Key?.pk)}|${key(input.Key?.sk)}`) : undefined;
        if (race) {
          races.delete(`${key(input.Key?.pk)}|${key(input.Key?.sk)}`);
          await race();
        }
        return next(args);
      },
      { step: 'initialize', name: 'raceBeforeTheJobWrites' },
    );
    const [report1, reads] = await Promise.all([
      rotatePiiFields({ ...store, client: jobClient }, during, { segments: 3, pageSize: 7, log: (l) => lines.push(l) }).finally(() => {
        jobRunning = false;
      }),
      writes(),
      recordFor(1),
    ]);
    jobClient.destroy();
    expect(races.size).toBe(0); // both races ran
    expect(report1.contended).toBeGreaterThanOrEqual(2); // and the job lost them, read again, and kept the requests' writes
    expect(reads.every((s) => s === 200)).toBe(true);
    expect(writesWhileJobRan).toBeGreaterThan(1); // the writes did run while the job did
    expect(report1.refused).toEqual([]);
    expect(report1.stale).toBe(0);
    expect(report1.reencrypted).toBeGreaterThan(60 * 3); // at least the 60 v1 profiles' fields
    expect(report1.reindexed).toBeGreaterThanOrEqual(120 * 2); // every old person entry and its link
    expect(lines.at(-1)).toMatch(/0 stale rewritten, 0 refused/);

    // Step 3: the old keys removed — no root (no v1, no r1, no v1 look-up key), v1 refused.
    useKeys({ ring, root: false, v1: 'refuse' });
    const after = createPiiProtector(localKeyring(parseKeyringSpec(JSON.stringify(ring))), { acceptV1: false });
    const check = await rotatePiiFields(store, after, { verifyOnly: true });
    expect(check).toMatchObject({ stale: 0, refused: [] });
    // The runbook's check, as an operator runs it: the script with the new ring only.
    const { PII_LOCAL_KEY: _root, ...baseEnv } = { ...process.env };
    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/rotate-pii-key.ts',
        '--verify',
        '--endpoint',
        inject('ddbEndpoint')!,
        '--registry',
        store.tables.registry,
        '--cases',
        store.tables.cases,
        '--events',
        store.tables.events,
      ],
      { env: { ...baseEnv, PII_KEY_MODE: 'local', PII_KEYRING: JSON.stringify(ring), PII_V1_CIPHERTEXTS: 'refuse' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      /^OK: 0 fields re-encrypted, 0 look-up entries re-indexed, 0 lost to concurrent writes and retried, 0 stale, 0 refused after 1 pass\(es\)$/m,
    );

    // Nothing under an old key or in clear anywhere.
    const all = [...(await scanAll('registry')), ...(await scanAll('cases')), ...(await scanAll('events'))];
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/"v1:|"v2\.r1\./);
    for (const secret of ['欧阳遗孀', '上官幼子', '诸葛遗孀', '司徒幼子', '2016-04-09']) expect(text, secret).not.toContain(secret);
    const registry = all.filter((i) => String(i.pk).startsWith('PERSON#') || String(i.pk).startsWith('PW#'));
    expect(registry.every((i) => String(i.idHash).startsWith('h2.'))).toBe(true);
    // One index entry per person: the old entries moved, none duplicated.
    expect(registry.filter((i) => i.sk === 'PERSON')).toHaveLength(persons + 30);

    // Every worker's fields decrypt, in place, to what was registered.
    for (const [workerId, w] of expectedWorkers) {
      const profile = await getItem('registry', `WORKER#${workerId}`, 'PROFILE');
      const ctx = piiFields.worker(workerId);
      expect(after.decrypt(profile.idNumberEnc as string, ctx.idNumber)).toBe(w.idNumber);
      expect(after.decrypt(profile.nameEnc as string, ctx.name)).toBe(w.name);
      if (w.phone) expect(after.decrypt(profile.phoneEnc as string, ctx.phone)).toBe(w.phone);
      expect(profile.birthDate).toBeUndefined();
      expect(after.decrypt(profile.birthDateEnc as string, ctx.birthDate)).toBe(birthDateOf(w.idNumber));
    }
    // Every case's dependants, applicant and payee, through the API under the new keys only.
    for (const [caseId, { worker, dependants }] of expectedCases) {
      const own = await world.api('GET', `/v1/cases/${caseId}`, { token: worker.token });
      expect(own.status).toBe(200);
      expect(own.body.applicant.name).toBe('张三');
      expect(own.body.dependants.map((d: { name: string; birthDate?: string }) => ({ name: d.name, birthDate: d.birthDate }))).toEqual(
        dependants.map((d) => ({ name: d.name, birthDate: d.birthDate })),
      );
      const head = await getItem('cases', `CASE#${caseId}`, 'CASE');
      expect(after.decrypt((head.payee as { bankAccountEnc: string }).bankAccountEnc, piiFields.payee(caseId).bankAccount)).toBe('6222020200112230');
    }
    // The webhook's secret is the one the racing request issued, not the one the job had read.
    const webhook = await getItem('events', `PLATFORM#${world.platformId}`, 'WEBHOOK');
    expect(after.decrypt(webhook.secretEnc as string, piiFields.webhookSecret(world.platformId))).toBe(secret);
    // A person indexed before the rotation is still one person under the new look-up key alone.
    const later = await register([seeded[119]!], '-after');
    expect(later[0]!.workerId).toBe(seeded[119]!.workerId);
    expect(expectedWorkers.size).toBe(151);
    // One worker profile per person index entry: no person was registered twice during the rotation.
    const final = await scanAll('registry');
    expect(final.filter((i) => i.sk === 'PROFILE' && String(i.pk).startsWith('WORKER#')).length).toBe(final.filter((i) => i.sk === 'PERSON').length);
    useKeys({});
  });
});
