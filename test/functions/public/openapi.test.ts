/** /openapi.json documents the app client credentials (a contract extension) and the re-issue route. */
import { describe, expect, it } from 'vitest';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const { handler } = await import('../../../functions/public/handler.ts');
const doc = bodyOf(await handler(httpEvent('GET /openapi.json'), lambdaContext));

/** Follows a `$ref` into components.schemas. */
const schemaOf = (schema: { $ref?: string }) => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema);

describe('OpenAPI: platform app clients', () => {
  it('POST /v1/platforms answers 201 with the platform plus clientId (required) and clientSecret (first response only)', () => {
    const created = doc.paths['/v1/platforms'].post.responses['201'].content['application/json'].schema;
    const schema = schemaOf(created);
    expect(schema.properties).toHaveProperty('platformId');
    expect(schema.properties).toHaveProperty('clientId');
    expect(schema.properties).toHaveProperty('clientSecret');
    expect(schema.required).toEqual(expect.arrayContaining(['platformId', 'clientId']));
    expect(schema.required).not.toContain('clientSecret');
    expect(schema.properties.clientSecret.description).toMatch(/first response only/);
  });

  it('GET /v1/platforms/{platformId} never documents a secret', () => {
    const schema = schemaOf(doc.paths['/v1/platforms/{platformId}'].get.responses['200'].content['application/json'].schema);
    expect(schema.properties).not.toHaveProperty('clientSecret');
  });

  it('documents POST /v1/platforms/{platformId}/client: 201 with new credentials, 401/403/404/409 problems', () => {
    const operation = doc.paths['/v1/platforms/{platformId}/client'].post;
    const schema = schemaOf(operation.responses['201'].content['application/json'].schema);
    expect(schema.required).toEqual(expect.arrayContaining(['platformId', 'clientId']));
    expect(schema.properties).toHaveProperty('clientSecret');
    for (const status of ['401', '403', '404', '409']) expect(operation.responses[status].content).toHaveProperty('application/problem+json');
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('path:platformId');
  });

  it("documents the per-platform rate limit (429) on every authenticated route, and coverage's 422", () => {
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: object }> }>>,
    )) {
      for (const method of ['get', 'put', 'post', 'delete'] as const) {
        const operation = item[method];
        if (!operation || operation.security?.length === 0) continue; // public: /health, /openapi.json
        expect(operation.responses['429']?.content, path).toHaveProperty('application/problem+json');
      }
    }
    expect(doc.paths['/v1/workers/{workerId}/coverage'].get.responses['422'].content).toHaveProperty('application/problem+json');
  });
});
