/** Request bodies of the documents routes (contract "Documents", D13). */
import { DOCUMENT_CONTENT_TYPES, DOCUMENT_TYPES, latestRuleTable } from '../../core/index.ts';
import { ChecklistSchema, DocumentSchema } from '../_shared/document-view.ts';
import { FreeText } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

/** The largest upload the rules accept (D13: 20 MiB); the check enforces it again from the bytes. */
const MAX_BYTES = latestRuleTable().documents.maxSizeBytes;

/** A file name, kept as text only (it never becomes part of a storage key): 1–255 characters, no control characters. */
const FileName = z.string().check(
  z.minLength(1),
  z.maxLength(255),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  z.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '不能包含控制字符。'),
);

export const UploadRequest = z.withMeta(
  z.strictObject({
    type: z.enum(DOCUMENT_TYPES),
    fileName: FileName,
    contentType: z.enum(DOCUMENT_CONTENT_TYPES),
    sizeBytes: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_BYTES, `At most ${MAX_BYTES} bytes (20 MiB).`)),
  }),
  { id: 'DocumentUpload' },
);

export const WithdrawalRequest = z.withMeta(z.strictObject({ reason: FreeText }), { id: 'DocumentWithdrawal' });

export const WaiverRequest = z.withMeta(z.strictObject({ type: z.enum(DOCUMENT_TYPES), reason: FreeText }), { id: 'DocumentWaiver' });

export const DocumentListResponse = z.withMeta(z.object({ items: z.array(DocumentSchema), checklist: ChecklistSchema }), { id: 'DocumentList' });

export const UploadResponse = z.withMeta(
  z.extend(DocumentSchema, {
    upload: z.object({
      method: z.literal('PUT'),
      url: z.string(),
      headers: z.record(z.string(), z.string()),
      expiresAt: z.string(),
    }),
  }),
  { id: 'DocumentUploadTicket', description: 'PUT the bytes to `upload.url` with exactly `upload.headers` before `upload.expiresAt`.' },
);

export const ContentLinkResponse = z.withMeta(z.object({ url: z.string(), expiresAt: z.string() }), { id: 'DocumentContentLink' });

export const WaiverResponse = z.withMeta(
  z.object({ type: z.enum(DOCUMENT_TYPES), reason: z.string(), by: z.string(), at: z.string(), checklist: ChecklistSchema }),
  { id: 'DocumentWaiverRecorded' },
);
