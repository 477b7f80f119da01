/**
 * Lambda entry point of the audit anchor (EventBridge Scheduler every hour in AWS, a timer in the local
 * runtime; manifest/schedules.ts `auditAnchor`): reads the head of every audit chain, signs the statement
 * with the anchor key (KMS ECC_NIST_P256 / ECDSA_SHA_256 in AWS, the local runtime's key pair locally) and
 * writes it to the anchor bucket — object-locked in compliance mode in AWS, so nobody can change or delete
 * it during the retention period (functions/_shared/audit-anchor.ts; docs/security.md).
 *
 * Event: `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`; the object key is the scheduled hour, so a
 * retried delivery writes the same key (a new version in a versioned bucket, with later heads: both stay).
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ddb } from '../_shared/db.ts';
import { readAuditHeads } from '../_shared/audit.ts';
import { anchorHour, anchorKey, signAnchor, type AnchorStatement } from '../_shared/audit-anchor.ts';
import { anchorSigner } from '../_shared/audit-keys.ts';
import { LEDGER_CHAIN, ledgerHead } from '../_shared/audit-ledger.ts';
import { config } from '../_shared/config.ts';
import { logger } from '../_shared/observability.ts';
import { traced } from '../_shared/tracing.ts';
import * as z from '../_shared/zod.ts';

let s3: S3Client | undefined;
const s3Client = () => (s3 ??= traced(new S3Client({ forcePathStyle: config.s3.forcePathStyle, maxAttempts: 5 })));

const ScheduledEvent = z.nullish(z.looseObject({ scheduledTime: z.optional(z.iso.datetime({ offset: true })) }));

export interface AnchorResult {
  readonly key: string;
  readonly chains: number;
  readonly ledgerSeq: number;
}

/** Signs the current heads of every chain for the hour of `scheduledFor` and stores the anchor. */
export const anchorAudit = async (scheduledFor: Date, now: Date = new Date()): Promise<AnchorResult> => {
  const [registryHeads, ledger] = await Promise.all([
    readAuditHeads({ client: ddb, table: config.tables.registry }),
    ledgerHead({ client: ddb, table: config.tables.audit }),
  ]);
  const heads = [...registryHeads, ...(ledger ? [{ chain: LEDGER_CHAIN, ...ledger }] : [])].sort((a, b) =>
    a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : 0,
  );
  const statement: AnchorStatement = { v: 1, stage: config.stage, scheduledFor: anchorHour(scheduledFor), anchoredAt: now.toISOString(), heads };
  const anchor = await signAnchor(statement, anchorSigner());
  const key = anchorKey(config.stage, statement.scheduledFor);
  // The bucket's default retention (compliance mode) locks the object; nothing here can shorten it.
  await s3Client().send(new PutObjectCommand({ Bucket: config.audit.anchorBucket, Key: key, Body: JSON.stringify(anchor), ContentType: 'application/json' }));
  return { key, chains: heads.length, ledgerSeq: ledger?.seq ?? 0 };
};

export const handler = async (event?: unknown): Promise<AnchorResult> => {
  const parsed = ScheduledEvent.safeParse(event);
  if (!parsed.success) {
    throw new Error(`Invalid scheduled event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  }
  const now = new Date();
  const result = await anchorAudit(parsed.data?.scheduledTime ? new Date(parsed.data.scheduledTime) : now, now);
  logger.info('Audit anchored', { ...result });
  return result;
};
