/**
 * The origin check (issue 17, "Abuse"; functions/_shared/origin-verify.ts): where the stage has the edge,
 * the authorizer refuses a request that does not carry CloudFront's origin secret —
 * one sent to the execute-api address directly, around the WAF. Current and previous secret values are
 * accepted (rotation); without ORIGIN_VERIFY_SECRET_ARN (locally, stages without CloudFront) nothing is checked.
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ORIGIN_VERIFY_HEADER } from '../../../manifest/api.ts';

process.env.AUTH_ISSUER = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Pool';
process.env.REGISTRY_TABLE = 'registry';
const SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-1:111122223333:secret:injury-claims-prod/origin-verify-AbCdEf';
const CURRENT = 'c'.repeat(48);
const PREVIOUS = 'p'.repeat(48);

const { handler: authorizer } = await import('../../../functions/authorizer/handler.ts');
const { originSecretMatches, resetOriginVerifyForTests } = await import('../../../functions/_shared/origin-verify.ts');

const secrets = mockClient(SecretsManagerClient);

const authorizerEvent = (origin: string | undefined): APIGatewayRequestAuthorizerEventV2 =>
  ({
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:ap-southeast-1:111122223333:api/$default/GET/v1/cases',
    identitySource: ['Bearer not-a-jwt', ...(origin === undefined ? [] : [origin])],
    routeKey: 'GET /v1/cases',
    rawPath: '/v1/cases',
    rawQueryString: '',
    headers: { authorization: 'Bearer not-a-jwt', ...(origin === undefined ? {} : { [ORIGIN_VERIFY_HEADER]: origin }) },
    requestContext: {} as never,
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

/** The authorizer's refusal of a request that did not come through CloudFront. */
const REFUSED = { isAuthorized: false, context: {} };

beforeEach(() => {
  secrets.reset();
  resetOriginVerifyForTests();
  process.env.ORIGIN_VERIFY_SECRET_ARN = SECRET_ARN;
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: CURRENT });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: PREVIOUS });
});
afterAll(() => {
  delete process.env.ORIGIN_VERIFY_SECRET_ARN;
});

describe('the authorizer on a stage with the edge', () => {
  it('refuses a request without the origin header, or with a wrong one', async () => {
    expect(await authorizer(authorizerEvent(undefined))).toEqual(REFUSED);
    expect(await authorizer(authorizerEvent('wrong'))).toEqual(REFUSED);
    expect(await authorizer(authorizerEvent(`${CURRENT}x`))).toEqual(REFUSED);
    expect(await authorizer(authorizerEvent(''))).toEqual(REFUSED);
  });

  it('lets a request with the current value through to the token check (here: no valid token → the 401 path)', async () => {
    const result = await authorizer(authorizerEvent(CURRENT));
    expect(result.isAuthorized).toBe(true);
    expect(result.context).toHaveProperty('tokenError');
  });

  it('accepts the previous value while a rotation propagates, and works on a secret never rotated', async () => {
    expect((await authorizer(authorizerEvent(PREVIOUS))).isAuthorized).toBe(true);
    secrets.reset();
    resetOriginVerifyForTests();
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: CURRENT });
    secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(new ResourceNotFoundException({ message: 'no previous', $metadata: {} }));
    expect((await authorizer(authorizerEvent(CURRENT))).isAuthorized).toBe(true);
    expect(await authorizer(authorizerEvent(PREVIOUS))).toEqual(REFUSED);
  });

  it('reads the secret once per container for a while, not per request', async () => {
    for (let i = 0; i < 5; i++) await authorizer(authorizerEvent(CURRENT));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('checks nothing where no origin secret is configured (locally, stages without CloudFront)', async () => {
    delete process.env.ORIGIN_VERIFY_SECRET_ARN;
    expect((await authorizer(authorizerEvent(undefined))).isAuthorized).toBe(true);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('originSecretMatches', () => {
  it('matches one of the accepted values exactly, never an empty or missing value', () => {
    expect(originSecretMatches(CURRENT, [CURRENT, PREVIOUS])).toBe(true);
    expect(originSecretMatches(PREVIOUS, [CURRENT, PREVIOUS])).toBe(true);
    expect(originSecretMatches(CURRENT.slice(1), [CURRENT])).toBe(false);
    expect(originSecretMatches(undefined, [CURRENT])).toBe(false);
    expect(originSecretMatches('', [''])).toBe(false);
    expect(originSecretMatches(CURRENT, [])).toBe(false);
  });
});
