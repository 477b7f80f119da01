/**
 * The origin check (issue 17, "Abuse"): on a stage with the edge, CloudFront adds `ORIGIN_VERIFY_HEADER`
 * (manifest/api.ts) with the stage's origin secret to every request it forwards. A request sent to the
 * execute-api address directly, around the WAF, does not carry it: the Lambda authorizer refuses it (API
 * Gateway already answers 401 when the header is missing, since it is an identity source), and so does the
 * public routes' function, which has no authorizer in front.
 *
 * The secret lives in Secrets Manager (`ORIGIN_VERIFY_SECRET_ARN`, rotatable): both its AWSCURRENT and its
 * AWSPREVIOUS value are accepted, so a rotation (new value first, then the distribution redeployed with it)
 * refuses nothing in between; values are read at most every 5 minutes per container. The comparison takes
 * the same time whatever the value (SHA-256 of both, `timingSafeEqual`, every accepted value compared).
 *
 * Without `ORIGIN_VERIFY_SECRET_ARN` (locally, and stages without CloudFront) no check runs: that is
 * configuration, set by the stateless stack only where it builds the edge.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from './config.ts';
import { traced } from './tracing.ts';

const CACHE_MS = 5 * 60_000;

let client: SecretsManagerClient | undefined;
let cached: { readonly at: number; readonly values: Promise<readonly string[]> } | undefined;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Whether `presented` equals one of `accepted`, in a time that does not depend on where they differ. */
export const originSecretMatches = (presented: string | undefined, accepted: readonly string[]): boolean => {
  const given = digest(presented ?? '');
  let match = false;
  for (const value of accepted) match = (timingSafeEqual(given, digest(value)) && value !== '') || match;
  return presented !== undefined && presented !== '' && match;
};

const versionOf = async (secretId: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> => {
  client ??= traced(new SecretsManagerClient({ maxAttempts: 3 }));
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }))).SecretString;
  } catch (error) {
    // A secret never rotated has no AWSPREVIOUS version.
    if (stage === 'AWSPREVIOUS' && (error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
};

/** The accepted values (current, and previous while a rotation propagates), cached; a failed read is not cached. */
const acceptedValues = (secretId: string, now = Date.now()): Promise<readonly string[]> => {
  if (cached && now - cached.at < CACHE_MS) return cached.values;
  const values = Promise.all([versionOf(secretId, 'AWSCURRENT'), versionOf(secretId, 'AWSPREVIOUS')]).then((vs) =>
    vs.filter((v): v is string => typeof v === 'string' && v !== ''),
  );
  cached = { at: now, values };
  values.catch(() => {
    if (cached?.values === values) cached = undefined;
  });
  return values;
};

/**
 * Whether a request came through CloudFront: its `ORIGIN_VERIFY_HEADER` value is the origin secret. Always
 * true where no origin secret is configured (no edge on this stage).
 */
export const cameThroughEdge = async (headerValue: string | undefined): Promise<boolean> => {
  const secretId = config.authorizer.originVerifySecretArn;
  if (secretId === undefined) return true;
  return originSecretMatches(headerValue, await acceptedValues(secretId));
};

/** Tests only: forget the cached values and the client. */
export const resetOriginVerifyForTests = (): void => {
  cached = undefined;
  client = undefined;
};
