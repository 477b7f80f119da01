/**
 * The Lambda authorizer as CDK configures it in AWS (issue 17): three trusted issuers — the staff pool
 * (`AUTH_ISSUER`), the workers' pool (`AUTH_WORKER_ISSUER`) and the platform pool (`AUTH_PLATFORM_ISSUER`),
 * each with its own keys served over HTTP — and the revocation bound `AUTH_MAX_TOKEN_SECONDS`.
 *
 * People's tokens are shaped as Cognito issues them once the V2 pre-token-generation trigger has run:
 * access tokens with `cognito:groups` plus the trigger's `role`, `provinces` (array) or `workerId`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PERSON_ACCESS_TOKEN_SECONDS } from '../../../manifest/identity.ts';

const STAFF_APP = 'staffapp00000000000000000a';
const WORKER_APP = 'workerapp0000000000000000a';
const PILOT = 'pilotclient000000000000000';
const PLATFORM_CLIENT = 'platformclient000000000000';

type Pool = 'staff' | 'workers' | 'platforms';
const POOLS: readonly Pool[] = ['staff', 'workers', 'platforms'];
const keys = Object.fromEntries(await Promise.all(POOLS.map(async (pool) => [pool, await generateKeyPair('RS256')] as const))) as Record<
  Pool,
  Awaited<ReturnType<typeof generateKeyPair>>
>;
const jwks = Object.fromEntries(
  await Promise.all(
    POOLS.map(async (pool) => [pool, JSON.stringify({ keys: [{ ...(await exportJWK(keys[pool].publicKey)), kid: pool, alg: 'RS256', use: 'sig' }] })] as const),
  ),
) as Record<Pool, string>;
const server: Server = createServer((req, res) => {
  const pool = POOLS.find((p) => req.url === `/cn-north-1_${p}/.well-known/jwks.json`);
  if (pool) res.writeHead(200, { 'content-type': 'application/json' }).end(jwks[pool]);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const ISSUER: Record<Pool, string> = { staff: `${base}/cn-north-1_staff`, workers: `${base}/cn-north-1_workers`, platforms: `${base}/cn-north-1_platforms` };
process.env.AUTH_ISSUER = ISSUER.staff;
process.env.AUTH_WORKER_ISSUER = ISSUER.workers;
process.env.AUTH_PLATFORM_ISSUER = ISSUER.platforms;
process.env.AUTH_MAX_TOKEN_SECONDS = String(PERSON_ACCESS_TOKEN_SECONDS);
process.env.AUTH_STATIC_CLIENT_IDS = [STAFF_APP, WORKER_APP, PILOT].join(',');
process.env.REGISTRY_TABLE = 'registry';

const { handler: authorizer } = await import('../../../functions/authorizer/handler.ts');
const { principalFromClaims } = await import('../../../functions/_shared/auth.ts');
const { clearClientCache } = await import('../../../functions/_shared/principal.ts');

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = Math.floor(Date.now() / 1000);

/** A token of `pool`, signed with its key; `lifetime` seconds from `iat` (Cognito's: 300 for people). */
const sign = (pool: Pool, claims: JWTPayload, options: { signWith?: Pool; lifetime?: number } = {}) =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.signWith ?? pool })
    .setIssuer(ISSUER[pool])
    .setIssuedAt(NOW - 30)
    .setExpirationTime(NOW - 30 + (options.lifetime ?? PERSON_ACCESS_TOKEN_SECONDS))
    .sign(keys[options.signWith ?? pool].privateKey);

/** A staff access token as Cognito issues it with the V2 trigger: groups plus role and provinces. */
const staffToken = (extra: JWTPayload = {}, options?: Parameters<typeof sign>[2]) =>
  sign(
    'staff',
    {
      sub: 'staff-1',
      client_id: STAFF_APP,
      token_use: 'access',
      scope: 'openid email profile',
      'cognito:groups': ['handler'],
      role: 'handler',
      provinces: ['110000', '310000'],
      ...extra,
    },
    options,
  );
const workerToken = (extra: JWTPayload = {}, options?: Parameters<typeof sign>[2]) =>
  sign(
    'workers',
    {
      sub: 'worker-sub-1',
      client_id: WORKER_APP,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      'cognito:groups': ['worker'],
      role: 'worker',
      workerId: 'wkr_1',
      ...extra,
    },
    options,
  );
const platformToken = (clientId: string, extra: JWTPayload = {}) =>
  sign('platforms', { sub: clientId, client_id: clientId, token_use: 'access', scope: 'claims-api/platform', ...extra }, { lifetime: 3600 });

