/**
 * Log scan of the documents slice (issue 11; docs/security.md: nothing secret in logs): while documents
 * are requested, uploaded, checked, downloaded, withdrawn and waived with the handlers logging at DEBUG,
 * no line carries a presigned URL's signature, the content of a file, or the worker's ID number. The scan
 * also asserts that lines were captured (the check's own log line), so it cannot pass by capturing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputCapture } from '../support/capture-output.ts';
import { useCaseStack } from './cases-stack.ts';
import { openedCase } from './cases-fixtures.ts';

const env = useCaseStack({ s3: true, env: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } });

const capture = outputCapture();
beforeAll(() => capture.start());
afterAll(() => capture.stop());

describe('document logs carry no secret (issue 11)', () => {
  it('logs no presigned signature, file content or ID number while documents go through every route', async () => {
    const { world } = env;
    const { caseId, worker } = await openedCase(world, { documents: 'none' });
    const secret = `CONTENT-${worker.idNumber}-病历内容`;
    const pdf = Buffer.from(`%PDF-1.7\n${secret}\n%%EOF\n`);
    const ticket = await world.api('POST', `/v1/cases/${caseId}/documents`, {
      token: world.tokens.platform,
      body: { type: 'MEDICAL_DIAGNOSIS', fileName: '诊断证明.pdf', contentType: 'application/pdf', sizeBytes: pdf.length },
    });
    expect(ticket.status).toBe(201);
    expect((await fetch(ticket.body.upload.url, { method: 'PUT', headers: ticket.body.upload.headers, body: pdf })).status).toBe(200);
    await env.s3.settled();
    const link = await env.stack.api('GET', `/v1/cases/${caseId}/documents/${ticket.body.documentId}/content`, {
      token: world.tokens.handler,
      headers: { accept: 'application/json' },
    });
    expect(link.status).toBe(200);
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).includes(secret)).toBe(true);
    await world.api('POST', `/v1/cases/${caseId}/document-waivers`, { token: world.tokens.handler, body: { type: 'ID_PROOF', reason: '纸质原件' } });
    await world.api('POST', `/v1/cases/${caseId}/documents/${ticket.body.documentId}/withdrawal`, { token: world.tokens.platform, body: { reason: '重传' } });

    const lines = capture.captured.join('\n');
    expect(lines).toContain('Document checked'); // the scan saw the check's log line
    const signatures = [ticket.body.upload.url, link.body.url].map((u: string) => new URL(u).searchParams.get('X-Amz-Signature')!);
    for (const signature of signatures) expect(lines).not.toContain(signature);
    expect(lines).not.toContain('X-Amz-Signature=');
    expect(lines).not.toContain(secret);
    expect(lines).not.toContain(worker.idNumber);
  });
});
