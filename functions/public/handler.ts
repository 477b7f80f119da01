/** Route group `public`: GET /health and GET /openapi.json, without authentication. */
import { httpHandler } from '../_shared/http.ts';
import { openApiDocument } from './openapi.ts';

let document: unknown;

export const handler = httpHandler({
  'GET /health': async () => ({ status: 200, body: { status: 'ok' } }),
  'GET /openapi.json': async () => ({ status: 200, body: (document ??= openApiDocument()) }),
});
