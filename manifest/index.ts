/**
 * The manifest: plain data (no AWS SDK, no CDK) that lib/, functions/ and local/ all read — tables,
 * functions and what each may touch, routes, state machines, schedules, identity and API limits.
 * docs/architecture.md ("Manifest") explains it.
 */
export * from './api.ts';
export * from './buckets.ts';
export * from './env.ts';
export * from './functions.ts';
export * from './identity.ts';
export * from './routes.ts';
export * from './schedules.ts';
export * from './state-machines.ts';
export * from './tables.ts';
export * from './events.ts';
