/**
 * Evidence documents of a case (D13, contract "Documents"): their types and states, the checklist that
 * tells the applicant everything still missing at once, and the check of an upload from its bytes.
 * Pure: the adapters presign URLs, read the bytes' magic number and hash, and store what comes out.
 * The types themselves: document-types.ts.
 */
export * from './document-types.ts';
import { isMinorInjuryFastTrack } from './benefits.ts';
import type { CaseDocument, DocumentContentType, DocumentStatus, DocumentType, RejectionReason } from './document-types.ts';
import type { CaseRecord } from './case-record.ts';
import { ruleTableOn } from './rule-tables.ts';

/** The status a document reads as at `now`: an upload never made before its URL expired is EXPIRED. */
export const documentStatus = (d: Pick<CaseDocument, 'status' | 'expiresAt'>, now: Date): DocumentStatus =>
  d.status === 'UPLOADING' && now.toISOString() > d.expiresAt ? 'EXPIRED' : d.status;

export interface Checklist {
  /** The case status the list is for. */
  readonly step: CaseRecord['status'];
  readonly required: readonly DocumentType[];
  readonly missing: readonly DocumentType[];
  readonly waived: readonly { readonly type: DocumentType; readonly reason: string }[];
  /** Types that become required with the confirmation's basis, while it is not recorded. */
  readonly conditional: readonly { readonly type: DocumentType; readonly when: string }[];
}

type Basis = string | undefined;

/** The types a confirmation with `basis` needs (D13); `basis` undefined: what any confirmation needs. */
export function requiredDocuments(
  record: Pick<CaseRecord, 'kind' | 'injuryDate' | 'inpatientDays' | 'expenses' | 'documentsRequired'>,
  basis: Basis,
): DocumentType[] {
  if (!record.documentsRequired) return [];
  const rules = ruleTableOn(record.injuryDate).documents;
  if (isMinorInjuryFastTrack(record)) return [...rules.requiredForFastTrack] as DocumentType[];
  const types = [...rules.required, ...(record.kind === 'death' ? rules.requiredForDeath : []), ...(basis ? (rules.requiredForBasis[basis] ?? []) : [])];
  return [...new Set(types)] as DocumentType[];
}

/** The basis-dependent types, described for the applicant before the confirmation is recorded. */
function conditionalDocuments(record: Pick<CaseRecord, 'injuryDate' | 'documentsRequired'>): Checklist['conditional'] {
  if (!record.documentsRequired) return [];
  const byType = new Map<DocumentType, string[]>();
  for (const [basis, types] of Object.entries(ruleTableOn(record.injuryDate).documents.requiredForBasis)) {
    for (const t of types as DocumentType[]) byType.set(t, [...(byType.get(t) ?? []), basis]);
  }
  return [...byType].map(([type, bases]) => ({ type, when: bases.join(' or ') }));
}

/**
 * The checklist of a case at its current step (D13: told everything at once): what its confirmation
 * needs (with the recorded basis once there is one), minus the types with an AVAILABLE document, minus
 * the waived ones. A refused case needs nothing.
 */
export function checklist(record: CaseRecord, documents: readonly CaseDocument[], basis: Basis = record.confirmation?.basis): Checklist {
  const waived = (record.documentWaivers ?? []).map(({ type, reason }) => ({ type, reason }));
  if (record.status === 'NOT_CONFIRMED') return { step: record.status, required: [], missing: [], waived, conditional: [] };
  const required = requiredDocuments(record, basis);
  const available = new Set(documents.filter((d) => d.status === 'AVAILABLE').map((d) => d.type));
  const waivedTypes = new Set(waived.map((w) => w.type));
  return {
    step: record.status,
    required,
    missing: required.filter((t) => !available.has(t) && !waivedTypes.has(t)),
    waived,
    conditional: basis === undefined ? conditionalDocuments(record).filter((c) => !required.includes(c.type) && !waivedTypes.has(c.type)) : [],
  };
}

/** What the bytes of an upload turned out to be (the adapter reads the magic number, the size and the hash). */
export interface ObservedUpload {
  readonly sizeBytes: number;
  /** The content type the bytes' magic number gives, undefined when it is none of the accepted ones. */
  readonly detectedContentType: DocumentContentType | undefined;
  /** Undefined when the object was too large to be read at all. */
  readonly sha256: string | undefined;
  /** When the storage received the object. */
  readonly uploadedAt: string;
}

/**
 * The check after an upload (D13): AVAILABLE when the bytes are what was declared (type from the magic
 * number, exact size) and arrived before the URL expired, else REJECTED with the reason. Undefined when
 * the document is no longer UPLOADING: a re-delivered event changes nothing.
 */
export function checkUpload(document: CaseDocument, observed: ObservedUpload, now: Date): CaseDocument | undefined {
  if (document.status !== 'UPLOADING') return undefined;
  const reason: RejectionReason | undefined =
    observed.uploadedAt > document.expiresAt
      ? 'UPLOADED_AFTER_EXPIRY'
      : observed.detectedContentType !== document.contentType
        ? 'TYPE_MISMATCH'
        : observed.sizeBytes !== document.sizeBytes
          ? 'SIZE_MISMATCH'
          : undefined;
  return {
    ...document,
    status: reason ? 'REJECTED' : 'AVAILABLE',
    uploadedAt: observed.uploadedAt,
    checkedAt: now.toISOString(),
    ...(observed.sha256 ? { sha256: observed.sha256 } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The content type of `bytes` from their magic number (D13: the bytes decide, not the name), or undefined. */
export function sniffContentType(bytes: Uint8Array): DocumentContentType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'; // %PDF-
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  return undefined;
}
