/**
 * The bytes of evidence documents in S3 (the documents bucket; KMS-encrypted, never deleted): presigned
 * uploads and downloads, and reading an uploaded object for the check. The bytes never pass through
 * Lambda on the way in. Object keys are `cases/{caseId}/{documentId}`: no file name reaches a key.
 * Locally the same code talks to s3rver (AWS_ENDPOINT_URL_S3, path-style; docs/local-runtime.md).
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { config } from '../config.ts';
import { traced } from '../tracing.ts';

let client: S3Client | undefined;
const s3 = () => (client ??= traced(new S3Client({ forcePathStyle: config.s3.forcePathStyle })));

export const objectKey = (caseId: string, documentId: string) => `cases/${caseId}/${documentId}`;

/** The case and document a key names, or undefined for a key outside `cases/{caseId}/{documentId}`. */
export const parseObjectKey = (key: string): { caseId: string; documentId: string } | undefined => {
  const m = /^cases\/([A-Za-z0-9._:-]{1,64})\/([A-Za-z0-9._:-]{1,64})$/.exec(key);
  return m ? { caseId: m[1]!, documentId: m[2]! } : undefined;
};

export interface PresignedUpload {
  readonly method: 'PUT';
  readonly url: string;
  /** Sent with the PUT exactly as given: they are signed, so other bytes' type or length do not match the signature. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

export const documentObjects = {
  /** A presigned PUT for exactly `sizeBytes` bytes of `contentType`, valid `seconds`. */
  async presignUpload(key: string, contentType: string, sizeBytes: number, seconds: number, now: Date): Promise<PresignedUpload> {
    const command = new PutObjectCommand({ Bucket: config.buckets.documents, Key: key, ContentType: contentType, ContentLength: sizeBytes });
    const url = await getSignedUrl(s3(), command, { expiresIn: seconds, signableHeaders: new Set(['content-type', 'content-length']), signingDate: now });
    return {
      method: 'PUT',
      url,
      headers: { 'content-type': contentType, 'content-length': String(sizeBytes) },
      expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
    };
  },

  /** A presigned GET valid `seconds`, served as an attachment named `fileName`. */
  async presignDownload(key: string, fileName: string, seconds: number, now: Date): Promise<{ url: string; expiresAt: string }> {
    const command = new GetObjectCommand({
      Bucket: config.buckets.documents,
      Key: key,
      ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    });
    const url = await getSignedUrl(s3(), command, { expiresIn: seconds, signingDate: now });
    return { url, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
  },

  /**
   * What the check needs of an uploaded object: its first bytes (the magic number), its size, its SHA-256
   * and when it was stored. Objects over `maxBytes` are not read (their size alone rejects them).
   */
  async inspect(key: string, maxBytes: number): Promise<{ head: Uint8Array; sizeBytes: number; sha256?: string; storedAt?: string }> {
    const object = await s3().send(new GetObjectCommand({ Bucket: config.buckets.documents, Key: key }));
    const sizeBytes = object.ContentLength ?? 0;
    const storedAt = object.LastModified?.toISOString();
    if (sizeBytes > maxBytes) {
      await object.Body?.transformToWebStream().cancel();
      return { head: new Uint8Array(), sizeBytes, ...(storedAt ? { storedAt } : {}) };
    }
    const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
    return {
      head: bytes.subarray(0, 16),
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(storedAt ? { storedAt } : {}),
    };
  },
};
