/**
 * The keyed chain of the cases table and its anchors (functions/_shared/audit-ledger.ts, functions/audit/,
 * scripts/verify-audit.ts) on the local stack: DynamoDB Local, its stream read by local/events (which runs
 * the auditChainer beside the publisher), the local S3 holding the anchor bucket, the anchor job signing
 * with the local runtime's key pair.
 *
 * A case taken from opening to the bank's result — decisions, approval, payment instruction, batch, file
 * download, bank result — is chained change by change, exactly once even when the stream is read again;
 * concurrent appenders never fork the chain; an anchor signs every head; a chain recomputed with SHA-256
 * or a guessed key, and a tail deleted after an anchor, are each detected.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, payMinorInjury, PROVINCE, settleByBank } from './cases-fixtures.ts';

type Ledger = typeof import('../../functions/_shared/audit-ledger.ts');
type Audit = typeof import('../../functions/_shared/audit.ts');
type Keys = typeof import('../../functions/_shared/audit-keys.ts');
type Verify = typeof import('../../scripts/verify-audit.ts');

const ctx = useCaseStack({ s3: true, events: {} });

let ledger: Ledger;
let audit: Audit;
let keys: Keys;
let verify: Verify['verifyAudit'];
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let store: { client: DynamoDBDocumentClient; table: string };
let caseId: string;
let batchId: string;
let keysDir: string;
let keysFile: string;

const env = () => ctx.stack.app.env;

/** Polls the ledger until `done` holds, failing after `timeoutMs` with what it holds (no sleeps as synchronisation). */
const waitForLedger = async (done: (records: Awaited<ReturnType<Ledger['readLedger']>>) => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await ctx.events.settled(timeoutMs);
    const records = await ledger.readLedger(store);
    if (done(records)) return records;
    if (Date.now() > deadline)
      throw new Error(`the ledger did not reach the expected state; ${records.length} records, last ${JSON.stringify(records.at(-1))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

beforeAll(async () => {
  ledger = await import('../../functions/_shared/audit-ledger.ts');
  audit = await import('../../functions/_shared/audit.ts');
  keys = await import('../../functions/_shared/audit-keys.ts');
  ({ verifyAudit: verify } = await import('../../scripts/verify-audit.ts'));
  client = new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  doc = DynamoDBDocumentClient.from(client);
  store = { client: doc, table: ctx.stack.tables.AUDIT_TABLE! };
  // The keys file an operator passes to the CLI, as `npm start --persist DIR` keeps it (local/audit-keys.ts).
  keysDir = mkdtempSync(join(tmpdir(), 'audit-keys-'));
  keysFile = join(keysDir, 'audit-keys.json');
  const signingPublicKeyPem = createPublicKey(env().AUDIT_SIGNING_LOCAL_KEY!).export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(keysFile, JSON.stringify({ macKey: env().AUDIT_MAC_LOCAL_KEY, signingPrivateKeyPem: env().AUDIT_SIGNING_LOCAL_KEY, signingPublicKeyPem }));

  // A minor injury from opening to the bank's result, with the bank file downloaded once.
  const opened = await openedCase(ctx.world);
  caseId = opened.caseId;
  await payMinorInjury(ctx.world, caseId);
  const finance = await ctx.world.mint({ role: 'finance', sub: 'finance-1', provinces: [PROVINCE] });
  const paid = await settleByBank(ctx.world, caseId);
  batchId = paid.payments.find((p: { batchId?: string }) => p.batchId)!.batchId;
  expect((await ctx.world.api('GET', `/v1/payment-batches/${batchId}/file?format=csv`, { token: finance })).status).toBe(200);
  // The download is the last change: once it is chained, every earlier change of the same shard is too.
  await waitForLedger(
    (records) =>
      records.some((r) => r.item.pk === `BATCH#${batchId}` && r.item.sk.startsWith('DOWNLOAD#')) &&
      records.some((r) => r.item.pk === `CASE#${caseId}` && r.item.sk.startsWith('PAYMENT#') && r.summary.status === 'PAID'),
  );
}, 120_000);

afterAll(() => {
  client?.destroy();
  if (keysDir) rmSync(keysDir, { recursive: true, force: true });
});

const verifyOptions = (print: (line: string) => void) => ({
  table: ctx.stack.tables.REGISTRY_TABLE!,
  auditTable: ctx.stack.tables.AUDIT_TABLE!,
  endpoint: inject('ddbEndpoint'),
  mac: keys.localAuditMac(Buffer.from(env().AUDIT_MAC_LOCAL_KEY!, 'base64')),
  chains: 'all' as const,
  anchors: { bucket: env().AUDIT_ANCHOR_BUCKET!, s3Endpoint: env().AWS_ENDPOINT_URL_S3!, publicKey: createPublicKey(env().AUDIT_SIGNING_LOCAL_KEY!) },
  print,
});

