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
}

export const BUCKETS = {
  documents: {
    envVar: 'DOCUMENTS_BUCKET',
    objectPrefix: 'cases/',
    description: 'Evidence documents of cases (D13): uploaded by presigned PUT, checked after upload, kept 30 years, never deleted',
  },
} as const satisfies Record<string, BucketDefinition>;

export type BucketId = keyof typeof BUCKETS;
export type BucketAccess = 'read' | 'readwrite';

/**
 * Set only by the local runtime, for the functions granted a bucket: the S3-compatible server's URL
 * (s3rver, path-style addressing). Unset in AWS, where the SDK uses S3's own endpoint (virtual-hosted).
 */
export const LOCAL_S3_ENV = ['AWS_ENDPOINT_URL_S3', 'S3_FORCE_PATH_STYLE'] as const;
