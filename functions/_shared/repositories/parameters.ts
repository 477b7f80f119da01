/**
 * Parameter versions (contract: Parameters). Key: PARAM#{name} / {scopeKey}#{effectiveFrom}.
 * History is append-only: a version is created once with a conditional put and never edited; the put and
 * its audit record are one transaction (audit.ts `commitAudited`).
 * The national defaults of D4, D5 and D9 are seeded from the rules core and behave as stored versions.
 */
import { NATIONAL_DEFAULT_PARAMETERS, scopeKey, type ParameterName, type ParameterScope, type ParameterVersion } from '../../../core/index.ts';
import { commitAudited, type AuditEntry } from '../audit.ts';
import { config } from '../config.ts';
import { conditionFailed, queryAll } from '../db.ts';

const sortKey = (v: Pick<ParameterVersion, 'scope' | 'effectiveFrom'>) => `${scopeKey(v.scope)}#${v.effectiveFrom}`;

const cleanScope = (scope: ParameterScope): ParameterScope => ({
  ...(scope.platformId ? { platformId: scope.platformId } : {}),
  ...(scope.province ? { province: scope.province } : {}),
  ...(scope.industry ? { industry: scope.industry } : {}),
});

export type AddResult = { outcome: 'created' | 'replayed'; version: ParameterVersion } | { outcome: 'conflict'; existing: ParameterVersion };

const sameVersion = (a: ParameterVersion, b: ParameterVersion) => a.name === b.name && sortKey(a) === sortKey(b);

/** Versions change rarely and are read on hot paths (coverage): cached per container for a minute. */
const PARAMETER_CACHE_TTL_MS = 60_000;
const cache = new Map<ParameterName, { at: number; versions: Promise<ParameterVersion[]> }>();

export const parametersRepository = {
  /** Like `versions`, from a per-container cache at most PARAMETER_CACHE_TTL_MS old. */
  cachedVersions(name: ParameterName, nowMs = Date.now()): Promise<ParameterVersion[]> {
    const hit = cache.get(name);
    if (hit && nowMs - hit.at < PARAMETER_CACHE_TTL_MS) return hit.versions;
    const versions = this.versions(name);
    cache.set(name, { at: nowMs, versions });
    versions.catch(() => cache.delete(name));
    return versions;
  },

  /** Every version of a parameter: seeded defaults plus stored versions (stored ones win on the same key). */
  async versions(name: ParameterName): Promise<ParameterVersion[]> {
    const items = await queryAll({
      TableName: config.tables.registry,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PARAM#${name}` },
    });
    const stored: ParameterVersion[] = items.map((item) => ({
      name,
      scope: item.scope as ParameterScope,
      effectiveFrom: item.effectiveFrom as string,
      value: item.value as number,
    }));
    const seeded = NATIONAL_DEFAULT_PARAMETERS.filter((v) => v.name === name && !stored.some((s) => sameVersion(s, v)));
    return [...seeded, ...stored];
  },

  /**
   * Creates a version with the audit record `auditOf(version)` in one transaction. The same version
   * re-sent with the same value is a replay (nothing written, no record); with another value, a conflict.
   */
  async add(version: ParameterVersion, actor: string, now: Date, auditOf: (version: ParameterVersion) => AuditEntry): Promise<AddResult> {
    const v: ParameterVersion = { ...version, scope: cleanScope(version.scope) };
    const seeded = NATIONAL_DEFAULT_PARAMETERS.find((s) => sameVersion(s, v));
    if (seeded) return seeded.value === v.value ? { outcome: 'replayed', version: seeded } : { outcome: 'conflict', existing: seeded };
    try {
      await commitAudited(
        {
          items: [
            {
              Put: {
                TableName: config.tables.registry,
                Item: { pk: `PARAM#${v.name}`, sk: sortKey(v), type: 'Parameter', ...v, createdAt: now.toISOString(), createdBy: actor },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
          entry: auditOf(v),
        },
        now,
      );
      cache.delete(v.name);
      return { outcome: 'created', version: v };
    } catch (error) {
      if (!conditionFailed(error, 0)) throw error;
      const existing = (await this.versions(v.name)).find((s) => sameVersion(s, v));
      if (existing && existing.value === v.value) return { outcome: 'replayed', version: existing };
      return { outcome: 'conflict', existing: existing ?? v };
    }
  },
};