describe('every committed change of a case is chained, with a MAC, from the stream', () => {
  it('chains the decisions, the approval, the payment from instruction to the bank result, the batch and the file download', async () => {
    const records = await ledger.readLedger(store);
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: true, records: records.length });
    const ofCase = records.filter((r) => r.item.pk === `CASE#${caseId}`);
    const statuses = ofCase.filter((r) => r.item.sk === 'CASE').map((r) => r.summary.status);
    expect(statuses).toEqual(expect.arrayContaining(['UNDER_REVIEW', 'AWAITING_APPROVAL', 'APPROVED']));
    // The confirmation and the approval are recorded as steps (pendingStep), then applied.
    expect(ofCase.filter((r) => r.item.sk === 'CASE').map((r) => r.summary.pendingStep)).toEqual(expect.arrayContaining(['confirmation', 'approval']));
    expect(ofCase.some((r) => r.item.sk.startsWith('EVENT#'))).toBe(true);
    const paymentStatuses = ofCase.filter((r) => r.item.sk.startsWith('PAYMENT#')).map((r) => r.summary.status);
    expect(paymentStatuses).toEqual(expect.arrayContaining(['INSTRUCTED', 'SENT', 'PAID']));
    expect(records.some((r) => r.item.pk === `BATCH#${batchId}` && r.item.sk === 'BATCH')).toBe(true);
    const download = records.find((r) => r.item.pk === `BATCH#${batchId}` && r.item.sk.startsWith('DOWNLOAD#'));
    expect(download).toMatchObject({ source: { eventName: 'INSERT' }, summary: { format: 'csv', by: 'finance-1' } });
    // No task token is ever copied into the audit.
    expect(records.some((r) => r.item.sk === 'TASK')).toBe(false);
    // Each record: its item's image digest, and a MAC under the key (not a plain hash).
    for (const r of records.slice(0, 5)) {
      expect(r.newImage ?? r.oldImage).toMatch(/^[0-9a-f]{64}$/);
      expect(r.hash).not.toBe(audit.digestRecord(r as never).toString('hex'));
    }
  });

  it('keeps personal data out of the chain (the payee and the worker appear in no record)', async () => {
    const c = await ctx.world.api('GET', `/v1/cases/${caseId}`, { token: ctx.world.tokens.handler });
    const text = JSON.stringify(await ledger.readLedger(store));
    const payee = c.body.payee ?? {};
    for (const value of [payee.name, payee.account, payee.bankAccount, c.body.worker?.name].filter((v): v is string => typeof v === 'string' && v.length > 3)) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toMatch(/\b\d{17}[\dX]\b/); // no resident ID number
  });

  it('chains each stream record once when the poller re-reads a batch after a crash', async () => {
    const before = (await ledger.readLedger(store)).length;
    ctx.events.crashAfterPublish(1);
    const { caseId: another } = await openedCase(ctx.world);
    const records = await waitForLedger((all) => all.some((r) => r.item.pk === `CASE#${another}` && r.source.eventName === 'INSERT'));
    expect(ctx.events.replayedBatches).toBeGreaterThanOrEqual(1);
    expect(records.length).toBeGreaterThan(before);
    const ids = records.map((r) => r.source.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: true, records: records.length });
  });

  it('never forks under concurrent appenders, and a batch delivered twice at once is chained once', async () => {
    const before = (await ledger.readLedger(store)).length;
    const change = (i: number, j: number) => ({
      eventId: `concurrent-${i}-${j}`,
      eventName: 'MODIFY' as const,
      sequenceNumber: String(1000 + i * 10 + j),
      keys: { pk: `CASE#synthetic-${i}`, sk: 'CASE' },
      newImage: { pk: { S: `CASE#synthetic-${i}` }, sk: { S: 'CASE' }, status: { S: 'UNDER_REVIEW' }, version: { N: String(j + 1) } },
    });
    const batches = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 }, (_, j) => change(i, j)));
    // Every batch twice, concurrently: 16 appenders for 24 distinct changes.
    const results = await Promise.all([...batches, ...batches].map((b) => ledger.appendChanges(b, new Date(), store)));
    expect(results.reduce((n, r) => n + r.appended, 0)).toBe(24);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(24);
    const records = await ledger.readLedger(store);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: before + 24 }, (_, i) => i + 1));
    // Each item's changes stay in their order.
    for (let i = 0; i < 8; i++) {
      const versions = records.filter((r) => r.item.pk === `CASE#synthetic-${i}`).map((r) => r.summary.version);
      expect(versions).toEqual([1, 2, 3]);
    }
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: true, records: before + 24 });
  });
});

