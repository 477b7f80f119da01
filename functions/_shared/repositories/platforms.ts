/**
 * Platform registry: profile items, the credit-code uniqueness guard and province enrolment.
 * Keys (docs/data-model.md): PLATFORM#{platformId} / PROFILE and CREDITCODE#{code} / CREDITCODE.
 * Every change is committed with its audit record in one transaction (audit.ts `commitAudited`).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Industry } from '../../../core/index.ts';
import { commitAudited, type AuditEntry, type TransactItem } from '../audit.ts';
import { config } from '../config.ts';
import { conditionFailed, ddb, queryAll } from '../db.ts';

export interface ProvinceEnrolment {
  readonly code: string;
  readonly joinedOn: string;
}

export interface Platform {
  readonly platformId: string;
  readonly name: string;
  readonly creditCode: string;
  readonly industries: readonly Industry[];
  readonly provinces: readonly ProvinceEnrolment[];
  readonly createdAt: string;
  readonly version: number;
}

const profileKey = (platformId: string) => ({ pk: `PLATFORM#${platformId}`, sk: 'PROFILE' });
const directoryKey = (platformId: string) => ({ pk: 'PLATFORMS', sk: platformId });
const creditKey = (code: string) => ({ pk: `CREDITCODE#${code}`, sk: 'CREDITCODE' });

export class DuplicateCreditCode extends Error {
  override readonly name = 'DuplicateCreditCode';
}
export class StaleVersion extends Error {
  override readonly name = 'StaleVersion';
}

const fromItem = (item: Record<string, unknown>): Platform => ({
  platformId: item.platformId as string,
  name: item.name as string,
  creditCode: item.creditCode as string,
  industries: item.industries as Industry[],
  provinces: item.provinces as ProvinceEnrolment[],
  createdAt: item.createdAt as string,
  version: item.version as number,
});

/**
 * Profiles change rarely (a province joined a few times a year) and are read on hot paths (coverage):
 * `cached` keeps a found profile per container for at most PLATFORM_CACHE_TTL_MS. Staleness bound: a
 * change made through another container is seen by this one within that time; changes made through this
 * container (create, setProvinces) drop its entry at once. Misses are not cached.
 */
export const PLATFORM_CACHE_TTL_MS = 60_000;
const MAX_CACHED_PLATFORMS = 1_000;
const cache = new Map<string, { at: number; platform: Promise<Platform | undefined> }>();

export const platformsRepository = {
  /** Like `get`, from a per-container cache at most PLATFORM_CACHE_TTL_MS old (found profiles only). */
  cached(platformId: string, nowMs = Date.now()): Promise<Platform | undefined> {
    const hit = cache.get(platformId);
    if (hit && nowMs - hit.at < PLATFORM_CACHE_TTL_MS) return hit.platform;
    if (cache.size >= MAX_CACHED_PLATFORMS) cache.clear();
    const platform = this.get(platformId);
    const entry = { at: nowMs, platform };
    cache.set(platformId, entry);
    const forget = () => {
      if (cache.get(platformId) === entry) cache.delete(platformId);
    };
    platform.then((p) => p === undefined && forget(), forget);
    return platform;
  },

  /**
   * Writes the credit-code guard and the profile, plus `with` (the client binding of a registration) and
   * the audit record, in one transaction. A credit code already registered → DuplicateCreditCode, and
   * nothing is written.
   */
  async create(platform: Platform, audit: AuditEntry, now: Date, options: { with?: readonly TransactItem[] } = {}): Promise<void> {
    cache.delete(platform.platformId);
    try {
      await commitAudited(
        {
          items: [
            {
              Put: {
                TableName: config.tables.registry,
                Item: { ...creditKey(platform.creditCode), platformId: platform.platformId },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: config.tables.registry,
                Item: { ...profileKey(platform.platformId), type: 'Platform', ...platform },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...(options.with ?? []),
            // The directory of platforms (the month close walks it, D19): one small item per platform.
            { Put: { TableName: config.tables.registry, Item: { ...directoryKey(platform.platformId), platformId: platform.platformId } } },
          ],
          entry: audit,
        },
        now,
      );
    } catch (error) {
      if (conditionFailed(error, 0)) {
        throw new DuplicateCreditCode(platform.creditCode);
      }
      throw error;
    }
  },

  /** Every platform's id, from the directory (PLATFORMS / {platformId}): one Query, never a scan. */
  async ids(): Promise<string[]> {
    const items = await queryAll({
      TableName: config.tables.registry,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'PLATFORMS' },
      ProjectionExpression: 'platformId',
    });
    return items.map((i) => i.platformId as string);
  },

  async get(platformId: string, consistent = false): Promise<Platform | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: profileKey(platformId), ConsistentRead: consistent }));
    return Item ? fromItem(Item) : undefined;
  },

  /**
   * Replaces the province list if nobody changed the platform since `current` was read (its version), with
   * the audit record in the same transaction. Another change meanwhile → StaleVersion, and nothing is written.
   */
  async setProvinces(current: Platform, provinces: readonly ProvinceEnrolment[], audit: AuditEntry, now: Date): Promise<Platform> {
    const { platformId, version } = current;
    cache.delete(platformId);
    try {
      await commitAudited(
        {
          items: [
            {
              Update: {
                TableName: config.tables.registry,
                Key: profileKey(platformId),
                UpdateExpression: 'SET provinces = :p, version = :next',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: { ':p': provinces, ':next': version + 1, ':expected': version },
              },
            },
          ],
          entry: audit,
        },
        now,
      );
      return { ...current, provinces: [...provinces], version: version + 1 };
    } catch (error) {
      if (conditionFailed(error, 0)) throw new StaleVersion(platformId);
      throw error;
    } finally {
      cache.delete(platformId); // a read racing the update may have cached the old profile meanwhile
    }
  },
};
