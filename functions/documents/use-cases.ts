/**
 * Documents of a case (D13) behind the HTTP routes: load the visible case, ask the rules core
 * (`requestUpload`, `recordStep` for waivers and withdrawals, `checklist`), store, presign.
 */
import { randomBytes } from 'node:crypto';
import { type CaseDocument, checklist, documentStatus, type Refusal, recordStep, requestUpload, ruleTableOn, type StepInput } from '../../core/index.ts';
import type { Principal } from '../_shared/auth.ts';
import { loadVisibleCase } from '../_shared/case-access.ts';
import { documentView } from '../_shared/document-view.ts';
import { forbidden, notFound, problem, refusalProblem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { type CaseBundle, CaseVersionConflict, casesRepository } from '../_shared/repositories/cases.ts';
import { documentObjects, objectKey } from '../_shared/repositories/document-objects.ts';
import { documentsRepository } from '../_shared/repositories/documents.ts';
import type * as z from '../_shared/zod.ts';
import type { UploadRequest } from './schemas.ts';

const problemOf = (r: Refusal) => refusalProblem(r);

const listView = (bundle: CaseBundle, now: Date) => ({
  items: bundle.documents.map((d) => documentView(d, now)),
  checklist: checklist(bundle.record, bundle.documents),
});

const findDocument = (bundle: CaseBundle, documentId: string): CaseDocument => {
  const d = bundle.documents.find((x) => x.documentId === documentId);
  if (!d) throw notFound();
  return d;
};

/** 201: the document UPLOADING and a presigned PUT for exactly its declared size and type (≤ 15 minutes). */
export const requestDocumentUpload = async (p: Principal, caseId: string, body: z.infer<typeof UploadRequest>, now: Date) => {
  const bundle = await loadVisibleCase(p, caseId);
  const d = requestUpload(bundle.record, { documentId: `D${randomBytes(8).toString('hex')}`, ...body }, { actor: p.sub, role: p.role, now }).document;
  const seconds = ruleTableOn(bundle.record.injuryDate).documents.uploadUrlSeconds;
  const upload = await documentObjects.presignUpload(objectKey(caseId, d.documentId), d.contentType, d.sizeBytes, seconds, now);
  await documentsRepository.create({ ...d, expiresAt: upload.expiresAt });
  return { ...documentView({ ...d, expiresAt: upload.expiresAt }, now), upload };
};

export const listDocuments = async (p: Principal, caseId: string, now: Date) => listView(await loadVisibleCase(p, caseId), now);

export const getDocument = async (p: Principal, caseId: string, documentId: string, now: Date) =>
  documentView(findDocument(await loadVisibleCase(p, caseId), documentId), now);

/**
 * A presigned GET (≤ 5 minutes) of an AVAILABLE document (else 409). A platform downloads only the
 * documents it uploaded (403 for others): it sees the list, not every file.
 */
export const documentContent = async (p: Principal, caseId: string, documentId: string, now: Date) => {
  const bundle = await loadVisibleCase(p, caseId);
  const d = findDocument(bundle, documentId);
  if (p.role === 'platform' && d.uploadedBy !== p.sub) throw forbidden('DOWNLOAD_NOT_ALLOWED');
  if (documentStatus(d, now) !== 'AVAILABLE')
    throw problem('DOCUMENT_NOT_AVAILABLE', {
      detail: `该材料当前状态为 ${documentStatus(d, now)}，不能下载。`,
      detailEn: `The document is ${documentStatus(d, now)}, not AVAILABLE; its content cannot be downloaded.`,
    });
  const seconds = ruleTableOn(bundle.record.injuryDate).documents.downloadUrlSeconds;
  return documentObjects.presignDownload(objectKey(caseId, documentId), d.fileName, seconds, now);
};

/** Waivers and withdrawals are case transitions: on the timeline, conditional on the case's version. */
const transition = async (p: Principal, bundle: CaseBundle, input: StepInput, now: Date) => {
  const calendar = await calendarsRepository.calendar();
  const outcome = recordStep(bundle.record, input, { actor: p.sub, role: p.role, now, calendar, documents: bundle.documents });
  if (!outcome.ok) throw problemOf(outcome.refusal);
  try {
    await casesRepository.transition(outcome.record, bundle.record.version, outcome.event, {
      ...(outcome.document && input.step === 'document-withdrawal' ? { document: { next: outcome.document, expectedStatus: input.document.status } } : {}),
    });
  } catch (error) {
    if (error instanceof CaseVersionConflict) throw problem('VERSION_CONFLICT');
    throw error;
  }
  return outcome;
};

export const withdrawDocument = async (p: Principal, caseId: string, documentId: string, reason: string, now: Date) => {
  const bundle = await loadVisibleCase(p, caseId);
  const document = findDocument(bundle, documentId);
  const outcome = await transition(p, bundle, { step: 'document-withdrawal', document, reason }, now);
  return documentView(outcome.document ?? document, now);
};

export const waiveDocument = async (p: Principal, caseId: string, body: { type: CaseDocument['type']; reason: string }, now: Date) => {
  const bundle = await loadVisibleCase(p, caseId);
  const outcome = await transition(p, bundle, { step: 'document-waiver', ...body }, now);
  const waiver = outcome.record.documentWaivers!.at(-1)!;
  return { ...waiver, checklist: checklist(outcome.record, bundle.documents) };
};
