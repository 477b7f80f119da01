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

export function saveSession(token: string, storage: Storage = sessionStorage): Session | undefined {
  const claims = claimsOf(token);
  if (!claims) return undefined;
  storage.setItem(KEY, token);
  return { token, claims };
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(KEY);
}
