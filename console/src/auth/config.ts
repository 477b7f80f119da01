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
export interface ConsoleConfig {
  readonly apiUrl?: string;
  readonly auth: AuthConfig;
}

export async function loadConfig(fetcher: typeof fetch = fetch): Promise<ConsoleConfig> {
  try {
    const response = await fetcher('/config.json', { cache: 'no-store' });
    if (response.ok) return (await response.json()) as ConsoleConfig;
  } catch {
    // no config: local defaults
  }
  return { auth: { mode: 'local' } };
}
