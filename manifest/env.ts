/**
 * Which environment variables each function receives, derived from its manifest entry: the names the CDK
 * stack sets (lib/) and the only ones the local runtime passes (local/function-env.ts). Values are the
 * deployer's business (table names, ARNs, keys); names are decided here and read by
 * functions/_shared/config.ts.
 */
import { AUDIT_ANCHOR_ENV, AUDIT_MAC_ENV } from './audit.ts';
import { BUCKETS, type BucketId, LOCAL_S3_ENV } from './buckets.ts';
import { EVENT_BUS_ENV, QUEUES, type QueueId } from './events.ts';
import { ALL_FUNCTIONS, type AnyFunctionName, type FunctionSpec, SETTINGS, type SettingName } from './functions.ts';
import { PII_ENV } from './pii.ts';
import { STATE_MACHINES } from './state-machines.ts';
import { TABLES, tableById } from './tables.ts';

/**
 * The encryption context the PII data key is bound to (functions/_shared/pii.ts `piiDataKeyContext`; a test
 * keeps the two equal).
 */
export const piiDataKeyContext = (stage: string): Record<string, string> => ({
  purpose: 'pii-data-key',
  service: 'platform-injury-claims',
  stage,
});

/** Every env var name that is granted per function (a function without the grant does not get it). */
export const GRANTED_ENV: readonly string[] = [
  ...TABLES.map((t) => t.envVar),
  ...Object.values(BUCKETS).map((b) => b.envVar),
  ...LOCAL_S3_ENV,
  ...Object.values(STATE_MACHINES).map((sm) => sm.envVar),
  ...PII_ENV,
  ...AUDIT_MAC_ENV,
  ...AUDIT_ANCHOR_ENV,
  EVENT_BUS_ENV,
  ...Object.values(QUEUES).map((q) => q.envVar),
  ...(Object.keys(SETTINGS) as SettingName[]),
];

/** The settings of a function, with the rate limit of every platform-facing function. */
export const settingsOf = (spec: FunctionSpec): SettingName[] => [
  ...(spec.platformFacing ? (['PLATFORM_RATE_LIMIT_PER_SECOND'] as const) : []),
  ...(spec.settings ?? []),
];

/** The granted env var names a function receives, each with the grant that brings it. */
export const grantedEnvOf = (name: AnyFunctionName): ReadonlyMap<string, string> => {
  const spec = ALL_FUNCTIONS[name];
  const env = new Map<string, string>();
  for (const [id, access] of Object.entries(spec.tables)) env.set(tableById(id as never).envVar, `tables.${id}: ${access}`);
  for (const [id, access] of Object.entries(spec.buckets ?? {})) env.set(BUCKETS[id as BucketId].envVar, `buckets.${id}: ${access}`);
  // The local S3 endpoint (local runtime only; unset in AWS) goes with any bucket grant.
  if (Object.keys(spec.buckets ?? {}).length > 0) for (const key of LOCAL_S3_ENV) env.set(key, 'buckets (local S3 endpoint)');
  for (const id of spec.starts ?? []) env.set(STATE_MACHINES[id].envVar, `starts: ${id}`);
  if (spec.pii) for (const key of PII_ENV) env.set(key, 'pii');
  if (spec.audit === 'chain') for (const key of AUDIT_MAC_ENV) env.set(key, 'audit: chain');
  if (spec.audit === 'anchor') {
    for (const key of AUDIT_ANCHOR_ENV) env.set(key, 'audit: anchor');
    // The anchor bucket is reached through the local S3 endpoint locally (unset in AWS).
    for (const key of LOCAL_S3_ENV) env.set(key, 'audit: anchor (local S3 endpoint)');
  }
  if (spec.publishes) env.set(EVENT_BUS_ENV, 'publishes');
  for (const [id, access] of Object.entries(spec.queues ?? {})) env.set(QUEUES[id as QueueId].envVar, `queues.${id}: ${access}`);
  for (const setting of settingsOf(spec)) env.set(setting, `settings: ${setting}`);
  return env;
};
