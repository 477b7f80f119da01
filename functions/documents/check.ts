/**
 * The check after an upload (D13): triggered by the documents bucket's "Object Created" event
 * (S3 → EventBridge in AWS; the same event delivered by the local runtime). Reads the object's bytes,
 * asks the rules core (`checkUpload`: the type from the magic number, the exact size, uploaded before the
 * URL expired) and stores AVAILABLE or REJECTED with the SHA-256 — once: a re-delivered event finds the
 * document settled and changes nothing. Errors propagate (EventBridge retries, then the DLQ).
 */
import { checkUpload, ruleTableOn, shanghaiDate, sniffContentType } from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import { documentObjects, parseObjectKey } from '../_shared/repositories/document-objects.ts';
import { documentsRepository } from '../_shared/repositories/documents.ts';
import * as z from '../_shared/zod.ts';

const ObjectCreated = z.looseObject({
  'detail-type': z.literal('Object Created'),
  time: z.string(),
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string(), size: z.optional(z.number()) }),
  }),
});

export type CheckResult = { outcome: 'ignored' | 'unknown' | 'already-settled' } | { outcome: 'AVAILABLE' | 'REJECTED'; documentId: string };

export const handler = async (event: unknown): Promise<CheckResult> => {
  const parsed = ObjectCreated.safeParse(event);
  if (!parsed.success) {
    logger.warn('Document check: not an Object Created event; ignored');
    return { outcome: 'ignored' };
  }
  const key = decodeURIComponent(parsed.data.detail.object.key.replace(/\+/g, ' '));
  const ids = parseObjectKey(key);
  if (!ids) {
    logger.warn('Document check: object outside cases/{caseId}/{documentId}; ignored');
    return { outcome: 'ignored' };
  }
  logger.appendKeys({ caseId: ids.caseId, documentId: ids.documentId });
  try {
    const document = await documentsRepository.get(ids.caseId, ids.documentId);
    if (!document) {
      logger.warn('Document check: no document for this object');
      return { outcome: 'unknown' };
    }
    if (document.status !== 'UPLOADING') return { outcome: 'already-settled' };
    const now = new Date();
    const maxBytes = ruleTableOn(shanghaiDate(now)).documents.maxSizeBytes;
    const object = await documentObjects.inspect(key, maxBytes);
    const checked = checkUpload(
      document,
      {
        sizeBytes: object.sizeBytes,
        detectedContentType: sniffContentType(object.head),
        sha256: object.sha256,
        uploadedAt: object.storedAt ?? parsed.data.time,
      },
      now,
    );
    if (!checked || !(await documentsRepository.settle(checked))) return { outcome: 'already-settled' };
    logger.info('Document checked', { status: checked.status, reason: checked.reason, sizeBytes: object.sizeBytes });
    return { outcome: checked.status as 'AVAILABLE' | 'REJECTED', documentId: checked.documentId };
  } finally {
    logger.resetKeys();
  }
};