describe('anchors: the heads signed into the anchor bucket', () => {
  it('signs every chain head (the ledger and the registry chains) and the verifier accepts the untouched chains and anchors', async () => {
    const result = (await ctx.sfn.auditAnchorNow(new Date('2031-01-01T03:17:00Z'))) as { key: string; chains: number; ledgerSeq: number };
    expect(result.key).toBe('anchors/test/2031-01-01T03:00:00.000Z.json');
    const head = await ledger.ledgerHead(store);
    expect(result.ledgerSeq).toBe(head!.seq);
    const s3 = new S3Client({
      endpoint: env().AWS_ENDPOINT_URL_S3!,
      forcePathStyle: true,
      region: 'cn-north-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: env().AUDIT_ANCHOR_BUCKET!, Key: result.key }));
    const anchor = (await import('../../functions/_shared/audit-anchor.ts')).parseAnchor(await Body!.transformToString());
    s3.destroy();
    expect(anchor.statement.heads).toEqual(expect.arrayContaining([{ chain: 'LEDGER#cases', seq: head!.seq, hash: head!.hash }]));
    // The world's platform registration is a registry chain: its head is signed too.
    expect(anchor.statement.heads.some((h) => h.chain.startsWith('AUDIT#platform#'))).toBe(true);
    expect(keys.verifyAnchorSignature(createPublicKey(env().AUDIT_SIGNING_LOCAL_KEY!), anchor.signed, anchor.signature)).toBe(true);
    // One byte changed in the statement: the signature no longer verifies.
    const altered = Buffer.from(anchor.signed.toString('utf8').replace(`"seq":${head!.seq}`, `"seq":${head!.seq + 1}`), 'utf8');
    expect(keys.verifyAnchorSignature(createPublicKey(env().AUDIT_SIGNING_LOCAL_KEY!), altered, anchor.signature)).toBe(false);

    const lines: string[] = [];
    expect(await verify(verifyOptions((l) => lines.push(l)))).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^OK ledger LEDGER#cases: \d+ records/), expect.stringMatching(/^ANCHOR OK anchors\/test\//)]),
    );
  });

  it('detects a tail deleted after an anchor, which the chain alone cannot see (CLI exit 1)', async () => {
    const head = (await ledger.ledgerHead(store))!;
    await doc.send(new DeleteCommand({ TableName: store.table, Key: { pk: 'LEDGER#cases', sk: audit.auditSk(head.seq) } }));
    // The shortened chain is internally consistent…
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: true, records: head.seq - 1 });
    // …but the anchor signed the deleted head.
    const lines: string[] = [];
    expect(await verify(verifyOptions((l) => lines.push(l)))).toBe(false);
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^ANCHOR BROKEN anchors/test/2031-01-01T03:00:00.000Z.json: chain LEDGER#cases: record ${head.seq} .* is missing`)),
    );
    // The same for a registry chain: the world's platform loses its whole chain (one record: its registration).
    const platformChain = `AUDIT#platform#${ctx.world.platformId}`;
    const records = await audit.readAuditChain('platform', ctx.world.platformId, { client: doc, table: ctx.stack.tables.REGISTRY_TABLE! });
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) await doc.send(new DeleteCommand({ TableName: ctx.stack.tables.REGISTRY_TABLE!, Key: { pk: r.pk, sk: r.sk } }));
    const after: string[] = [];
    expect(await verify(verifyOptions((l) => after.push(l)))).toBe(false);
    expect(after).toContainEqual(expect.stringMatching(new RegExp(`^ANCHOR BROKEN .*: chain ${platformChain}: record ${records.length} .* is missing`)));

    const run = promisify(execFile);
    const cli = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/verify-audit.ts',
        '--local-keys',
        keysFile,
        '--endpoint',
        inject('ddbEndpoint'),
        '--table',
        ctx.stack.tables.REGISTRY_TABLE!,
        '--audit-table',
        store.table,
        '--anchor-bucket',
        env().AUDIT_ANCHOR_BUCKET!,
        '--s3-endpoint',
        env().AWS_ENDPOINT_URL_S3!,
        'ledger',
      ],
      { env: { ...process.env } },
    ).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/^OK ledger LEDGER#cases/m);
    expect(cli.out).toMatch(/^ANCHOR BROKEN .*record \d+ .* is missing/m);
  });

  it('detects a ledger recomputed after an edit with plain SHA-256, or with a guessed key, at the edited record', async () => {
    const records = (await ledger.readLedger(store)) as unknown as Record<string, unknown>[];
    const target = records.findIndex((r) => (r.item as { pk: string }).pk === `CASE#${caseId}` && (r.summary as { status?: string }).status === 'APPROVED');
    expect(target).toBeGreaterThan(0);
    const recompute = async (hashOf: (r: Record<string, unknown>) => Promise<string>) => {
      let prev = records[target - 1]!.hash as string;
      for (const [i, record] of records.entries()) {
        if (i < target) continue;
        const edited = { ...record, prevHash: prev, ...(i === target ? { summary: { ...(record.summary as object), status: 'RETURNED' } } : {}) };
        const hash = await hashOf(edited);
        await doc.send(new PutCommand({ TableName: store.table, Item: { ...edited, hash } }));
        prev = hash;
      }
    };
    const sk = audit.auditSk(target + 1);
    await recompute(async (r) => audit.digestRecord(r).toString('hex'));
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: false, broken: { sk, reason: expect.stringContaining('is not the MAC') } });
    const guessed = keys.localAuditMac(Buffer.alloc(32, 9));
    await recompute((r) => guessed.mac(audit.digestRecord(r)));
    expect(await ledger.verifyLedger(store)).toMatchObject({ ok: false, broken: { sk, reason: expect.stringContaining('is not the MAC') } });
  });
});
