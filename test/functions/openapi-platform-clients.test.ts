/** /openapi.json documents the app client credentials (a contract extension) and the re-issue route. */
import { describe, expect, it } from 'vitest';
import { bodyOf, httpEvent, lambdaContext } from '../support/events.ts';

const { handler } = await import('../../functions/public/handler.ts');
const doc = bodyOf(await handler(httpEvent('GET /openapi.json'), lambdaContext));

/** Follows a `$ref` into components.schemas. */
const schemaOf = (schema: { $ref?: string }) => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema);

describe('OpenAPI: platform app clients', () => {
  it('POST /v1/platforms answers 201 with the platform plus clientId and clientSecret, both required', () => {
    const created = doc.paths['/v1/platforms'].post.responses['201'].content['application/json'].schema;
    const schema = schemaOf(created);
    expect(schema.properties).toHaveProperty('platformId');
    expect(schema.properties).toHaveProperty('clientId');
    expect(schema.properties).toHaveProperty('clientSecret');
    expect(schema.required).toEqual(expect.arrayContaining(['platformId', 'clientId', 'clientSecret']));
    expect(schema.properties.clientSecret.description).toMatch(/in this response only/);
  });

  it('GET /v1/platforms/{platformId} never documents a secret', () => {
    const schema = schemaOf(doc.paths['/v1/platforms/{platformId}'].get.responses['200'].content['application/json'].schema);
    expect(schema.properties).not.toHaveProperty('clientSecret');
  });

  it('documents POST /v1/platforms/{platformId}/client: 201 with new credentials, 401/403/404/409 problems', () => {
    const operation = doc.paths['/v1/platforms/{platformId}/client'].post;
    const schema = schemaOf(operation.responses['201'].content['application/json'].schema);
    expect(schema.required).toEqual(expect.arrayContaining(['platformId', 'clientId', 'clientSecret']));
    for (const status of ['401', '403', '404', '409']) expect(operation.responses[status].content).toHaveProperty('application/problem+json');
    expect(operation.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('path:platformId');
  });
});
