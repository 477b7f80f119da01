import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, ROUTES, routeKey, type FunctionName } from '../../manifest/index.ts';
import { PLATFORM_SCOPES } from '../../functions/platforms/clients.ts';
import { PLATFORM_RESOURCE_SERVER as API_RESOURCE_SERVER, STAFF_GROUPS, WORKER_GROUPS } from '../../manifest/identity.ts';
import { buildTestApp, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };

describe('HTTP API and identity (dev)', () => {
  let built: BuiltApp;
  let template: Template;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    built = buildTestApp('dev');
    template = Template.fromStack(built.stateless);
    resources = template.toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('has one route per ROUTES row, keyed as the handlers dispatch', () => {
    const keys = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(keys).toEqual(ROUTES.map(routeKey).sort());
  });

  it('puts the Lambda authorizer on every authenticated route and none on the public ones', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    for (const route of ROUTES) {
      const [, resource] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
      if (route.auth) {
        expect(resource.Properties.AuthorizationType).toBe('CUSTOM');
        expect(resource.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(resource.Properties.AuthorizationType).toBe('NONE');
        expect(resource.Properties.AuthorizerId).toBeUndefined();
      }
    }
    expect(
      ROUTES.filter((route) => !route.auth)
        .map(routeKey)
        .sort(),
    ).toEqual(['GET /errors', 'GET /errors/{code}', 'GET /health', 'GET /openapi.json']);
  });

  it('authorizes with the authorizer function: simple responses, cached per Authorization header', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    const fnId = built.stateless.getLogicalId(built.stateless.authorizerFunction.function.node.defaultChild as never);
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(`"${fnId}"`);
    // API Gateway may invoke it, only for this API.
    const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(r.Properties.FunctionName).includes(`"${fnId}"`));
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1].Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(permissions[0]![1].Properties.SourceArn)).toContain(built.stateless.getLogicalId(built.stateless.api.node.defaultChild as never));
  });

  it("gives the authorizer the pool's issuer, the static app clients and read access to the registry only", () => {
    const fn = resources[built.stateless.getLogicalId(built.stateless.authorizerFunction.function.node.defaultChild as never)]!;
    const env = fn.Properties.Environment.Variables as Record<string, unknown>;
    const poolId = built.stateless.getLogicalId(built.stateless.userPool.node.defaultChild as never);
    expect(JSON.stringify(env.AUTH_ISSUER)).toContain('https://cognito-idp.');
    expect(JSON.stringify(env.AUTH_ISSUER)).toContain(JSON.stringify({ Ref: poolId }));
    const clientRefs = [built.stateless.appClient, built.stateless.workerIdentity.appClient, built.stateless.platformClient].map((c) => ({
      Ref: built.stateless.getLogicalId(c.node.defaultChild as never),
    }));
    expect(env.AUTH_STATIC_CLIENT_IDS).toEqual({ 'Fn::Join': ['', [clientRefs[0], ',', clientRefs[1], ',', clientRefs[2]]] });
    expect(env.REGISTRY_TABLE).toBeDefined();
    expect(Object.keys(env).filter((k) => k.endsWith('_TABLE'))).toEqual(['REGISTRY_TABLE']);
    const roleId = built.stateless.getLogicalId(built.stateless.authorizerFunction.role.node.defaultChild as never);
    const [policy] = ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    const actions = (policy![1].Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((st) => [st.Action].flat());
    expect(actions.filter((a) => a.startsWith('dynamodb:')).some((a) => /Put|Update|Delete|Write/.test(a))).toBe(false);
    expect(actions.some((a) => a.startsWith('cognito-idp:'))).toBe(false);
  });

  it('lets the platforms function create, describe and delete app clients in the platform pool only', () => {
    const roleId = built.stateless.getLogicalId(built.stateless.functions.platforms.role.node.defaultChild as never);
    const poolId = built.stateless.getLogicalId(built.stateless.platformIdentity.pool.node.defaultChild as never);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Effect: string }[]);
    const cognito = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    expect(cognito).toEqual([
      {
        Sid: 'PlatformClientsInPlatformPoolOnly',
        Effect: 'Allow',
        Action: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient', 'cognito-idp:DescribeUserPoolClient'],
        Resource: { 'Fn::GetAtt': [poolId, 'Arn'] },
      },
    ]);
    // No other function may touch the pool.
    const others = ofType('AWS::IAM::Policy').filter(([, r]) => !JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`));
    expect(JSON.stringify(others)).not.toContain('cognito-idp:');
    const fn = resources[built.stateless.getLogicalId(built.stateless.functions.platforms.function.node.defaultChild as never)]!;
    expect(fn.Properties.Environment.Variables).toMatchObject({ PLATFORM_CLIENTS_MODE: 'cognito', PLATFORM_USER_POOL_ID: { Ref: poolId } });
  });

  it("hands the stage's paying accounts (D15) to the payment-batches function only, as the PAYING_ACCOUNTS JSON", () => {
    for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
      const fn = resources[built.stateless.getLogicalId(built.stateless.functions[name].function.node.defaultChild as never)]!;
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      if (name === 'paymentBatches') {
        expect(JSON.parse(String(env.PAYING_ACCOUNTS))).toEqual(built.stage.payingAccounts);
        expect(Object.keys(built.stage.payingAccounts)).toContain('110000');
      } else expect(env.PAYING_ACCOUNTS, name).toBeUndefined();
    }
  });

  it('sets the stage rate limit on every platform-facing function, whose role may write the idempotency table', () => {
    for (const [name, group] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const fn = resources[built.stateless.getLogicalId(built.stateless.functions[name].function.node.defaultChild as never)]!;
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      if ('platformFacing' in group && group.platformFacing) {
        expect(env.PLATFORM_RATE_LIMIT_PER_SECOND, name).toBe(String(built.stage.platformRateLimitPerSecond));
        expect((group.tables as Record<string, string>).idempotency, name).toBe('readwrite');
        expect(env.IDEMPOTENCY_TABLE, name).toBeDefined();
      } else {
        expect(env.PLATFORM_RATE_LIMIT_PER_SECOND, name).toBeUndefined();
      }
    }
    // Every function with a route a platform may call (contract; the access matrix checks the statuses).
    const platformRoutes = ['workers', 'orders', 'declarations', 'enrolment', 'platforms', 'reports', 'cases'];
    for (const name of platformRoutes) expect((FUNCTIONS as Record<string, { platformFacing?: boolean }>)[name]?.platformFacing, name).toBe(true);
    expect(built.stage.platformRateLimitPerSecond).toBeGreaterThan(0);
  });

  it('routes every row to the Lambda integration of its function group (one integration per group)', () => {
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(Object.keys(FUNCTIONS).length);
    const functionIdOfIntegration = new Map(integrations.map(([id, r]) => [id, JSON.stringify(r.Properties.IntegrationUri)]));
    for (const route of ROUTES) {
      const [, resource] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
      const integrationId = resource.Properties.Target['Fn::Join'][1][1].Ref as string;
      const fnId = built.stateless.getLogicalId(built.stateless.functions[route.fn as FunctionName].function.node.defaultChild as never);
      expect(functionIdOfIntegration.get(integrationId)).toContain(`"${fnId}"`);
    }
  });

  it('throttles the $default stage, publishes route-level metrics and writes JSON access logs to a log group with retention', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0]!;
    expect(stage.Properties.StageName).toBe('$default');
    // DetailedMetricsEnabled: 4xx, 5xx and latency per route (dimensions Method, Resource) for the dashboard.
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100, DetailedMetricsEnabled: true });
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(30);
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    // The Lambda authorizer's context is flat: its values are $context.authorizer.<key>.
    expect(format.clientId).toBe('$context.authorizer.client_id');
  });

  it('has a staff user pool with groups, a strong password policy and mandatory TOTP MFA', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true },
      },
    });
    const groups = ofType('AWS::Cognito::UserPoolGroup')
      .map(([, r]) => r.Properties.GroupName)
      .sort();
    expect(groups).toEqual([...STAFF_GROUPS, ...WORKER_GROUPS].sort());
  });

  it('has a confidential client-credentials client for platforms, scoped on the resource server', () => {
    const [, server] = ofType('AWS::Cognito::UserPoolResourceServer')[0]!;
    expect(server.Properties.Scopes.map((s: { ScopeName: string }) => s.ScopeName)).toEqual(['platform']);
    // The scope the platforms function gives the clients it creates is this resource server's scope.
    expect(server.Properties.Identifier).toBe(API_RESOURCE_SERVER);
    expect(server.Properties.Scopes.map((s: { ScopeName: string }) => `${server.Properties.Identifier}/${s.ScopeName}`)).toEqual([...PLATFORM_SCOPES]);
    expect(PLATFORM_SCOPES).toEqual(['claims-api/platform']);
    const platformClient = resources[built.stateless.getLogicalId(built.stateless.platformClient.node.defaultChild as never)]!;
    expect(JSON.stringify(platformClient.Properties.AllowedOAuthScopes)).toContain('/platform');
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    // The staff pool's (console sign-in) and the platform pool's (token endpoint).
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 2);
  });

  it('has a public app client for staff and workers that cannot write role-bearing attributes', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties);
    const app = clients.find((c) => c.AllowedOAuthFlows?.includes('code'));
    expect(app).toBeDefined();
    expect(app!.GenerateSecret).toBe(false);
    expect(app!.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    for (const client of clients) {
      expect((client.WriteAttributes ?? []).some((a: string) => a.startsWith('custom:'))).toBe(false);
    }
  });

  it('outputs the API URL, user pool id and client ids', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'PlatformClientId', 'AppClientId']));
  });
});
