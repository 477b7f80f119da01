/** The runtime configuration, `/config.json` (written at deploy time in AWS; `{ "auth": { "mode": "local" } }` locally). */
export type AuthConfig =
  | { readonly mode: 'local' }
  | {
      readonly mode: 'cognito';
      /** The hosted UI's domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
      readonly domain: string;
      readonly clientId: string;
      readonly redirectUri: string;
      readonly scopes: readonly string[];
    };
/** The workers' user pool (phone and SMS code, auth/worker-sign-in.ts): its region and public app client. */
export interface WorkerAuth {
  readonly region: string;
  readonly clientId: string;
}
export interface ConsoleConfig {
  readonly apiUrl?: string;
  readonly auth: AuthConfig;
  /** In AWS: riders sign in with their phone number and an SMS code. */
  readonly workerAuth?: WorkerAuth;
}

const LOCAL: ConsoleConfig = { auth: { mode: 'local' } };

/**
 * The configuration from `/config.json` as the stack writes it (lib/constructs/console-hosting.ts
 * `ConsoleRuntimeConfig`: `{ stage, apiUrl, auth: { domain, clientId, scopes, redirectUris, logoutUris } }`):
 * Cognito's hosted sign-in, redirecting to the callback on this console's own origin. Anything else
 * (no file locally, or `{ "auth": { "mode": "local" } }`) is the development sign-in.
 */
export function parseConfig(json: unknown, origin: string): ConsoleConfig {
  const c = json as {
    apiUrl?: unknown;
    auth?: { domain?: unknown; clientId?: unknown; scopes?: unknown; redirectUris?: unknown };
    workerAuth?: { region?: unknown; clientId?: unknown };
  } | null;
  const auth = c?.auth;
  if (!auth || typeof auth.domain !== 'string' || typeof auth.clientId !== 'string' || !Array.isArray(auth.redirectUris)) return LOCAL;
  const redirects = auth.redirectUris.filter((u): u is string => typeof u === 'string');
  const redirectUri = redirects.find((u) => u.startsWith(`${origin}/`)) ?? redirects[0];
  if (!redirectUri) return LOCAL;
  const worker = c?.workerAuth;
  return {
    ...(typeof c?.apiUrl === 'string' ? { apiUrl: c.apiUrl } : {}),
    ...(typeof worker?.region === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(worker.region) && typeof worker.clientId === 'string'
      ? { workerAuth: { region: worker.region, clientId: worker.clientId } }
      : {}),
    auth: {
      mode: 'cognito',
      domain: auth.domain,
      clientId: auth.clientId,
      redirectUri,
      scopes: Array.isArray(auth.scopes) ? auth.scopes.filter((x): x is string => typeof x === 'string') : ['openid'],
    },
  };
}

export async function loadConfig(fetcher: typeof fetch = fetch, origin: string = globalThis.location?.origin ?? ''): Promise<ConsoleConfig> {
  try {
    const response = await fetcher('/config.json', { cache: 'no-store' });
    if (response.ok) return parseConfig(await response.json(), origin);
  } catch {
    // no config: local defaults
  }
  return LOCAL;
}
