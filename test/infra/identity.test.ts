/**
 * Identity in AWS (issue 17), as synthesised: three user pools — staff (TOTP), workers (phone number and
 * SMS code through the custom auth triggers), platforms (machine clients only) — the groups of every
 * person's role, the V2 pre-token-generation triggers that put the contract's claims into access tokens,
 * 5-minute person tokens (the revocation bound), the authorizer trusting the three issuers, and the
 * platforms function's Cognito rights on the platform pool alone.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_FUNCTIONS, PERSON_ACCESS_TOKEN_SECONDS, PLATFORM_SCOPES, STAFF_GROUPS, WORKER_GROUPS } from '../../manifest/identity.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };

describe('identity: user pools, groups, triggers and token lifetimes (dev)', () => {
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  const id = (construct: { node: { defaultChild?: unknown } }) => built.stateless.getLogicalId(construct.node.defaultChild as never);
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const poolIds = () => ({
    staff: id(built.stateless.userPool),
    workers: id(built.stateless.workerIdentity.pool),
    platforms: id(built.stateless.platformIdentity.pool),
  });
  const inPool = (type: string, poolId: string) => ofType(type).filter(([, r]) => JSON.stringify(r.Properties.UserPoolId) === JSON.stringify({ Ref: poolId }));
  const fnArn = (name: keyof typeof IDENTITY_FUNCTIONS) => ({ 'Fn::GetAtt': [id(built.stateless.identityFunctions[name].function), 'Arn'] });

  beforeAll(() => {
    built = buildTestApp('dev');
    resources = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('has three pools: staff, workers and platforms', () => {
    const pools = ofType('AWS::Cognito::UserPool').map(([logicalId]) => logicalId);
    expect(pools.sort()).toEqual(Object.values(poolIds()).sort());
  });

  it("has a group for every person's role: the province roles in the staff pool, worker in the workers' pool, none for machines", () => {
    const { staff, workers, platforms } = poolIds();
    const names = (poolId: string) =>
      inPool('AWS::Cognito::UserPoolGroup', poolId)
        .map(([, r]) => r.Properties.GroupName as string)
        .sort();
    expect(names(staff)).toEqual([...STAFF_GROUPS].sort());
    expect(names(staff)).toContain('finance');
    expect(names(workers)).toEqual([...WORKER_GROUPS]);
    expect(names(platforms)).toEqual([]);
  });

  it('runs the pre-token-generation trigger with the V2 event in both people pools', () => {
    const { staff, workers, platforms } = poolIds();
    expect(resources[staff]!.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({ LambdaArn: fnArn('staffPreToken'), LambdaVersion: 'V2_0' });
    expect(resources[workers]!.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({ LambdaArn: fnArn('workerPreToken'), LambdaVersion: 'V2_0' });
    expect(resources[platforms]!.Properties.LambdaConfig).toBeUndefined();
    // Access-token customisation needs the Essentials (or Plus) plan.
    for (const pool of [staff, workers]) expect(['ESSENTIALS', 'PLUS']).toContain(resources[pool]!.Properties.UserPoolTier);
  });

  it('signs workers in by phone number and an SMS code: the custom auth triggers, no password flow, Cognito sends no SMS itself', () => {
    const pool = resources[poolIds().workers]!.Properties;
    expect(pool.UsernameAttributes).toEqual(['phone_number']);
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.LambdaConfig).toMatchObject({
      DefineAuthChallenge: fnArn('defineAuthChallenge'),
      CreateAuthChallenge: fnArn('createAuthChallenge'),
      VerifyAuthChallengeResponse: fnArn('verifyAuthChallenge'),
    });
    expect(pool.SmsConfiguration).toBeUndefined();
    const [[, client]] = inPool('AWS::Cognito::UserPoolClient', poolIds().workers) as [[string, Resource]];
    expect(client.Properties.ExplicitAuthFlows.sort()).toEqual(['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.Properties.GenerateSecret).toBe(false);
    expect(client.Properties.AuthSessionValidity).toBe(5);
    // Only the code-sending trigger may send SMS, to phone numbers only.
    const createRole = id(built.stateless.identityFunctions.createAuthChallenge.role);
    const sms = ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.PolicyDocument).includes('sns:Publish'));
    expect(sms.filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(`"${createRole}"`))).toHaveLength(1);
    const statement = (
      sms.find(([, r]) => JSON.stringify(r.Properties.Roles).includes(`"${createRole}"`))![1].Properties.PolicyDocument.Statement as any[]
    ).find((st) => st.Action === 'sns:Publish');
    expect(statement.Resource).toBeUndefined();
    expect(JSON.stringify(statement.NotResource)).toContain(':sns:*:*:*');
    // It counts the codes per user on the idempotency table, and reads no other table.
    const createEnv = resources[id(built.stateless.identityFunctions.createAuthChallenge.function)]!.Properties.Environment.Variables;
    expect(Object.keys(createEnv).filter((name) => name.endsWith('_TABLE'))).toEqual(['IDEMPOTENCY_TABLE']);
    expect(createEnv.SMS_SENDER).toBe('sns');
    // Cognito may invoke each trigger, from its own pool.
    const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => r.Properties.Principal === 'cognito-idp.amazonaws.com');
    expect(permissions).toHaveLength(Object.keys(IDENTITY_FUNCTIONS).length);
  });

  it(`gives people ${PERSON_ACCESS_TOKEN_SECONDS / 60}-minute access and ID tokens (the revocation bound) and the authorizer the same bound`, () => {
    for (const client of [built.stateless.appClient, built.stateless.workerIdentity.appClient]) {
      const props = resources[id(client)]!.Properties;
      expect(props.AccessTokenValidity).toBe(PERSON_ACCESS_TOKEN_SECONDS / 60);
      expect(props.IdTokenValidity).toBe(PERSON_ACCESS_TOKEN_SECONDS / 60);
      expect(props.TokenValidityUnits).toMatchObject({ AccessToken: 'minutes', IdToken: 'minutes' });
      expect(props.EnableTokenRevocation).toBe(true);
    }
    const env = resources[id(built.stateless.authorizerFunction.function)]!.Properties.Environment.Variables;
    expect(env.AUTH_MAX_TOKEN_SECONDS).toBe(String(PERSON_ACCESS_TOKEN_SECONDS));
    // API Gateway's cache of the authorizer's answer is no longer than the bound (the functions re-check exp).
    const [[, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(authorizer.Properties.AuthorizerResultTtlInSeconds).toBeLessThanOrEqual(PERSON_ACCESS_TOKEN_SECONDS);
  });

  it('has the authorizer trust the three pools, each as its kind', () => {
    const env = resources[id(built.stateless.authorizerFunction.function)]!.Properties.Environment.Variables;
    const { staff, workers, platforms } = poolIds();
    for (const [name, pool] of [
      ['AUTH_ISSUER', staff],
      ['AUTH_WORKER_ISSUER', workers],
      ['AUTH_PLATFORM_ISSUER', platforms],
    ] as const) {
      expect(JSON.stringify(env[name]), name).toContain('https://cognito-idp.');
      expect(JSON.stringify(env[name]), name).toContain(JSON.stringify({ Ref: pool }));
    }
  });

  it('keeps machine clients in a pool of their own: the pilot client, the resource server and the token endpoint; no person signs in there', () => {
    const { staff, workers, platforms } = poolIds();
    const clients = (pool: string) => inPool('AWS::Cognito::UserPoolClient', pool).map(([, r]) => r.Properties);
    expect(clients(platforms)).toHaveLength(1);
    expect(clients(platforms)[0]).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], ClientName: 'pilot-m2m-dev' });
    expect(id(built.stateless.platformClient)).toBe(inPool('AWS::Cognito::UserPoolClient', platforms)[0]![0]);
    for (const pool of [staff, workers]) {
      for (const client of clients(pool)) expect(client.AllowedOAuthFlows ?? []).not.toContain('client_credentials');
    }
    const [[, server]] = inPool('AWS::Cognito::UserPoolResourceServer', platforms) as [[string, Resource]];
    expect(server.Properties.Scopes.map((s: { ScopeName: string }) => `${server.Properties.Identifier}/${s.ScopeName}`)).toEqual([...PLATFORM_SCOPES]);
    expect(ofType('AWS::Cognito::UserPoolResourceServer')).toHaveLength(1);
    const [[, domain]] = inPool('AWS::Cognito::UserPoolDomain', platforms) as [[string, Resource]];
    expect(domain.Properties.Domain).toBe('injury-claims-dev-platforms');
    // The platforms function creates its clients in the platform pool.
    const platformsEnv = resources[id(built.stateless.functions.platforms.function)]!.Properties.Environment.Variables;
    expect(platformsEnv.PLATFORM_USER_POOL_ID).toEqual({ Ref: platforms });
  });

  it("lets no role but the platforms function's touch an app client, and that one in the platform pool only", () => {
    const { staff, workers, platforms } = poolIds();
    const statements = ofType('AWS::IAM::Policy').flatMap(([, r]) =>
      (r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((st) => ({ roles: r.Properties.Roles, ...st })),
    );
    const cognito = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toHaveLength(1);
    expect(cognito[0]!.roles).toEqual([{ Ref: id(built.stateless.functions.platforms.role) }]);
    expect(cognito[0]!.Resource).toEqual({ 'Fn::GetAtt': [platforms, 'Arn'] });
    expect(JSON.stringify(cognito)).not.toContain(staff);
    expect(JSON.stringify(cognito)).not.toContain(workers);
  });
});
