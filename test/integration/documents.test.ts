/**
 * Evidence documents (D13, contract "Documents") through HTTP, with real uploads to the local S3
 * server and the check delivered by the local runtime as EventBridge delivers it in AWS: the happy path,
 * every rejection (type, size, expiry, other bytes), the 422 naming every missing type, waivers and
 * withdrawals on the timeline, downloads, and a re-delivered event changing nothing.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, waitForStatus } from './cases-fixtures.ts';

const env = useCaseStack({ s3: true });
const ddb = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('ddbEndpoint'), region: 'cn-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);
const casesTable = () => Object.entries(env.stack.tables).find(([k]) => k.startsWith('CASES'))![1];

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2_000, 0x20), Buffer.from('\n%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 1)]);

const api = (...args: Parameters<(typeof env)['world']['api']>) => env.world.api(...args);

/** Requests an upload of `bytes` declared as `declared` and PUTs `sent` (default: the same bytes) to the presigned URL. */
async function upload(caseId: string, token: string, type: string, bytes: Buffer, declared: { contentType?: string; sizeBytes?: number; sent?: Buffer } = {}) {
  const ticket = await api('POST', `/v1/cases/${caseId}/documents`, {
    token,
    body: {
      type,
      fileName: `${type.toLowerCase()}.pdf`,
      contentType: declared.contentType ?? 'application/pdf',
      sizeBytes: declared.sizeBytes ?? bytes.length,
    },
  });
  expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
  const sent = declared.sent ?? bytes;
  const put = await fetch(ticket.body.upload.url, {
    method: 'PUT',
    headers: { ...ticket.body.upload.headers, 'content-length': String(sent.length) },
    body: sent,
  });
  expect(put.status).toBe(200);
  return ticket.body as { documentId: string; status: string; upload: { url: string; headers: Record<string, string>; expiresAt: string } };
}

