/**
 * Per-platform request-rate limit (issue 5), enforced by the service because API Gateway's route
 * throttling is per route and stage, never per caller (docs/security.md).
 *
 * Fixed one-second windows: one conditional UpdateItem per platform request on the idempotency table
 * (it already has a TTL attribute, `expiration`, and holds only short-lived request records):
 * `id = RATE#{platformId}#{epochSecond}`, `ADD n :one` if `attribute_not_exists(n) OR n < :limit`.
 * The write that would exceed the limit fails its condition (a failed conditional write still costs the
 * WCU) and the caller gets 429 problem+json with `Retry-After` (whole seconds until the next window).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { conditionFailed, ddb } from './db.ts';
import { tooManyRequests } from './problem.ts';

/** Items outlive their window by this much (TTL deletion is lazy; nothing reads old windows). */
const KEEP_SECONDS = 120;

const rateLimitKey = (platformId: string, epochSecond: number) => `RATE#${platformId}#${epochSecond}`;

/** Counts one request of `platformId` in the current window; 429 once the window holds `limit`. */
export const enforcePlatformRateLimit = async (platformId: string, now = Date.now(), limit = config.platformRateLimitPerSecond): Promise<void> => {
  if (!limit) return;
  const second = Math.floor(now / 1000);
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.idempotency,
        Key: { id: rateLimitKey(platformId, second) },
        UpdateExpression: 'ADD n :one SET expiration = if_not_exists(expiration, :exp)',
        ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': second + KEEP_SECONDS },
      }),
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    const retryAfter = Math.max(1, Math.ceil(((second + 1) * 1000 - now) / 1000));
    throw tooManyRequests(
      {
        detail: `每个平台每秒最多接受 ${limit} 个请求：请在 ${retryAfter} 秒后重试。`,
        detailEn: `At most ${limit} requests per second are accepted from a platform; retry after the window.`,
      },
      retryAfter,
    );
  }
};
