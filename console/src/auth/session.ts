/** The signed-in person: a bearer token kept in sessionStorage (gone when the tab closes) and the claims it carries. */
export interface Claims {
  readonly sub: string;
  readonly role: string;
  readonly provinces?: readonly string[];
  readonly platformId?: string;
  readonly workerId?: string;
  readonly exp?: number;
}
export interface Session {
  readonly token: string;
  readonly claims: Claims;
}

const KEY = 'console.session';
/** Cognito's refresh token (code + PKCE sign-in only), for the tab too: person tokens live 5 minutes in AWS. */
const REFRESH_KEY = 'console.refresh';

/** The JWT's payload (not verified: the API verifies; the console only reads whom to show). */
export function claimsOf(token: string): Claims | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const value = JSON.parse(json) as Partial<Claims> & { 'cognito:groups'?: string[] };
    const role = value.role ?? value['cognito:groups']?.[0];
    if (typeof value.sub !== 'string' || typeof role !== 'string') return undefined;
    return { ...value, sub: value.sub, role } as Claims;
  } catch {
    return undefined;
  }
}

export function loadSession(storage: Storage = sessionStorage): Session | undefined {
  const token = storage.getItem(KEY);
  if (!token) return undefined;
  const claims = claimsOf(token);
  if (!claims || (claims.exp !== undefined && claims.exp * 1000 < Date.now())) {
    storage.removeItem(KEY);
    return undefined;
  }
  return { token, claims };
}

/** The role of the stored token, expired or not (which token endpoint renews it). */
export function storedRole(storage: Storage = sessionStorage): string | undefined {
  const token = storage.getItem(KEY);
  return token ? claimsOf(token)?.role : undefined;
}

export function saveSession(token: string, storage: Storage = sessionStorage, refreshToken?: string): Session | undefined {
  const claims = claimsOf(token);
  if (!claims) return undefined;
  storage.setItem(KEY, token);
  if (refreshToken) storage.setItem(REFRESH_KEY, refreshToken);
  return { token, claims };
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
  storage.removeItem(REFRESH_KEY);
}

/** Exchanges a refresh token for a new access token (Cognito's token endpoint); throws when refused. */
export type Refresher = (refreshToken: string) => Promise<string>;

let renewing: Promise<Session | undefined> | undefined;

/**
 * The session for the next request, its access token renewed first when it expires within `marginSeconds`
 * and a refresh token is kept (Cognito: 5-minute person tokens, docs/security.md "Identity in AWS"). Requests
 * made meanwhile share one renewal. A refused renewal (a disabled user) leaves the current token, which
 * ends at its `exp` like any other; the API's 401 then sends the person to the sign-in.
 */
export async function freshSession(
  refresh: Refresher | undefined,
  storage: Storage = sessionStorage,
  now: number = Date.now(),
  marginSeconds = 60,
): Promise<Session | undefined> {
  const token = storage.getItem(KEY);
  const refreshToken = storage.getItem(REFRESH_KEY);
  const exp = token ? claimsOf(token)?.exp : undefined;
  if (!refresh || !refreshToken || exp === undefined || exp * 1000 - now > marginSeconds * 1000) return loadSession(storage);
  renewing ??= refresh(refreshToken)
    .then((renewed) => saveSession(renewed, storage))
    .catch(() => undefined)
    .finally(() => {
      renewing = undefined;
    });
  return (await renewing) ?? loadSession(storage);
}
