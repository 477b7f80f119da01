/**
 * The caller, from the JWT claims that API Gateway's authorizer (or the local adapter) verified.
 * Role checks answer 403; visibility checks answer 404 so that nothing reveals another party's data.
 */
import { forbidden, notFound, unauthorized } from './problem.ts';
import * as z from './zod.ts';

export const ROLES = ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES: readonly Role[] = ['handler', 'reviewer', 'assessor', 'admin'];

export interface Principal {
  readonly sub: string;
  readonly role: Role;
  readonly platformId?: string;
  readonly workerId?: string;
  readonly provinces: readonly string[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/** API Gateway passes array claims as a string like "[110000 310000]"; tokens may also carry real arrays. */
const asList = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  const trimmed = value.trim().replace(/^\[|\]$/g, '');
  return trimmed.split(/[\s,]+/).filter(Boolean);
};

const RoleSchema = z.enum(ROLES);

export const principalFromClaims = (claims: Claims | undefined): Principal => {
  if (!claims || typeof claims.sub !== 'string' || claims.sub.length === 0) throw unauthorized();
  const groups = asList(claims['cognito:groups']);
  const roleClaim = claims.role ?? claims['custom:role'] ?? groups.find((g) => RoleSchema.safeParse(g).success);
  const role = RoleSchema.safeParse(roleClaim);
  if (!role.success) throw forbidden('The token carries no known role.');
  const platformId = (claims.platformId ?? claims['custom:platformId']) as string | undefined;
  const workerId = (claims.workerId ?? claims['custom:workerId']) as string | undefined;
  if (role.data === 'platform' && !platformId) throw forbidden('A platform token must name its platform.');
  if (role.data === 'worker' && !workerId) throw forbidden('A worker token must name its worker.');
  return {
    sub: claims.sub,
    role: role.data,
    ...(platformId ? { platformId: String(platformId) } : {}),
    ...(workerId ? { workerId: String(workerId) } : {}),
    provinces: asList(claims.provinces ?? claims['custom:provinces']),
  };
};

export const isStaff = (p: Principal): boolean => STAFF_ROLES.includes(p.role);

/** 403 unless the caller has one of the roles. */
export const requireRole = (p: Principal, roles: readonly Role[]): void => {
  if (!roles.includes(p.role)) throw forbidden();
};

/** 404 unless a platform caller is that platform (admins pass). */
export const requirePlatformVisible = (p: Principal, platformId: string): void => {
  if (p.role === 'admin') return;
  if (p.role === 'platform' && p.platformId === platformId) return;
  throw notFound();
};
