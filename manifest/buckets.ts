/**
 * The S3 buckets: read by the CDK stateful stack (the bucket, its key, its policies), the stateless stack
 * (grants, env, the object-created rule), the local runtime (local/s3.ts creates the same bucket in s3rver)
 * and functions/_shared/config.ts (the env var carrying the bucket's name).
 */

export interface BucketDefinition {
  /** The environment variable through which functions receive the bucket's name. */
  readonly envVar: string;
  /**
   * Every object lives under this prefix: grants are scoped to `arn:…:bucket/<prefix>*`, and only objects
   * created under it are announced to the functions triggered by `objectCreated`.
   */
  readonly objectPrefix: string;
  readonly description: string;
  /** Objects (and overwritten versions) move to Glacier Instant Retrieval after this many days: rarely read, still at once. */
  readonly coldAfterDays: number;
  /** Objects (and overwritten versions) expire after this many days; absent: never (the bucket policy denies deletes to everyone). */
  readonly expireAfterDays?: number;
  /** The console's origins may PUT and GET objects (presigned uploads and previews: a CORS rule). */
  readonly browserAccess: boolean;
  /** Every event of the bucket goes to EventBridge (the functions with `objectCreated` on it). */
  readonly eventBridge: boolean;
}

/**
 * How long the order archive keeps an object: 13 months of the longest month (what coverage and the
 * evidence may look back, docs/scale.md) and a margin of 30 days; an object is written when its orders
 * expire, about two months after they were accepted, so each order is kept at least 13 months.
 */
const ORDER_ARCHIVE_EXPIRY_DAYS = 13 * 31 + 30;

export const BUCKETS = {
  documents: {
    envVar: 'DOCUMENTS_BUCKET',
    objectPrefix: 'cases/',
    description: 'Evidence documents of cases (D13): uploaded by presigned PUT, checked after upload, kept 30 years, never deleted',
    coldAfterDays: 365,
    browserAccess: true,
    eventBridge: true,
  },
  archive: {
    envVar: 'ORDERS_ARCHIVE_BUCKET',
    objectPrefix: 'orders/',
    description:
      'Order details after they expire from the orders table (issue 18): gzip JSON lines per month, platform and stream batch, written by the ordersArchiver; the source of a ledger rebuild',
    coldAfterDays: 30,
    expireAfterDays: ORDER_ARCHIVE_EXPIRY_DAYS,
    browserAccess: false,
    eventBridge: false,
  },
} as const satisfies Record<string, BucketDefinition>;

export type BucketId = keyof typeof BUCKETS;
/** read: GetObject; readwrite: GetObject and PutObject; write: PutObject only (the archiver). */
export type BucketAccess = 'read' | 'readwrite' | 'write';

/**
 * Set only by the local runtime, for the functions granted a bucket: the S3-compatible server's URL
 * (s3rver, path-style addressing). Unset in AWS, where the SDK uses S3's own endpoint (virtual-hosted).
 */
export const LOCAL_S3_ENV = ['AWS_ENDPOINT_URL_S3', 'S3_FORCE_PATH_STYLE'] as const;
