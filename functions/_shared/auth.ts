/**
 * The caller, from the claims the API's Lambda authorizer verified (functions/authorizer, run by API
 * Gateway in AWS and by the local adapter locally) and handed over in `requestContext.authorizer.lambda`.
 * Role checks answer 403; visibility checks answer 404 so that nothing reveals another party's data.
 * The role lists are named once, in manifest/identity.ts.
 */
import { ROLES, type Role, STAFF_ROLES } from '../../manifest/identity.ts';
import { forbidden, notFound, unauthorized } from './problem.ts';
import * as z from './zod.ts';

export { type Role, STAFF_ROLES } from '../../manifest/identity.ts';

export interface Principal {
  readonly sub: string;
  readonly role: Role;
  readonly platformId?: string;
  readonly workerId?: string;
  readonly provinces: readonly string[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/** The authorizer renders array claims as a string like "[110000 310000]"; tests may pass real arrays. */
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
  if (!role.success) throw forbidden('CLAIMS_INCOMPLETE', { detail: '令牌没有可识别的角色（role）。', detailEn: 'The token carries no known role.' });
  const platformId = (claims.platformId ?? claims['custom:platformId']) as string | undefined;
  const workerId = (claims.workerId ?? claims['custom:workerId']) as string | undefined;
  if (role.data === 'platform' && !platformId)
    throw forbidden('CLAIMS_INCOMPLETE', { detail: '平台令牌须注明其平台（platformId）。', detailEn: 'A platform token must name its platform.' });
  if (role.data === 'worker' && !workerId)
    throw forbidden('CLAIMS_INCOMPLETE', { detail: '劳动者令牌须注明其劳动者（workerId）。', detailEn: 'A worker token must name its worker.' });
  return {
    sub: claims.sub,
    role: role.data,
    ...(platformId ? { platformId: String(platformId) } : {}),
    ...(workerId ? { workerId: String(workerId) } : {}),
    provinces: asList(claims.provinces ?? claims['custom:provinces']),
  };
};

export const isStaff = (p: Principal): boolean => (STAFF_ROLES as readonly Role[]).includes(p.role);

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
