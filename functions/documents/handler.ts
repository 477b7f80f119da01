/** Route group `documents`: evidence documents of a case (contract "Documents", D13). */
import { STEP_ROLES } from '../../core/index.ts';
import { requireRole } from '../_shared/auth.ts';
import { httpHandler, type RouteContext } from '../_shared/http.ts';
import { ClientId } from '../_shared/schemas.ts';
import { UploadRequest, WaiverRequest, WithdrawalRequest } from './schemas.ts';
import * as uc from './use-cases.ts';

/** An id that cannot be one (not 1–64 characters of the id alphabet) is an unknown one: 404 after the role check. */
const NO_ID = 'none';
const idOf = (ctx: RouteContext, name: string): string => {
  const id = ctx.path(name);
  return ClientId.safeParse(id).success ? id : NO_ID;
};

/** Readers of a case's documents: whoever may read the case (visibility answers 404 for the others). */
const READERS = ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin'] as const;

export const handler = httpHandler({
  'POST /v1/cases/{caseId}/documents': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, STEP_ROLES['document-upload']);
    const caseId = idOf(ctx, 'caseId');
    const body = ctx.body(UploadRequest);
    return { status: 201, body: await uc.requestDocumentUpload(p, caseId, body, new Date()) };
  },
  'GET /v1/cases/{caseId}/documents': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, READERS);
    return { status: 200, body: await uc.listDocuments(p, idOf(ctx, 'caseId'), new Date()) };
  },
  'GET /v1/cases/{caseId}/documents/{documentId}': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, READERS);
    return { status: 200, body: await uc.getDocument(p, idOf(ctx, 'caseId'), idOf(ctx, 'documentId'), new Date()) };
  },
  // 302 to a presigned GET; `Accept: application/json` gets { url, expiresAt } instead (contract).
  'GET /v1/cases/{caseId}/documents/{documentId}/content': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, READERS);
    const link = await uc.documentContent(p, idOf(ctx, 'caseId'), idOf(ctx, 'documentId'), new Date());
    const wantsJson = (ctx.event.headers?.accept ?? '').includes('application/json');
    return wantsJson ? { status: 200, body: link } : { status: 302, headers: { location: link.url, 'cache-control': 'no-store' } };
  },
  'POST /v1/cases/{caseId}/documents/{documentId}/withdrawal': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, STEP_ROLES['document-withdrawal']);
    const [caseId, documentId] = [idOf(ctx, 'caseId'), idOf(ctx, 'documentId')];
    const { reason } = ctx.body(WithdrawalRequest);
    return { status: 200, body: await uc.withdrawDocument(p, caseId, documentId, reason, new Date()) };
  },
  'POST /v1/cases/{caseId}/document-waivers': async (ctx) => {
    const p = ctx.principal();
    requireRole(p, STEP_ROLES['document-waiver']);
    const caseId = idOf(ctx, 'caseId');
    const body = ctx.body(WaiverRequest);
    return { status: 201, body: await uc.waiveDocument(p, caseId, body, new Date()) };
  },
});
