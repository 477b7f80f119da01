/**
 * The shared middy stack (functions/_shared/http.ts): error precedence, guards and problem+json, path
 * parameters, on a real route group with a mocked DynamoDB.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';
import { platformBody } from '../../support/fixtures.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const ddb = mockClient(DynamoDBDocumentClient);
let platforms: typeof import('../../../functions/platforms/handler.ts').handler;
let publicRoutes: typeof import('../../../functions/public/handler.ts').handler;
const admin = { sub: 'admin-1', role: 'admin' };

beforeAll(async () => {
  ({ handler: platforms } = await import('../../../functions/platforms/handler.ts'));
  ({ handler: publicRoutes } = await import('../../../functions/public/handler.ts'));
});
beforeEach(() => ddb.reset());

const create = (options: Parameters<typeof httpEvent>[1]) => platforms(httpEvent('POST /v1/platforms', options), lambdaContext);

describe('the HTTP middy stack', () => {
  it('answers 401 without a subject and 403 for a token with no known role', async () => {
    const noSubject = { body: platformBody() };
    const unknownRole = { claims: { sub: 'x', role: 'superuser' }, body: platformBody() };

    const [anonymous, superuser] = [await create(noSubject), await create(unknownRole)];

    expect(anonymous.statusCode).toBe(401);
    expect(superuser.statusCode).toBe(403);
  });

  it('checks the role before the body: 403 wins over 400 (contract: error precedence)', async () => {
    const workerWithBrokenBody = { claims: { sub: 'w', role: 'worker', workerId: 'wkr_1' }, body: '{broken' };

    const res = await create(workerWithBrokenBody);

    expect(res.statusCode).toBe(403);
  });

  it('answers 400 problem+json for malformed JSON with the JSON content type', async () => {
    const malformed = { claims: admin, body: '{broken' };

    const res = await create(malformed);

    expect(res.statusCode).toBe(400);
    expect(res.headers?.['content-type']).toContain('application/problem+json');
    expect(bodyOf(res)).toMatchObject({ status: 400, code: 'MALFORMED_JSON', detail: '请求体不是有效的 JSON。', detail_en: 'The body is not valid JSON.' });
  });

  it('answers 415 for another content type and 413 over 1 MiB, without calling DynamoDB', async () => {
    const form = { claims: admin, body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    const overLimit = { claims: admin, body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) };

    const [typed, big] = [await create(form), await create(overLimit)];

    expect(typed.statusCode).toBe(415);
    expect(big.statusCode).toBe(413);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses a malformed Idempotency-Key (400) naming the header', async () => {
    const tooLongKey = { claims: admin, body: platformBody(), headers: { 'idempotency-key': 'x'.repeat(65) } };

    const res = await create(tooLongKey);

    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).errors[0].path).toBe('Idempotency-Key');
  });

  it('reads API Gateway array claims given as "[a b]" strings, and real arrays (staff provinces)', async () => {
    const { principalFromClaims } = await import('../../../functions/_shared/auth.ts');

    const rendered = principalFromClaims({ sub: 'h', role: 'handler', provinces: '[110000 310000]' });
    const array = principalFromClaims({ sub: 'h', role: 'handler', provinces: ['440000'] });
    const grouped = principalFromClaims({ sub: 'h', 'cognito:groups': '[reviewer]' });

    expect(rendered.provinces).toEqual(['110000', '310000']);
    expect(array.provinces).toEqual(['440000']);
    expect(grouped.role).toBe('reviewer');
    expect(() => principalFromClaims({ sub: 'p', role: 'platform' })).toThrow(/platform token must name its platform/);
  });

  it('serves /health and an OpenAPI operation for every route', async () => {
    const { ROUTES } = await import('../../../manifest/routes.ts');

    const health = await publicRoutes(httpEvent('GET /health'), lambdaContext);
    const doc = bodyOf(await publicRoutes(httpEvent('GET /openapi.json'), lambdaContext));

    expect(bodyOf(health)).toEqual({ status: 'ok' });
    for (const route of ROUTES) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
  });
});

describe('path parameters', () => {
  /** Regression (found by test/integration/fuzz.test.ts): a path parameter with a stray `%` answered 500. */
  it('answers 404 problem+json, not 500, for a platformId that is not valid percent-encoding', async () => {
    ddb.on(GetCommand).resolves({});
    const platformIds = [',%Wva', '%', '100%', '%E0%A4%A'];

    const responses = [];
    for (const platformId of platformIds) {
      responses.push(await platforms(httpEvent('GET /v1/platforms/{platformId}', { claims: admin, pathParameters: { platformId } }), lambdaContext));
    }

    responses.forEach((res, i) => {
      expect(res.statusCode, platformIds[i]).toBe(404);
      expect(bodyOf(res)).toMatchObject({ status: 404 });
    });
  });
});
