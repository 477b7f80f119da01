/** Regression (found by test/integration/fuzz.test.ts): a path parameter with a stray `%` answered 500. */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../support/events.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const ddb = mockClient(DynamoDBDocumentClient);
let platforms: typeof import('../../functions/platforms/handler.ts').handler;
beforeAll(async () => {
  ({ handler: platforms } = await import('../../functions/platforms/handler.ts'));
});

describe('path parameters', () => {
  it('answers 404 problem+json, not 500, for a platformId that is not valid percent-encoding', async () => {
    ddb.on(GetCommand).resolves({});
    for (const platformId of [',%Wva', '%', '100%', '%E0%A4%A']) {
      const res = await platforms(
        httpEvent('GET /v1/platforms/{platformId}', { claims: { sub: 'admin-1', role: 'admin' }, pathParameters: { platformId } }),
        lambdaContext,
      );
      expect(res.statusCode, platformId).toBe(404);
      expect(bodyOf(res)).toMatchObject({ status: 404 });
    }
  });
});
