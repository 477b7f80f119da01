/**
 * The HTTP API's Lambda authorizer (functions/authorizer): Cognito tokens verified against the pool's JWKS
 * (served here over HTTP, fetched by createRemoteJWKSet as in AWS), issuer, expiry and token_use; the
 * static app clients pass, a platform client passes only if the registry maps it to a platform (mocked
 * DynamoDB) and it carries the platform scope. Then the HTTP stack reads the claims it hands over the way
 * it reads the JWT authorizer's, and answers 401 for what the authorizer let through unauthenticated.
 */
import { createServer, type Server } from 'node:http';
import { storedPlatformA } from '../../support/fixtures.ts';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const APP_CLIENT = 'appclient0000000000000000a';
const PILOT_CLIENT = 'pilotclient000000000000000';
const PLATFORM_CLIENT = 'platformclient000000000000';

// The JWKS server must listen before the handler module reads AUTH_ISSUER (config.ts, at import).
const keys = await generateKeyPair('RS256');
const otherKeys = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
let jwksRequests = 0;
const server: Server = createServer((req, res) => {
  if (req.url === '/cn-north-1_Pool/.well-known/jwks.json') {
    jwksRequests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  } else res.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const ISSUER = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cn-north-1_Pool`;
process.env.AUTH_ISSUER = ISSUER;
process.env.AUTH_STATIC_CLIENT_IDS = `${APP_CLIENT}, ${PILOT_CLIENT}`;
process.env.REGISTRY_TABLE = 'registry';

const { handler: authorizer } = await import('../../../functions/authorizer/handler.ts');
const { handler: platforms } = await import('../../../functions/platforms/handler.ts');
const { clearClientCache } = await import('../../../functions/_shared/principal.ts');

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = Math.floor(Date.now() / 1000);

const sign = (claims: JWTPayload, options: { key?: typeof keys.privateKey; issuer?: string; exp?: number } = {}) =>
  new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setIssuedAt(NOW - 60)
    .setExpirationTime(options.exp ?? NOW + 3600)
    .sign(options.key ?? keys.privateKey);

const accessToken = (clientId: string, extra: JWTPayload = {}) =>
  sign({ sub: clientId, client_id: clientId, token_use: 'access', scope: 'claims-api/platform', ...extra });

const authorizerEvent = (authorization: string): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws-cn:execute-api:cn-north-1:111122223333:api/$default/GET/v1/platforms/plt_a',
    identitySource: [authorization],
    routeKey: 'GET /v1/platforms/{platformId}',
    rawPath: '/v1/platforms/plt_a',
    rawQueryString: '',
    headers: { authorization },
    requestContext: {} as never,
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

const authorize = async (authorization: string) => authorizer(authorizerEvent(authorization));

beforeEach(() => {
  ddb.reset();
  clearClientCache();
  ddb.on(GetCommand).resolves({}); // generic first: a later, more specific matcher takes precedence
  ddb.on(GetCommand, { Key: { pk: `CLIENT#${PLATFORM_CLIENT}`, sk: 'CLIENT' } }).resolves({ Item: { platformId: 'plt_a' } });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Lambda authorizer', () => {
  it('accepts an access token of a client registered to a platform, handing over its claims as strings', async () => {
    const token = await accessToken(PLATFORM_CLIENT);

    const result = await authorize(`Bearer ${token}`);

    expect(result.isAuthorized).toBe(true);
    expect(result.context).toMatchObject({
      sub: PLATFORM_CLIENT,
      client_id: PLATFORM_CLIENT,
      token_use: 'access',
      scope: 'claims-api/platform',
      exp: String(NOW + 3600),
    });
    expect(ddb.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: `CLIENT#${PLATFORM_CLIENT}`, sk: 'CLIENT' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('accepts access tokens of the app client and the pilot client without a registry read; an ID token is not an API token (401)', async () => {
    const claims = { role: 'handler', provinces: ['110000'] };
    const access = await authorize(`Bearer ${await sign({ sub: 'u-1', client_id: APP_CLIENT, token_use: 'access', scope: 'openid', ...claims })}`);
    const bare = await authorize(await sign({ sub: 'u-1', client_id: APP_CLIENT, token_use: 'access', ...claims })); // without "Bearer "
    const pilot = await authorize(`Bearer ${await accessToken(PILOT_CLIENT)}`);
    for (const result of [access, bare, pilot]) expect(result.isAuthorized).toBe(true);
    expect(access.context).toMatchObject({ role: 'handler', provinces: '[110000]' });
    expect(bare.context.sub).toBe('u-1');
    const id = await authorize(`Bearer ${await sign({ sub: 'u-1', aud: APP_CLIENT, token_use: 'id', ...claims })}`);
    expect(id).toEqual({ isAuthorized: true, context: { tokenError: expect.stringMatching(/token_use id/) } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses (403 at the gateway) a valid token of a client no platform holds, or without the platform scope', async () => {
    const unknown = await authorize(`Bearer ${await accessToken('unknownclient0000000000000')}`);
    const noScope = await authorize(`Bearer ${await accessToken(PLATFORM_CLIENT, { scope: 'openid' })}`);
    for (const result of [unknown, noScope]) expect(result).toEqual({ isAuthorized: false, context: {} });
  });

  it('lets a forged, expired, foreign, refresh-use or malformed token through without claims (the function answers 401)', async () => {
    const cases = {
      forged: await sign({ sub: APP_CLIENT, client_id: APP_CLIENT, token_use: 'access' }, { key: otherKeys.privateKey }),
      expired: await sign({ sub: APP_CLIENT, client_id: APP_CLIENT, token_use: 'access' }, { exp: NOW - 10 }),
      foreignIssuer: await sign(
        { sub: APP_CLIENT, client_id: APP_CLIENT, token_use: 'access' },
        { issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/other' },
      ),
      refreshUse: await sign({ sub: APP_CLIENT, client_id: APP_CLIENT, token_use: 'refresh' }),
      noTokenUse: await sign({ sub: APP_CLIENT, client_id: APP_CLIENT }),
      idOfPlatform: await sign({ sub: 'x', aud: PLATFORM_CLIENT, token_use: 'id' }),
      garbage: 'not-a-jwt',
    };
    for (const [name, token] of Object.entries(cases)) {
      const result = await authorize(`Bearer ${token}`);
      expect(result.isAuthorized, name).toBe(true);
      expect(result.context.sub, name).toBeUndefined();
      expect(result.context.tokenError, name).toBeTruthy();
    }
    expect((await authorize(`Bearer ${cases.expired}`)).context.tokenError).toBe('ERR_JWT_EXPIRED');
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('the HTTP stack behind the Lambda authorizer', () => {
  /** The event API Gateway sends the function when the authorizer answered `context`. */
  const behindAuthorizer = (routeKey: string, context: Record<string, string>, options: Parameters<typeof httpEvent>[1] = {}) => {
    const event = httpEvent(routeKey, options);
    event.requestContext.authorizer = { lambda: context };
    return event;
  };
  const platformItem = storedPlatformA;

  it('resolves a platform client from the authorizer context like a JWT-authorizer claim set', async () => {
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_a', sk: 'PROFILE' } }).resolves({ Item: platformItem });
    const context = (await authorize(`Bearer ${await accessToken(PLATFORM_CLIENT)}`)).context;

    const own = await platforms(behindAuthorizer('GET /v1/platforms/{platformId}', context, { pathParameters: { platformId: 'plt_a' } }), lambdaContext);
    const other = await platforms(behindAuthorizer('GET /v1/platforms/{platformId}', context, { pathParameters: { platformId: 'plt_b' } }), lambdaContext);

    expect(own.statusCode).toBe(200);
    expect(bodyOf(own).platformId).toBe('plt_a');
    expect(other.statusCode).toBe(404);
  });

  it('answers 401 problem+json to a request let through without claims, before the content-type check', async () => {
    const context = (await authorize('Bearer not-a-jwt')).context;

    const res = await platforms(behindAuthorizer('POST /v1/platforms', context, { body: 'a=1', headers: { 'content-type': 'text/plain' } }), lambdaContext);

    expect(res.statusCode).toBe(401);
    expect(res.headers?.['content-type']).toContain('application/problem+json');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers 401 to claims past their expiry (an answer API Gateway cached longer than the token lives)', async () => {
    const staff = { sub: 'admin-1', 'cognito:groups': '[admin]', token_use: 'access', client_id: APP_CLIENT };
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_a', sk: 'PROFILE' } }).resolves({ Item: platformItem });
    const read = (exp: number) =>
      platforms(behindAuthorizer('GET /v1/platforms/{platformId}', { ...staff, exp: String(exp) }, { pathParameters: { platformId: 'plt_a' } }), lambdaContext);

    const expired = await read(NOW - 1);
    const valid = await read(NOW + 600);

    expect(expired.statusCode).toBe(401);
    expect(bodyOf(expired)).toMatchObject({ code: 'TOKEN_EXPIRED', detail_en: expect.stringMatching(/expired/) });
    expect(valid.statusCode).toBe(200);
  });
});
