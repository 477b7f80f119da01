/** Evidence documents (D13): the checklist, the check of an upload from its bytes, and the lifecycle's document steps. */
import { describe, expect, it } from 'vitest';
import {
  CASE_STATUSES,
  type CaseDocument,
  checklist,
  checkUpload,
  documentStatus,
  LIFECYCLE,
  recordStep,
  requestUpload,
  requiredDocuments,
  SEEDED_CALENDARS,
  sniffContentType,
  WorkingDayCalendar,
} from '../../../core/index.ts';
import { CASE_NOW, openedCaseRecord } from './fixtures.ts';

const calendar = new WorkingDayCalendar(SEEDED_CALENDARS);
const NOW = CASE_NOW;

const opened = openedCaseRecord;

const doc = (over: Partial<CaseDocument> = {}): CaseDocument => ({
  documentId: 'D1',
  caseId: 'C1',
  type: 'ID_PROOF',
  fileName: '身份证.pdf',
  contentType: 'application/pdf',
  sizeBytes: 2048,
  status: 'UPLOADING',
  createdAt: NOW.toISOString(),
  expiresAt: new Date(NOW.getTime() + 15 * 60_000).toISOString(),
  uploadedBy: 'worker-1',
  uploaderRole: 'worker',
  ...over,
});
const available = (...types: CaseDocument['type'][]) => types.map((type, i) => doc({ documentId: `D${i}`, type, status: 'AVAILABLE' }));
const ctx = (over = {}) => ({ actor: 'handler-1', role: 'handler' as const, now: NOW, calendar, ...over });

