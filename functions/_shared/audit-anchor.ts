/**
 * Anchors of the audit chains (docs/security.md, "Audit trail"): a statement of every chain's head —
 * the cases ledger (`LEDGER#cases`, audit table) and each registry chain (`AUDITHEADS`, registry table) —
 * signed with the anchor key (audit-keys.ts) and written to the object-locked anchor bucket, where
 * nobody can change or delete it during its retention (S3 Object Lock, compliance mode).
 *
 * What it adds to the MACs: a chain whose newest records (or the whole chain) were deleted, or which was
 * rebuilt by someone holding the MAC key, no longer contains a head an earlier anchor signed — the
 * verifier (scripts/verify-audit.ts) names the anchor and the chain.
 */
import * as z from './zod.ts';
import { AUDIT_ANCHOR_PREFIX } from '../../manifest/audit.ts';
import { canonicalJson, type AuditHead } from './audit.ts';
import type { AnchorSigner } from './audit-keys.ts';

export const ANCHOR_ALGORITHM = 'ECDSA_SHA_256';

/** The signed content: canonical JSON of this, exactly these bytes. */
export interface AnchorStatement {
  readonly v: 1;
  readonly stage: string;
  /** The hour the anchor stands for (the schedule's time); its object key. */
  readonly scheduledFor: string;
  readonly anchoredAt: string;
  /** Every chain's head, sorted by chain. */
  readonly heads: readonly AuditHead[];
}

/** The stored object. */
export interface AnchorObject {
  /** The canonical JSON of the statement: the signed bytes (UTF-8). */
  readonly statement: string;
  /** base64 of the DER signature. */
  readonly signature: string;
  readonly algorithm: typeof ANCHOR_ALGORITHM;
  /** The signing key (a KMS key ARN, or `local`). */
  readonly keyRef: string;
}

const Head = z.object({ chain: z.string(), seq: z.number().check(z.int(), z.minimum(1)), hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)) });
const Statement = z.object({ v: z.literal(1), stage: z.string(), scheduledFor: z.string(), anchoredAt: z.string(), heads: z.array(Head) });
const StoredAnchor = z.object({ statement: z.string(), signature: z.string(), algorithm: z.literal(ANCHOR_ALGORITHM), keyRef: z.string() });

/** The hour of `at` (UTC), e.g. `2027-01-05T03:00:00.000Z`: one anchor per scheduled hour. */
export const anchorHour = (at: Date): string => {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
};

/** `anchors/{stage}/{hour}.json`: sorted by time within a stage. */
export const anchorKey = (stage: string, scheduledFor: string): string => `${AUDIT_ANCHOR_PREFIX}${stage}/${scheduledFor}.json`;

export const signAnchor = async (statement: AnchorStatement, signer: AnchorSigner): Promise<AnchorObject> => {
  const text = canonicalJson(statement);
  const signature = await signer.sign(Buffer.from(text, 'utf8'));
  return { statement: text, signature: signature.toString('base64'), algorithm: ANCHOR_ALGORITHM, keyRef: signer.keyRef };
};

/** A stored anchor parsed: its statement and the exact bytes signed. Throws on anything malformed. */
export const parseAnchor = (body: string): { readonly statement: AnchorStatement; readonly signed: Buffer; readonly signature: Buffer } => {
  const stored = StoredAnchor.parse(JSON.parse(body));
  const statement = Statement.parse(JSON.parse(stored.statement)) as AnchorStatement;
  return { statement, signed: Buffer.from(stored.statement, 'utf8'), signature: Buffer.from(stored.signature, 'base64') };
};
