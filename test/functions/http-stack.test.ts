/** The shared middy stack: error precedence, guards and problem+json, on a real route group with a mocked DynamoDB. */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../support/events.ts';
import { platformBody } from '../support/fixtures.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const ddb = mockClient(DynamoDBDocumentClient);
let platforms: typeof import('../../functions/platforms/handler.ts').handler;
let publicRoutes: typeof import('../../functions/public/handler.ts').handler;
const admin = { sub: 'admin-1', role: 'admin' };

beforeAll(async () => {
  ({ handler: platforms } = await import('../../functions/platforms/handler.ts'));
  ({ handler: publicRoutes } = await import('../../functions/public/handler.ts'));
});
beforeEach(() => ddb.reset());

const create = (options: Parameters<typeof httpEvent>[1]) => platforms(httpEvent('POST /v1/platforms', options), lambdaContext);

describe('the HTTP middy stack', () => {
  it('answers 401 without a subject and 403 for a token with no known role', async () => {
    expect((await create({ body: platformBody() })).statusCode).toBe(401);
    expect((await create({ claims: { sub: 'x', role: 'superuser' }, body: platformBody() })).statusCode).toBe(403);
  });

  it('checks the role before the body: 403 wins over 400 (contract: error precedence)', async () => {
    const res = await create({ claims: { sub: 'w', role: 'worker', workerId: 'wkr_1' }, body: '{broken' });
    expect(res.statusCode).toBe(403);
  });

  it('answers 400 problem+json for malformed JSON with the JSON content type', async () => {
    const res = await create({ claims: admin, body: '{broken' });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toContain('application/problem+json');
    expect(bodyOf(res)).toMatchObject({ status: 400, title: 'Bad Request', detail: 'Malformed JSON.' });
  });

  it('answers 415 for another content type and 413 over 1 MiB, without calling DynamoDB', async () => {
    const typed = await create({ claims: admin, body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(typed.statusCode).toBe(415);
    const big = await create({ claims: admin, body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) });
    expect(big.statusCode).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses a malformed Idempotency-Key (400) naming the header', async () => {
    const res = await create({ claims: admin, body: platformBody(), headers: { 'idempotency-key': 'x'.repeat(65) } });
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).errors[0].path).toBe('Idempotency-Key');
  });

  it('reads API Gateway array claims given as "[a b]" strings, and real arrays (staff provinces)', async () => {
    const { principalFromClaims } = await import('../../functions/_shared/auth.ts');
    expect(principalFromClaims({ sub: 'h', role: 'handler', provinces: '[110000 310000]' }).provinces).toEqual(['110000', '310000']);
    expect(principalFromClaims({ sub: 'h', role: 'handler', provinces: ['440000'] }).provinces).toEqual(['440000']);
    expect(principalFromClaims({ sub: 'h', 'cognito:groups': '[reviewer]' }).role).toBe('reviewer');
    expect(() => principalFromClaims({ sub: 'p', role: 'platform' })).toThrow(/platform token must name its platform/);
  });

  it('serves /health and an OpenAPI operation for every route', async () => {
    const health = await publicRoutes(httpEvent('GET /health'), lambdaContext);
    expect(bodyOf(health)).toEqual({ status: 'ok' });
    const { ROUTES } = await import('../../manifest/routes.ts');
    const doc = bodyOf(await publicRoutes(httpEvent('GET /openapi.json'), lambdaContext));
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
  });
});
