/**
 * Issue 5: a platform's identity from its app client's client_id (contract: Authentication, derived
 * claims), re-issuing a platform's app client (admin), a registration whose client creation fails, and
 * the per-platform request-rate limit (429 + Retry-After).
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '../../local/dynamodb.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { adminClaims, platformBody, platformClaims } from '../support/fixtures.ts';

const LIMIT = 5;
let stack: TestStack;
/** Imported after the stack set the handlers' env (config.ts reads it once, at import). */
let principalModule: typeof import('../../functions/_shared/principal.ts');
const captured: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  stack = await startTestStack({ env: { PLATFORM_RATE_LIMIT_PER_SECOND: String(LIMIT), POWERTOOLS_LOG_LEVEL: 'DEBUG' } });
  principalModule = await import('../../functions/_shared/principal.ts');
  for (const s of [process.stdout, process.stderr]) {
    const original = s.write.bind(s);
    s.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof s.write;
    restore.push(() => (s.write = original as typeof s.write));
  }
});
afterAll(async () => {
  for (const undo of restore.splice(0)) undo();
  await stack?.stop();
});

/** A Cognito-style client-credentials access token: client_id and scope, no role, no platformId. */
const clientToken = (clientId: string) => stack.app.issuer.sign({ sub: clientId, client_id: clientId, token_use: 'access', scope: 'claims-api/platform' });

const sleepToNextSecond = async (margin = 20) => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + margin));

describe('platform identity from client_id', () => {
  let platformId: string;
  let clientId: string;
  let clientSecret: string;
  const registration = platformBody();

  beforeAll(async () => {
    const res = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: registration, headers: { 'idempotency-key': 'register-1' } });
    expect(res.status).toBe(201);
    ({ platformId, clientId, clientSecret } = res.body);
  });

  it('returns the app client once at registration', () => {
    expect(clientId).toMatch(/^[0-9a-f]{26}$/);
    expect(clientSecret.length).toBeGreaterThanOrEqual(40);
  });

  it('replays a registration re-sent with the same Idempotency-Key: the same platform and client, without the secret', async () => {
    const again = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: registration, headers: { 'idempotency-key': 'register-1' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ platformId, clientId });
    expect(again.body).not.toHaveProperty('clientSecret');
    const ddb = localDynamoDbClient(stack.app.ddbEndpoint);
    try {
      const { Items = [] } = await ddb.send(new ScanCommand({ TableName: stack.tables.IDEMPOTENCY_TABLE }));
      // The stored answer is sealed (functions/_shared/idempotency.ts): nothing of it is readable from the
      // table; the replay above carries the client id, so it came from there. The secret was never stored.
      expect(Items.some((item) => typeof item.data?.M?.sealed?.S === 'string')).toBe(true);
      expect(JSON.stringify(Items)).not.toContain(clientId);
      expect(JSON.stringify(Items)).not.toContain(clientSecret);
    } finally {
      ddb.destroy();
    }
  });

  it('resolves a token carrying only client_id to its platform, reading the registry once per container', async () => {
    principalModule.clearClientCache();
    const token = await clientToken(clientId);
    for (let i = 0; i < 3; i++) {
      await sleepToNextSecond(); // stay under the rate limit
      const res = await stack.api('GET', `/v1/platforms/${platformId}`, { token });
      expect(res.status).toBe(200);
      expect(res.body.platformId).toBe(platformId);
      expect(res.body.clientSecret).toBeUndefined();
    }
    expect(principalModule.clientCacheStats().lookups).toBe(1);
    const other = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    expect((await stack.api('GET', `/v1/platforms/${other.body.platformId}`, { token })).status).toBe(404);
  });

  it('answers 403 problem+json to an unknown client_id', async () => {
    const res = await stack.api('GET', `/v1/platforms/${platformId}`, { token: await clientToken('unknownclient0000000000000') });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('never stores or logs the secret', async () => {
    const ddb = localDynamoDbClient(stack.app.ddbEndpoint);
    try {
      for (const table of Object.values(stack.tables)) {
        const { Items = [] } = await ddb.send(new ScanCommand({ TableName: table }));
        expect(JSON.stringify(Items)).not.toContain(clientSecret);
      }
    } finally {
      ddb.destroy();
    }
    expect(captured.join('')).not.toContain(clientSecret);
  });
});

