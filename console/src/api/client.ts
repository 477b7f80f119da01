/**
 * The typed API client: openapi-fetch over the paths generated from openapi/openapi.json
 * (`npm run console:schema`), so a contract change breaks the console's type-check, not its users.
 * Same origin by default (npm start serves console and API together); `apiUrl` in config.json otherwise.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { clearSession, freshSession, type Refresher } from '../auth/session.ts';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Case = Schemas['Case'];

let baseUrl = '';
let refresher: Refresher | undefined;

const auth: Middleware = {
  async onRequest({ request }) {
    const session = await freshSession(refresher);
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && !location.pathname.startsWith('/sign-in')) {
      clearSession();
      location.assign('/sign-in');
    }
    return response;
  },
};

const clientFor = (url: string) => {
  const client = createClient<paths>({ baseUrl: url });
  client.use(auth);
  return client;
};
export let api = clientFor('');

/**
 * Points the client at the API of the runtime configuration (config.json `apiUrl`; same origin without one)
 * and, with Cognito, at the renewal of its short-lived access tokens.
 */
export function configureApi(url: string | undefined, refresh?: Refresher): void {
  baseUrl = url?.replace(/\/$/, '') ?? '';
  refresher = refresh;
  api = clientFor(baseUrl);
}

/** A file from the API (a bank file) with the token, saved through a blob link: a plain link would carry no token. */
export async function download(path: string, fileName: string): Promise<Problem | undefined> {
  const session = await freshSession(refresher);
  const response = await fetch(baseUrl + path, { headers: session ? { authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) return (await response.json()) as Problem;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return undefined;
}
