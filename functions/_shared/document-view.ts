/** A document as the contract shows it (D13), its status derived at `now` (an upload never made expires). */
import { type CaseDocument, DOCUMENT_CONTENT_TYPES, DOCUMENT_STATUSES, DOCUMENT_TYPES, documentStatus } from '../../core/index.ts';
import * as z from './zod.ts';

export const documentView = (d: CaseDocument, now: Date) => ({
  documentId: d.documentId,
  type: d.type,
  fileName: d.fileName,
  contentType: d.contentType,
  sizeBytes: d.sizeBytes,
  status: documentStatus(d, now),
  createdAt: d.createdAt,
  ...(d.uploadedAt ? { uploadedAt: d.uploadedAt } : {}),
  uploadedBy: d.uploadedBy,
  ...(d.sha256 ? { sha256: d.sha256 } : {}),
  ...(d.reason ? { reason: d.reason } : {}),
  ...(d.withdrawal ? { withdrawal: d.withdrawal } : {}),
});

/** The response schemas of a document and a checklist (OpenAPI; shared by the cases and documents groups). */
export const DocumentSchema = z.withMeta(
  z.object({
    documentId: z.string(),
    type: z.enum(DOCUMENT_TYPES),
    fileName: z.string(),
    contentType: z.enum(DOCUMENT_CONTENT_TYPES),
    sizeBytes: z.number(),
    status: z.enum(DOCUMENT_STATUSES),
    createdAt: z.string(),
    uploadedAt: z.optional(z.string()),
    uploadedBy: z.string(),
    sha256: z.optional(z.string()),
    reason: z.optional(z.enum(['TYPE_MISMATCH', 'SIZE_MISMATCH', 'UPLOADED_AFTER_EXPIRY'])),
    withdrawal: z.optional(z.object({ by: z.string(), at: z.string(), reason: z.string() })),
  }),
  { id: 'Document' },
);

export const ChecklistSchema = z.withMeta(
  z.object({
    step: z.string(),
    required: z.array(z.enum(DOCUMENT_TYPES)),
    missing: z.array(z.enum(DOCUMENT_TYPES)),
    waived: z.array(z.object({ type: z.enum(DOCUMENT_TYPES), reason: z.string() })),
    conditional: z.array(z.object({ type: z.enum(DOCUMENT_TYPES), when: z.string() })),
  }),
  { id: 'DocumentChecklist' },
);