describe("re-issuing a platform's app client (POST /v1/platforms/{platformId}/client)", () => {
  let platformId: string;
  let firstClient: string;

  beforeAll(async () => {
    const res = await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() });
    expect(res.status).toBe(201);
    ({ platformId, clientId: firstClient } = res.body);
  });

  it('answers 401 without a token, 403 to the platform itself and to staff other than admins, 404 for an unknown platform', async () => {
    const path = `/v1/platforms/${platformId}/client`;
    const statuses = {
      none: (await stack.api('POST', path)).status,
      platformClient: (await stack.api('POST', path, { token: await clientToken(firstClient) })).status,
      platformRole: (await stack.api('POST', path, { token: platformClaims(platformId) })).status,
      handler: (await stack.api('POST', path, { token: { role: 'handler', sub: 'handler-1', provinces: ['110000'] } })).status,
      unknown: (await stack.api('POST', '/v1/platforms/plt_does_not_exist/client', { token: adminClaims })).status,
    };
    expect(statuses).toEqual({ none: 401, platformClient: 403, platformRole: 403, handler: 403, unknown: 404 });
    // None of them changed the client: the first one still works.
    principalModule.clearClientCache();
    await sleepToNextSecond();
    expect((await stack.api('GET', `/v1/platforms/${platformId}`, { token: await clientToken(firstClient) })).status).toBe(200);
  });

  it('issues a new client that resolves to the platform; the old one resolves to none (403); the secret is stored nowhere', async () => {
    const res = await stack.api('POST', `/v1/platforms/${platformId}/client`, { token: adminClaims, headers: { 'idempotency-key': 'reissue-1' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { clientId, clientSecret } = res.body as { clientId: string; clientSecret: string };
    expect(res.body.platformId).toBe(platformId);
    expect(clientId).not.toBe(firstClient);
    expect(clientSecret.length).toBeGreaterThanOrEqual(40);

    principalModule.clearClientCache();
    await sleepToNextSecond();
    expect((await stack.api('GET', `/v1/platforms/${platformId}`, { token: await clientToken(clientId) })).status).toBe(200);
    const old = await stack.api('GET', `/v1/platforms/${platformId}`, { token: await clientToken(firstClient) });
    expect(old.status).toBe(403);
    expect(old.headers.get('content-type')).toContain('application/problem+json');

    // The same Idempotency-Key again replays the first response without the secret: no second client.
    const again = await stack.api('POST', `/v1/platforms/${platformId}/client`, { token: adminClaims, headers: { 'idempotency-key': 'reissue-1' } });
    expect(again.status).toBe(201);
    expect(again.body.clientId).toBe(clientId);
    expect(again.body.platformId).toBe(platformId);
    expect(again.body).not.toHaveProperty('clientSecret');
    await sleepToNextSecond();
    expect((await stack.api('GET', `/v1/platforms/${platformId}`, { token: await clientToken(clientId) })).status).toBe(200);

    const ddb = localDynamoDbClient(stack.app.ddbEndpoint);
    try {
      for (const table of Object.values(stack.tables)) {
        const { Items = [] } = await ddb.send(new ScanCommand({ TableName: table }));
        const text = JSON.stringify(Items);
        expect(text).not.toContain(clientSecret);
      }
    } finally {
      ddb.destroy();
    }
    expect(captured.join('')).not.toContain(clientSecret);
  });

  it('records each re-issue in the platform audit chain, by client id only', async () => {
    const { readAuditChain, verifyAuditChain } = await import('../../functions/_shared/audit.ts');
    expect(await verifyAuditChain('platform', platformId)).toMatchObject({ ok: true });
    const records = await readAuditChain('platform', platformId);
    // One re-issue: the second request with the same Idempotency-Key was a replay, not a second rotation.
    expect(records.map((r) => r.action)).toEqual(['platform.registered', 'platform.clientIssued']);
    const [, issued] = records;
    expect(issued!.before).toEqual({ clientId: firstClient });
    expect(issued!.after).not.toEqual(issued!.before);
    expect(JSON.stringify(records)).not.toMatch(/secret/i);
  });
});

describe('a registration whose app client cannot be created', () => {
  it('leaves no platform behind: the same credit code registers afterwards', async () => {
    const { registerPlatform } = await import('../../functions/platforms/use-cases.ts');
    const { CreatePlatformRequest } = await import('../../functions/platforms/schemas.ts');
    const body = platformBody();
    const failing = { create: async () => Promise.reject(new Error('LimitExceededException')), remove: async () => undefined };
    await expect(registerPlatform(CreatePlatformRequest.parse(body), new Date(), 'admin-1', failing)).rejects.toThrow('LimitExceededException');
    const res = await stack.api('POST', '/v1/platforms', { token: adminClaims, body });
    expect(res.status).toBe(201);
    expect(res.body.clientId).toBeTruthy();
  });

  it('removes the client it created when the platform cannot be written (duplicate credit code → 409)', async () => {
    const { registerPlatform } = await import('../../functions/platforms/use-cases.ts');
    const { CreatePlatformRequest } = await import('../../functions/platforms/schemas.ts');
    const body = platformBody();
    expect((await stack.api('POST', '/v1/platforms', { token: adminClaims, body })).status).toBe(201);
    const removed: string[] = [];
    const recording = {
      create: async () => ({ clientId: 'dupclient00000000000000000', clientSecret: 's'.repeat(43) }),
      remove: async (id: string) => void removed.push(id),
    };
    await expect(registerPlatform(CreatePlatformRequest.parse(body), new Date(), 'admin-1', recording)).rejects.toMatchObject({ status: 409 });
    expect(removed).toEqual(['dupclient00000000000000000']);
    principalModule.clearClientCache();
    expect(await principalModule.platformOfClient('dupclient00000000000000000')).toBeUndefined();
  });
});

describe('per-platform rate limit', () => {
  it('answers 429 with Retry-After past the limit, leaves other platforms alone, and resets with the window', async () => {
    const a = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId as string;
    const b = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId as string;
    const tokenA = await stack.token(platformClaims(a));
    const tokenB = await stack.token(platformClaims(b));
    await sleepToNextSecond();
    const [burstA, burstB] = await Promise.all([
      Promise.all(Array.from({ length: 4 * LIMIT }, () => stack.api('GET', `/v1/platforms/${a}`, { token: tokenA }))),
      Promise.all(Array.from({ length: LIMIT }, () => stack.api('GET', `/v1/platforms/${b}`, { token: tokenB }))),
    ]);
    const limited = burstA.filter((r) => r.status === 429);
    // 4 × LIMIT requests span at most two windows even on a slow machine: at most 2 × LIMIT pass.
    expect(burstA.filter((r) => r.status === 200).length).toBeLessThanOrEqual(2 * LIMIT);
    expect(limited.length).toBeGreaterThanOrEqual(2 * LIMIT);
    for (const r of limited) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.headers.get('retry-after')).toBe('1');
      expect(r.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', title_en: 'Too many requests' });
    }
    expect(burstB.map((r) => r.status)).toEqual(Array(LIMIT).fill(200));
    await sleepToNextSecond();
    expect((await stack.api('GET', `/v1/platforms/${a}`, { token: tokenA })).status).toBe(200);
  });

  it('does not limit staff callers', async () => {
    const a = (await stack.api('POST', '/v1/platforms', { token: adminClaims, body: platformBody() })).body.platformId as string;
    const res = await Promise.all(Array.from({ length: 3 * LIMIT }, () => stack.api('GET', `/v1/platforms/${a}`, { token: adminClaims })));
    expect(res.every((r) => r.status === 200)).toBe(true);
  });
});
