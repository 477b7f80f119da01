/**
 * Pre-token-generation trigger (event version V2_0) of the staff pool and the workers' pool: puts the
 * contract's claims into the **access token** — the token the API's authorizer reads — and the ID token:
 *
 * - `role`: the user's one role group (`cognito:groups` ∩ PERSON_ROLES). None, or more than one, refuses the
 *   sign-in: a person acts in one role, and a token without a role would be useless (403) anyway;
 * - `provinces` (province roles: staff and finance): `custom:provinces`, 6-digit GB/T 2260 codes separated
 *   by commas or spaces, as an array of strings; a malformed code refuses the sign-in. None: no claim (the
 *   user sees no province's data; an administrator without provinces still manages platforms and parameters);
 * - `workerId` (workers): `custom:workerId`; missing refuses the sign-in.
 *
 * Runs at every sign-in and every refresh, so a change of group or provinces reaches the next token, at the
 * latest after PERSON_ACCESS_TOKEN_SECONDS. Logs the outcome and the user's `sub`, never attributes.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { PERSON_ROLES, PROVINCE_ROLES, type Role } from '../../manifest/identity.ts';
import { logger } from '../_shared/observability.ts';

const PROVINCE = /^\d{6}$/;
const IDENTIFIER = /^[A-Za-z0-9._:-]{1,64}$/;

/** The claims of a person's tokens, or the reason the sign-in is refused. */
type PersonClaims = { readonly role: Role; readonly provinces?: readonly string[]; readonly workerId?: string };

const personClaims = (groups: readonly string[], attributes: Readonly<Record<string, string | undefined>>): PersonClaims | { refused: string } => {
  const roles = [...new Set(groups.filter((group): group is Role => (PERSON_ROLES as readonly string[]).includes(group)))];
  if (roles.length !== 1) return { refused: roles.length === 0 ? 'no role group' : 'more than one role group' };
  const role = roles[0]!;
  if ((PROVINCE_ROLES as readonly string[]).includes(role)) {
    const provinces = [...new Set((attributes['custom:provinces'] ?? '').split(/[\s,]+/).filter(Boolean))];
    if (!provinces.every((code) => PROVINCE.test(code))) return { refused: 'provinces not 6-digit codes' };
    return provinces.length > 0 ? { role, provinces } : { role };
  }
  const workerId = attributes['custom:workerId'];
  if (!workerId || !IDENTIFIER.test(workerId)) return { refused: 'workerId missing or malformed' };
  return { role, workerId };
};

class SignInRefused extends Error {
  override readonly name = 'SignInRefused';
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const attributes = event.request.userAttributes ?? {};
  const claims = personClaims(event.request.groupConfiguration?.groupsToOverride ?? [], attributes);
  const sub = attributes.sub;
  if ('refused' in claims) {
    logger.warn('Sign-in refused: the user has no usable role', { reason: claims.refused, sub, userPoolId: event.userPoolId, trigger: event.triggerSource });
    // Cognito answers the sign-in with an error; the message reaches the app (Chinese, users read it).
    throw new SignInRefused('账号未分配唯一角色或所需属性（省份/劳动者编号），请联系管理员。');
  }
  // Cognito's claim values are strings, numbers, booleans or string arrays; the types say strings only.
  const claimsToAddOrOverride = { ...claims } as unknown as Record<string, string>;
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride },
      accessTokenGeneration: { claimsToAddOrOverride },
    },
  };
  logger.info('Person claims added to the tokens', { role: claims.role, sub, trigger: event.triggerSource });
  return event;
};