describe('the checklist (D13: everything missing told at once)', () => {
  it('needs the base types before a confirmation, and names the police report as conditional on the basis', () => {
    const list = checklist(opened(), []);
    expect(list).toMatchObject({ step: 'UNDER_REVIEW', required: ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT'], waived: [] });
    expect(list.missing).toEqual(list.required);
    expect(list.conditional).toEqual([{ type: 'POLICE_REPORT', when: 'ORDER_TASK_TRAFFIC or ORDER_TASK_VIOLENCE' }]);
  });

  it('adds the death certificate and kinship proof for a death case, the police report for a traffic basis', () => {
    expect(requiredDocuments(opened({ kind: 'death' }), undefined)).toEqual([
      'ID_PROOF',
      'MEDICAL_DIAGNOSIS',
      'ACCIDENT_STATEMENT',
      'DEATH_CERTIFICATE',
      'KINSHIP_PROOF',
    ]);
    expect(requiredDocuments(opened(), 'ORDER_TASK_TRAFFIC')).toContain('POLICE_REPORT');
    expect(requiredDocuments(opened(), 'ORDER_TASK_ACCIDENT')).not.toContain('POLICE_REPORT');
  });

  it('needs only an ID proof and a diagnosis on the fast track (D7: out-patient, in-catalogue expenses)', () => {
    const fast = opened({ expenses: [{ description: '门诊', amountFen: 10_000, inCatalogue: true, recordedBy: 'h', recordedAt: 'x' }] });
    expect(checklist(fast, []).required).toEqual(['ID_PROOF', 'MEDICAL_DIAGNOSIS']);
  });

  it('counts AVAILABLE documents and waivers, not uploading, rejected or withdrawn ones', () => {
    const docs = [
      doc({ type: 'ID_PROOF', status: 'AVAILABLE' }),
      doc({ documentId: 'D2', type: 'MEDICAL_DIAGNOSIS', status: 'REJECTED' }),
      doc({ documentId: 'D3', type: 'ACCIDENT_STATEMENT', status: 'WITHDRAWN' }),
    ];
    const waived = opened({ documentWaivers: [{ type: 'ACCIDENT_STATEMENT', reason: '纸质原件', by: 'h', at: 'x' }] });
    expect(checklist(waived, docs)).toMatchObject({ missing: ['MEDICAL_DIAGNOSIS'], waived: [{ type: 'ACCIDENT_STATEMENT', reason: '纸质原件' }] });
  });

  it('requires nothing of a refused case, or of a case opened before documents existed', () => {
    expect(checklist(opened({ status: 'NOT_CONFIRMED' }), []).required).toEqual([]);
    expect(checklist(opened({ documentsRequired: undefined }), [])).toMatchObject({ required: [], missing: [], conditional: [] });
  });

  it('uses the recorded basis once the confirmation is recorded', () => {
    const confirmed = opened({
      status: 'AWAITING_ASSESSMENT',
      confirmation: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_VIOLENCE', assessmentRequired: true, recordedBy: 'h', recordedAt: 'x' },
    });
    expect(checklist(confirmed, []).required).toContain('POLICE_REPORT');
    expect(checklist(confirmed, []).conditional).toEqual([]);
  });
});

describe('the check after an upload (D13: the bytes decide)', () => {
  const pdf = new TextEncoder().encode('%PDF-1.7\n');
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
  const observed = (over = {}) => ({
    sizeBytes: 2048,
    detectedContentType: 'application/pdf' as const,
    sha256: 'ab'.repeat(32),
    uploadedAt: NOW.toISOString(),
    ...over,
  });

  it('tells PDF, PNG and JPEG from their magic numbers, and nothing else', () => {
    expect(sniffContentType(pdf)).toBe('application/pdf');
    expect(sniffContentType(png)).toBe('image/png');
    expect(sniffContentType(jpeg)).toBe('image/jpeg');
    expect(sniffContentType(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(sniffContentType(new Uint8Array())).toBeUndefined();
  });

  it('makes a matching upload AVAILABLE with its hash', () => {
    expect(checkUpload(doc(), observed(), NOW)).toMatchObject({ status: 'AVAILABLE', sha256: 'ab'.repeat(32), uploadedAt: NOW.toISOString() });
  });

  it('rejects another type (a PDF renamed .png), another size, an upload after the URL expired', () => {
    expect(checkUpload(doc({ contentType: 'image/png' }), observed(), NOW)).toMatchObject({ status: 'REJECTED', reason: 'TYPE_MISMATCH' });
    expect(checkUpload(doc(), observed({ detectedContentType: undefined }), NOW)).toMatchObject({ status: 'REJECTED', reason: 'TYPE_MISMATCH' });
    expect(checkUpload(doc(), observed({ sizeBytes: 2049 }), NOW)).toMatchObject({ status: 'REJECTED', reason: 'SIZE_MISMATCH' });
    const late = checkUpload(doc(), observed({ uploadedAt: '2026-03-16T02:20:00.000Z', sha256: undefined }), NOW)!;
    expect(late).toMatchObject({ status: 'REJECTED', reason: 'UPLOADED_AFTER_EXPIRY' });
    expect(late.sha256).toBeUndefined();
  });

  it('changes nothing for a document already settled (a re-delivered event)', () => {
    for (const status of ['AVAILABLE', 'REJECTED', 'WITHDRAWN'] as const) expect(checkUpload(doc({ status }), observed(), NOW)).toBeUndefined();
  });

  it('reads an upload never made as EXPIRED once its URL has expired', () => {
    expect(documentStatus(doc(), NOW)).toBe('UPLOADING');
    expect(documentStatus(doc(), new Date(NOW.getTime() + 16 * 60_000))).toBe('EXPIRED');
    expect(documentStatus(doc({ status: 'AVAILABLE' }), new Date(NOW.getTime() + 16 * 60_000))).toBe('AVAILABLE');
  });
});

describe('the lifecycle of documents', () => {
  it('requests an upload UPLOADING for 15 minutes, on a refused case too (evidence for its appeal)', () => {
    const input = { documentId: 'D9', type: 'ID_PROOF' as const, fileName: 'a.pdf', contentType: 'application/pdf' as const, sizeBytes: 10 };
    const r = requestUpload(opened(), input, ctx());
    expect(r).toMatchObject({ ok: true, document: { status: 'UPLOADING', expiresAt: '2026-03-16T02:15:00.000Z', uploadedBy: 'handler-1' } });
    expect(requestUpload(opened({ status: 'NOT_CONFIRMED' }), input, ctx())).toMatchObject({ ok: true, document: { status: 'UPLOADING' } });
    // Contract v2 "Statuses": documents in every status, so requestUpload has no refusal to give.
    for (const status of CASE_STATUSES) expect(LIFECYCLE[status].accepts, status).toContain('document-upload');
  });

  it('refuses a confirmation with a 422 naming every missing type, and accepts a refusal without documents', () => {
    const confirm = { step: 'confirmation' as const, outcome: 'CONFIRMED' as const, basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false };
    const refused = recordStep(opened(), confirm, ctx({ documents: available('ID_PROOF') }));
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'DOCUMENTS_MISSING' } });
    expect(refused.ok ? [] : refused.refusal.fields?.map((f) => f.path)).toEqual([
      'documents.MEDICAL_DIAGNOSIS',
      'documents.ACCIDENT_STATEMENT',
      'documents.POLICE_REPORT',
    ]);
    const notConfirmed = {
      step: 'confirmation' as const,
      outcome: 'NOT_CONFIRMED' as const,
      basis: 'INTOXICATION',
      reasons: ['醉酒'],
      assessmentRequired: false,
    };
    expect(recordStep(opened(), notConfirmed, ctx({ documents: [] })).ok).toBe(true);
    const all = available('ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT', 'POLICE_REPORT');
    expect(recordStep(opened(), confirm, ctx({ documents: all })).ok).toBe(true);
    expect(() => recordStep(opened(), confirm, ctx())).toThrow(RangeError);
  });

  it('waives a missing required type once, with its reason on the timeline; refuses one not required or handed in', () => {
    const waived = recordStep(opened(), { step: 'document-waiver', type: 'ACCIDENT_STATEMENT', reason: '纸质原件已核验' }, ctx({ documents: [] }));
    if (!waived.ok) throw new Error(waived.refusal.code);
    expect(waived.record.documentWaivers).toEqual([{ type: 'ACCIDENT_STATEMENT', reason: '纸质原件已核验', by: 'handler-1', at: NOW.toISOString() }]);
    expect(waived.event).toMatchObject({ action: 'document.waived', after: { type: 'ACCIDENT_STATEMENT' } });
    const again = recordStep(waived.record, { step: 'document-waiver', type: 'ACCIDENT_STATEMENT', reason: 'x' }, ctx({ documents: [] }));
    expect(again).toMatchObject({ ok: false, refusal: { code: 'ALREADY_WAIVED' } });
    const notRequired = recordStep(opened(), { step: 'document-waiver', type: 'WITNESS_STATEMENT', reason: 'x' }, ctx({ documents: [] }));
    expect(notRequired).toMatchObject({
      ok: false,
      refusal: { code: 'WAIVER_NOT_APPLICABLE', fields: [{ path: 'type', message: '该材料在本环节不是必需材料。' }] },
    });
    const handedIn = recordStep(opened(), { step: 'document-waiver', type: 'ID_PROOF', reason: 'x' }, ctx({ documents: available('ID_PROOF') }));
    expect(handedIn).toMatchObject({ ok: false, refusal: { code: 'WAIVER_NOT_APPLICABLE', fields: [{ message: '该材料已提交。' }] } });
    // The police report, which a traffic or violence basis will require, may be waived before the confirmation…
    expect(recordStep(opened(), { step: 'document-waiver', type: 'POLICE_REPORT', reason: '纸质认定书' }, ctx({ documents: [] })).ok).toBe(true);
    // …unless it was handed in.
    const policeHandedIn = recordStep(
      opened(),
      { step: 'document-waiver', type: 'POLICE_REPORT', reason: 'x' },
      ctx({ documents: available('POLICE_REPORT') }),
    );
    expect(policeHandedIn).toMatchObject({ ok: false, refusal: { code: 'WAIVER_NOT_APPLICABLE' } });
  });

  it('withdraws a document for the worker, a handler or the platform that uploaded it, once, keeping it as WITHDRAWN', () => {
    const mine = doc({ status: 'AVAILABLE' });
    const byWorker = recordStep(opened(), { step: 'document-withdrawal', document: mine, reason: '传错了' }, ctx({ actor: 'worker-1', role: 'worker' }));
    expect(byWorker).toMatchObject({
      ok: true,
      document: { status: 'WITHDRAWN', withdrawal: { by: 'worker-1', reason: '传错了' } },
      event: { action: 'document.withdrawn' },
    });
    const platformsOwn = doc({ status: 'AVAILABLE', uploadedBy: 'platform-p1', uploaderRole: 'platform' });
    expect(recordStep(opened(), { step: 'document-withdrawal', document: platformsOwn, reason: 'x' }, ctx({ actor: 'platform-p1', role: 'platform' })).ok).toBe(
      true,
    );
    const byPlatform = recordStep(opened(), { step: 'document-withdrawal', document: mine, reason: 'x' }, ctx({ actor: 'platform-p1', role: 'platform' }));
    expect(byPlatform).toMatchObject({ ok: false, refusal: { code: 'NOT_UPLOADER' } });
    // The case's worker may withdraw a document someone else uploaded for them.
    expect(recordStep(opened(), { step: 'document-withdrawal', document: platformsOwn, reason: 'x' }, ctx({ actor: 'worker-1', role: 'worker' })).ok).toBe(
      true,
    );
    expect(recordStep(opened(), { step: 'document-withdrawal', document: mine, reason: 'x' }, ctx()).ok).toBe(true);
    const twice = recordStep(opened(), { step: 'document-withdrawal', document: doc({ status: 'WITHDRAWN' }), reason: 'x' }, ctx());
    expect(twice).toMatchObject({ ok: false, refusal: { code: 'ALREADY_WITHDRAWN' } });
  });
});