const authorize = (token: string) =>
  authorizer({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws-cn:execute-api:cn-north-1:111122223333:api/$default/GET/v1/cases',
    identitySource: [`Bearer ${token}`],
    routeKey: 'GET /v1/cases',
    rawPath: '/v1/cases',
    rawQueryString: '',
    headers: { authorization: `Bearer ${token}` },
    requestContext: {} as never,
  } as unknown as APIGatewayRequestAuthorizerEventV2);

const DENY = { isAuthorized: false, context: {} };

beforeEach(() => {
  ddb.reset();
  clearClientCache();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { pk: `CLIENT#${PLATFORM_CLIENT}`, sk: 'CLIENT' } }).resolves({ Item: { platformId: 'plt_a' } });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('authorizer with the staff, workers and platform pools (issue 17)', () => {
  it("reads a staff member's role and provinces from the access token", async () => {
    const result = await authorize(await staffToken());

    expect(result.isAuthorized).toBe(true);
    expect(principalFromClaims(result.context)).toEqual({ sub: 'staff-1', role: 'handler', provinces: ['110000', '310000'] });
    expect(ddb.calls()).toHaveLength(0);
  });

  it("reads a worker's role and workerId from the workers' pool access token", async () => {
    const result = await authorize(await workerToken());

    expect(result.isAuthorized).toBe(true);
    expect(principalFromClaims(result.context)).toEqual({ sub: 'worker-sub-1', role: 'worker', workerId: 'wkr_1', provinces: [] });
  });

  it("refuses a person's access token without the trigger's role (groups alone), and one naming a role no person holds", async () => {
    const groupsOnly = await staffToken({ role: undefined, provinces: undefined });
    const platformRole = await workerToken({ role: 'platform', platformId: 'plt_a' });
    const unknownRole = await staffToken({ role: 'superuser' });

    for (const token of [groupsOnly, platformRole, unknownRole]) expect(await authorize(token)).toEqual(DENY);
  });

  it('takes access tokens only: an ID token carrying custom:provinces is 401 (let through without claims)', async () => {
    const id = await sign('staff', { sub: 'staff-1', aud: STAFF_APP, token_use: 'id', 'cognito:groups': ['handler'], 'custom:provinces': '110000' });

    expect(await authorize(id)).toEqual({ isAuthorized: true, context: { tokenError: expect.stringMatching(/token_use id/) } });
  });

  it("refuses a person's token living longer than the revocation bound (a 60-minute token), accepts one of exactly 5 minutes", async () => {
    expect(await authorize(await staffToken({}, { lifetime: 3600 }))).toEqual(DENY);
    expect(await authorize(await workerToken({}, { lifetime: PERSON_ACCESS_TOKEN_SECONDS + 1 }))).toEqual(DENY);
    expect((await authorize(await staffToken({}, { lifetime: PERSON_ACCESS_TOKEN_SECONDS }))).isAuthorized).toBe(true);
  });

  it("accepts a registered platform's client and the pilot client of the platform pool only", async () => {
    const registered = await authorize(await platformToken(PLATFORM_CLIENT));
    const pilot = await authorize(await platformToken(PILOT));
    expect(registered.isAuthorized).toBe(true);
    expect(registered.context).toMatchObject({ client_id: PLATFORM_CLIENT, scope: 'claims-api/platform' });
    expect(pilot.isAuthorized).toBe(true);

    // The same registered client id and scope, issued by a people pool: not a platform.
    const fromStaffPool = await sign('staff', { sub: PLATFORM_CLIENT, client_id: PLATFORM_CLIENT, token_use: 'access', scope: 'claims-api/platform' });
    expect(await authorize(fromStaffPool)).toEqual(DENY);
    // A client of a people pool that is not its app.
    expect(await authorize(await staffToken({ client_id: 'anotherclient000000000000' }))).toEqual(DENY);
  });

  it("lets a token signed with another pool's key, or naming an untrusted issuer, through without claims (401)", async () => {
    const crossSigned = await staffToken({}, { signWith: 'workers' });
    const foreign = await new SignJWT({ sub: 'x', client_id: STAFF_APP, token_use: 'access', role: 'admin', provinces: ['110000'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'staff' })
      .setIssuer(`${base}/cn-north-1_other`)
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 300)
      .sign(keys.staff.privateKey);

    for (const token of [crossSigned, foreign]) {
      const result = await authorize(token);
      expect(result.isAuthorized).toBe(true);
      expect(result.context).toEqual({ tokenError: expect.any(String) });
    }
  });
});
