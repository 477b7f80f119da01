/**
 * What a generator needs from the document: a unique camelCase operationId and a tag on every operation,
 * the OAuth2 scheme(s) of who may call it (public routes none), servers, and an example of every request
 * body and every 2xx response body that the operation's own zod schema accepts (so a request example is
 * one the API takes, refinements such as check digits included). Every problem response is problem+json.
 */
import { describe, expect, it } from 'vitest';
import { ROUTES, routeKey } from '../../../manifest/routes.ts';
import { PLATFORM_SCOPE } from '../../../manifest/identity.ts';
import { OPERATIONS, openApiDocument } from '../../../functions/public/openapi.ts';
import type * as z from '../../../functions/_shared/zod.ts';

const doc = openApiDocument() as any;
const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
);

type Media = { schema: z.ZodMiniType; example?: unknown };
const jsonBodies = Object.entries(OPERATIONS).flatMap(([key, op]) => {
  const request = (op.requestBody as { content?: Record<string, Media> } | undefined)?.content?.['application/json'];
  const responses = Object.entries(op.responses as unknown as Record<string, { content?: Record<string, Media> }>)
    .filter(([status]) => status.startsWith('2'))
    .flatMap(([status, r]) => (r.content?.['application/json'] ? [[`${key} → ${status}`, r.content['application/json']] as const] : []));
  return [...(request ? [[`${key} request`, request] as const] : []), ...responses];
});

describe('OpenAPI operations', () => {
  it('has one operation per route', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('gives every operation a unique camelCase operationId and one tag of the document', () => {
    const ids = operations.map((o) => o.operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    for (const { key, operation } of operations) {
      expect(operation.tags, key).toHaveLength(1);
      expect(tags.has(operation.tags[0]), key).toBe(true);
    }
  });

  it('names the caller: public routes none, platform-only routes the client-credentials scope, the rest people', () => {
    const byKey = Object.fromEntries(operations.map((o) => [o.key, o.operation]));
    for (const route of ROUTES) {
      const security = byKey[routeKey(route)].security;
      if (!route.auth) expect(security, routeKey(route)).toEqual([]);
      else expect(security.length, routeKey(route)).toBeGreaterThan(0);
    }
    expect(byKey['POST /v1/platforms/{platformId}/orders'].security).toEqual([{ platformClientCredentials: [PLATFORM_SCOPE] }]);
    expect(byKey['POST /v1/cases/{caseId}/approval'].security).toEqual([{ peopleAuthorizationCode: [] }]);
    expect(byKey['POST /v1/cases'].security).toEqual([{ platformClientCredentials: [PLATFORM_SCOPE] }, { peopleAuthorizationCode: [] }]);
    const { platformClientCredentials, peopleAuthorizationCode } = doc.components.securitySchemes;
    expect(platformClientCredentials.flows.clientCredentials.tokenUrl).toMatch(/\/oauth2\/token$/);
    expect(Object.keys(platformClientCredentials.flows.clientCredentials.scopes)).toEqual([PLATFORM_SCOPE]);
    expect(peopleAuthorizationCode.flows.authorizationCode.authorizationUrl).toMatch(/\/oauth2\/authorize$/);
  });

  it('lists the local server and a templated deployed one', () => {
    expect(doc.servers.map((s: { url: string }) => s.url)).toEqual(['http://127.0.0.1:3000', 'https://{apiId}.execute-api.{region}.{dnsSuffix}']);
  });

  it('describes every 4xx as problem+json', () => {
    for (const { key, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        if (status.startsWith('4')) expect(Object.keys(response.content), `${key} ${status}`).toEqual(['application/problem+json']);
      }
    }
  });

  it.each(jsonBodies)('%s: has an example its zod schema accepts', (_, media) => {
    expect(media.example).toBeDefined();
    const parsed = media.schema.safeParse(media.example);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