/** Polls the document until the check has settled it. */
async function settled(caseId: string, documentId: string, token: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await api('GET', `/v1/cases/${caseId}/documents/${documentId}`, { token });
    if (res.status === 200 && res.body.status !== 'UPLOADING') return res.body;
    if (Date.now() > deadline) throw new Error(`document ${documentId} still ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CONFIRM = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: true };

describe('evidence documents (D13)', () => {
  it('uploads to S3 with a presigned PUT, checks the bytes, lists the checklist, and confirms once nothing is missing', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const { platform, handler } = env.world.tokens;

    const before = await api('GET', `/v1/cases/${caseId}/documents`, { token: handler });
    expect(before.body.checklist).toMatchObject({
      step: 'UNDER_REVIEW',
      required: ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT'],
      missing: ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT'],
      conditional: [{ type: 'POLICE_REPORT', when: 'ORDER_TASK_TRAFFIC or ORDER_TASK_VIOLENCE' }],
    });

    // 422 naming every missing type at once (traffic: the police report too).
    const refused = await api('POST', `/v1/cases/${caseId}/confirmation`, { token: handler, body: CONFIRM });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: any) => e.path)).toEqual([
      'documents.ID_PROOF',
      'documents.MEDICAL_DIAGNOSIS',
      'documents.ACCIDENT_STATEMENT',
      'documents.POLICE_REPORT',
    ]);

    const ticket = await upload(caseId, platform, 'ID_PROOF', PDF);
    expect(ticket.status).toBe('UPLOADING');
    expect(new Date(ticket.upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const checked = await settled(caseId, ticket.documentId, platform);
    expect(checked).toMatchObject({ status: 'AVAILABLE', type: 'ID_PROOF', sizeBytes: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex') });

    for (const type of ['MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT']) await settled(caseId, (await upload(caseId, handler, type, PDF)).documentId, handler);
    const partial = await api('POST', `/v1/cases/${caseId}/confirmation`, { token: handler, body: CONFIRM });
    expect(partial.status).toBe(422);
    expect(partial.body.errors.map((e: any) => e.path)).toEqual(['documents.POLICE_REPORT']);

    // The handler holds the police report on paper: a waiver with its reason, on the timeline.
    const waived = await api('POST', `/v1/cases/${caseId}/document-waivers`, {
      token: handler,
      body: { type: 'POLICE_REPORT', reason: '交警出具的纸质认定书已核验' },
    });
    expect(waived.status).toBe(201);
    expect(waived.body).toMatchObject({ type: 'POLICE_REPORT', reason: '交警出具的纸质认定书已核验' });
    const ok = await api('POST', `/v1/cases/${caseId}/confirmation`, { token: handler, body: CONFIRM });
    expect(ok.status).toBe(202);
    const view = await waitForStatus(env.world, caseId, 'AWAITING_ASSESSMENT');
    expect(view.checklist).toMatchObject({ missing: [], waived: [{ type: 'POLICE_REPORT' }] });
    expect(view.documents).toHaveLength(3);
    expect(view.timeline.map((e: any) => e.action)).toContain('document.waived');
  });

  it('serves a presigned download of an AVAILABLE document: 302, or the link as JSON; a platform only its own uploads', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const { platform, handler } = env.world.tokens;
    const byHandler = await upload(caseId, handler, 'MEDICAL_DIAGNOSIS', PDF);
    await settled(caseId, byHandler.documentId, handler);

    const redirect = await env.stack.api('GET', `/v1/cases/${caseId}/documents/${byHandler.documentId}/content`, { token: handler });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('300');
    const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(bytes.equals(PDF)).toBe(true);

    const asJson = await env.stack.api('GET', `/v1/cases/${caseId}/documents/${byHandler.documentId}/content`, {
      token: handler,
      headers: { accept: 'application/json' },
    });
    expect(asJson.status).toBe(200);
    expect(asJson.body).toMatchObject({ url: expect.stringContaining('X-Amz-Signature='), expiresAt: expect.any(String) });

    // The platform sees the document in the list but downloads only what it uploaded.
    expect((await api('GET', `/v1/cases/${caseId}/documents`, { token: platform })).body.items).toHaveLength(1);
    expect((await api('GET', `/v1/cases/${caseId}/documents/${byHandler.documentId}/content`, { token: platform })).status).toBe(403);
  });

  it('signs the upload for exactly the declared type and length, for 15 minutes', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const ticket = await api('POST', `/v1/cases/${caseId}/documents`, {
      token: env.world.tokens.platform,
      body: { type: 'ID_PROOF', fileName: 'id.pdf', contentType: 'application/pdf', sizeBytes: 1234 },
    });
    const url = new URL(ticket.body.upload.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(expect.arrayContaining(['content-length', 'content-type', 'host']));
    expect(ticket.body.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf', 'content-length': '1234' } });
    expect(url.pathname).toBe(`/${url.pathname.split('/')[1]}/cases/${caseId}/${ticket.body.documentId}`); // no file name in the key
  });

  it('rejects a PDF declared as PNG, other bytes than declared, and bytes uploaded after the URL expired — never counting them', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const token = env.world.tokens.platform;
    const renamed = await upload(caseId, token, 'ID_PROOF', PDF, { contentType: 'image/png' });
    expect(await settled(caseId, renamed.documentId, token)).toMatchObject({ status: 'REJECTED', reason: 'TYPE_MISMATCH' });

    const otherBytes = await upload(caseId, token, 'MEDICAL_DIAGNOSIS', PDF, { sent: PNG, sizeBytes: PDF.length });
    expect(await settled(caseId, otherBytes.documentId, token)).toMatchObject({ status: 'REJECTED', reason: 'TYPE_MISMATCH' });

    const shorter = await upload(caseId, token, 'ACCIDENT_STATEMENT', PDF, { sent: PDF.subarray(0, 1_000), sizeBytes: PDF.length });
    expect(await settled(caseId, shorter.documentId, token)).toMatchObject({ status: 'REJECTED', reason: 'SIZE_MISMATCH' });

    // A URL used after its expiry: S3 itself refuses it in AWS; s3rver does not check, so the check does.
    const late = await api('POST', `/v1/cases/${caseId}/documents`, {
      token,
      body: { type: 'ID_PROOF', fileName: 'late.pdf', contentType: 'application/pdf', sizeBytes: PDF.length },
    });
    const key = { pk: `CASE#${caseId}`, sk: `DOC#${late.body.documentId}` };
    await ddb.send(
      new UpdateCommand({
        TableName: casesTable(),
        Key: key,
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 60_000).toISOString() },
      }),
    );
    expect((await api('GET', `/v1/cases/${caseId}/documents/${late.body.documentId}`, { token })).body.status).toBe('EXPIRED');
    await fetch(late.body.upload.url, { method: 'PUT', headers: late.body.upload.headers, body: PDF });
    await env.s3.settled();
    const stored = await ddb.send(new GetCommand({ TableName: casesTable(), Key: key }));
    expect(stored.Item).toMatchObject({ status: 'REJECTED', reason: 'UPLOADED_AFTER_EXPIRY', documentType: 'ID_PROOF' });

    const list = await api('GET', `/v1/cases/${caseId}/documents`, { token });
    expect(list.body.checklist.missing).toEqual(['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT']); // nothing rejected counts
    expect((await api('GET', `/v1/cases/${caseId}/documents/${renamed.documentId}/content`, { token })).status).toBe(409);
  });

  it('changes nothing when the object-created event is delivered again', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const token = env.world.tokens.handler;
    const ticket = await upload(caseId, token, 'ID_PROOF', PDF);
    const first = await settled(caseId, ticket.documentId, token);
    const result = await env.s3.redeliver(`cases/${caseId}/${ticket.documentId}`);
    expect(result).toEqual({ outcome: 'already-settled' });
    expect(await settled(caseId, ticket.documentId, token)).toEqual(first);
  });

  it('withdraws a document (uploader or handler) onto the timeline; it stops counting and stays listed', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const { platform, handler, reviewer } = env.world.tokens;
    const ticket = await upload(caseId, platform, 'ID_PROOF', PDF);
    await settled(caseId, ticket.documentId, platform);
    expect((await api('POST', `/v1/cases/${caseId}/documents/${ticket.documentId}/withdrawal`, { token: reviewer, body: { reason: 'x' } })).status).toBe(403);
    const withdrawn = await api('POST', `/v1/cases/${caseId}/documents/${ticket.documentId}/withdrawal`, { token: platform, body: { reason: '上传错了文件' } });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN', withdrawal: { reason: '上传错了文件' } });
    expect((await api('POST', `/v1/cases/${caseId}/documents/${ticket.documentId}/withdrawal`, { token: handler, body: { reason: 'again' } })).status).toBe(
      409,
    );
    const view = await api('GET', `/v1/cases/${caseId}`, { token: handler });
    expect(view.body.checklist.missing).toContain('ID_PROOF');
    expect(view.body.documents).toEqual([expect.objectContaining({ documentId: ticket.documentId, status: 'WITHDRAWN' })]);
    expect(view.body.timeline.map((e: any) => e.action)).toContain('document.withdrawn');
  });

  it('answers clear 4xx problems for bad input and changes nothing', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const { platform, handler } = env.world.tokens;
    const post = (body: unknown, token = platform) => api('POST', `/v1/cases/${caseId}/documents`, { token, body });
    const field = async (res: Promise<any>) => {
      const r = await res;
      expect(r.status).toBe(400);
      return r.body.errors.map((e: any) => e.path);
    };
    expect(await field(post({ type: 'ID_PROOF', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 20 * 1024 * 1024 + 1 }))).toEqual(['sizeBytes']);
    expect(await field(post({ type: 'ID_PROOF', fileName: 'a.gif', contentType: 'image/gif', sizeBytes: 10 }))).toEqual(['contentType']);
    expect(await field(post({ type: 'PASSPORT', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 }))).toEqual(['type']);
    // A file name with path characters is text only: accepted, never part of the key.
    const traversal = await post({ type: 'OTHER', fileName: '../../etc/passwd.pdf', contentType: 'application/pdf', sizeBytes: 10 });
    expect(traversal.status).toBe(201);
    expect(new URL(traversal.body.upload.url).pathname).not.toContain('passwd');

    // Waiving a type that is not required → 422; twice → 409.
    const notRequired = await api('POST', `/v1/cases/${caseId}/document-waivers`, { token: handler, body: { type: 'WITNESS_STATEMENT', reason: 'x' } });
    expect(notRequired.status).toBe(422);
    expect(notRequired.body.errors).toEqual([expect.objectContaining({ path: 'type' })]);
    expect((await api('POST', `/v1/cases/${caseId}/document-waivers`, { token: handler, body: { type: 'ID_PROOF', reason: '原件' } })).status).toBe(201);
    expect((await api('POST', `/v1/cases/${caseId}/document-waivers`, { token: handler, body: { type: 'ID_PROOF', reason: '原件' } })).status).toBe(409);

    // A document id of another case → 404.
    const other = await openedCase(env.world, { documents: 'none' });
    const elsewhere = await upload(other.caseId, platform, 'ID_PROOF', PDF);
    expect((await api('GET', `/v1/cases/${caseId}/documents/${elsewhere.documentId}`, { token: platform })).status).toBe(404);
    expect((await api('POST', `/v1/cases/${caseId}/documents/${elsewhere.documentId}/withdrawal`, { token: platform, body: { reason: 'x' } })).status).toBe(
      404,
    );
  });

  it('takes an upload on a refused (NOT_CONFIRMED) case (contract v2: documents in every status; evidence for an appeal), with nothing required', async () => {
    const { caseId } = await openedCase(env.world, { documents: 'none' });
    const { handler } = env.world.tokens;
    const refusal = { outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['醉酒'], assessmentRequired: false };
    expect((await api('POST', `/v1/cases/${caseId}/confirmation`, { token: handler, body: refusal })).status).toBe(202);
    await waitForStatus(env.world, caseId, 'NOT_CONFIRMED');
    const res = await api('POST', `/v1/cases/${caseId}/documents`, {
      token: handler,
      body: { type: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const listed = (await api('GET', `/v1/cases/${caseId}/documents`, { token: handler })).body;
    expect(listed.items.map((d: { documentId: string }) => d.documentId)).toEqual([res.body.documentId]);
    expect(listed.checklist).toMatchObject({ required: [], missing: [] });
  });
});
