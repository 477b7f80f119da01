/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256) against Cognito's hosted sign-in: the authorize
 * URL, and the code exchanged at the token endpoint. The verifier and state live in sessionStorage between
 * the redirect and the callback.
 */
import type { AuthConfig } from './config.ts';

type Cognito = Extract<AuthConfig, { mode: 'cognito' }>;

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** 32 random bytes, base64url: a verifier of 43 characters (RFC 7636 §4.1). */
export const randomVerifier = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** BASE64URL(SHA-256(verifier)) (RFC 7636 §4.2, S256). */
export async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function authorizeUrl(config: Cognito, state: string, challenge: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scopes.join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${config.domain.replace(/\/$/, '')}/oauth2/authorize?${params}`;
}

/** The token endpoint's answer for the code; the console signs in with the `id_token`/`access_token`. */
export async function exchangeCode(
  config: Cognito,
  code: string,
  verifier: string,
  fetcher: typeof fetch = fetch,
): Promise<{ access_token: string; id_token?: string; refresh_token?: string }> {
  const response = await fetcher(`${config.domain.replace(/\/$/, '')}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()) as { access_token: string; id_token?: string; refresh_token?: string };
}

/** A new access token for the refresh token (grant `refresh_token`; a public client, so no secret). */
export async function refreshAccessToken(config: Cognito, refreshToken: string, fetcher: typeof fetch = fetch): Promise<string> {
  const response = await fetcher(`${config.domain.replace(/\/$/, '')}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: config.clientId, refresh_token: refreshToken }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

const PENDING = 'console.pkce';

/** Starts the sign-in: remembers verifier and state, then goes to the hosted UI. */
export async function beginSignIn(config: Cognito, storage: Storage = sessionStorage): Promise<string> {
  const verifier = randomVerifier();
  const state = randomVerifier();
  storage.setItem(PENDING, JSON.stringify({ verifier, state }));
  return authorizeUrl(config, state, await challengeOf(verifier));
}

/** Completes it on the callback: the state must be the one sent; the verifier is used once. */
export async function completeSignIn(
  config: Cognito,
  search: string,
  storage: Storage = sessionStorage,
  fetcher: typeof fetch = fetch,
): Promise<{ accessToken: string; refreshToken?: string }> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(storage.getItem(PENDING) ?? 'null') as { verifier: string; state: string } | null;
  storage.removeItem(PENDING);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) throw new Error('登录回调无效：请重新登录。');
  const tokens = await exchangeCode(config, code, pending.verifier, fetcher);
  return { accessToken: tokens.access_token, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
}
