import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, ROUTES, routeKey, type FunctionName } from '../../functions/routes.ts';
import { STAFF_GROUPS } from '../../lib/stacks/stateless-stack.ts';
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
    const keys = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort();
    expect(keys).toEqual(ROUTES.map(routeKey).sort());
  });

  it('puts the JWT authorizer on every authenticated route and none on the public ones', () => {
    const [[authorizerId]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    for (const route of ROUTES) {
      const [, resource] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
      if (route.auth) {
        expect(resource.Properties.AuthorizationType).toBe('JWT');
        expect(resource.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(resource.Properties.AuthorizationType).toBe('NONE');
        expect(resource.Properties.AuthorizerId).toBeUndefined();
      }
    }
    expect(ROUTES.filter((route) => !route.auth).map(routeKey).sort()).toEqual(['GET /health', 'GET /openapi.json']);
  });

  it('trusts only tokens of this user pool issued to its app clients', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [, authorizer] = authorizers[0]!;
    const poolId = built.stateless.getLogicalId(built.stateless.userPool.node.defaultChild as never);
    const clientIds = [built.stateless.appClient, built.stateless.platformClient].map((c) =>
      built.stateless.getLogicalId(c.node.defaultChild as never),
    );
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    const issuer = JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer);
    expect(issuer).toContain('https://cognito-idp.');
    expect(issuer).toContain(JSON.stringify({ Ref: poolId }));
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual(clientIds.map((id) => ({ Ref: id })));
  });

  it('routes every row to the Lambda integration of its function group (one integration per group)', () => {
    const integrations = ofType('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(Object.keys(FUNCTIONS).length);
    const functionIdOfIntegration = new Map(
      integrations.map(([id, r]) => [id, JSON.stringify(r.Properties.IntegrationUri)]),
    );
    for (const route of ROUTES) {
      const [, resource] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey(route))!;
      const integrationId = resource.Properties.Target['Fn::Join'][1][1].Ref as string;
      const fnId = built.stateless.getLogicalId(built.stateless.functions[route.fn as FunctionName].function.node.defaultChild as never);
      expect(functionIdOfIntegration.get(integrationId)).toContain(`"${fnId}"`);
    }
  });

  it('throttles the $default stage and writes JSON access logs to a log group with retention', () => {
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const [, stage] = stages[0]!;
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]!.Properties.RetentionInDays).toBe(30);
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
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
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties.GroupName).sort();
    expect(groups).toEqual([...STAFF_GROUPS].sort());
  });

  it('has a confidential client-credentials client for platforms, scoped on the resource server', () => {
    const [, server] = ofType('AWS::Cognito::UserPoolResourceServer')[0]!;
    expect(server.Properties.Scopes.map((s: { ScopeName: string }) => s.ScopeName)).toEqual(['platform']);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('has a public app client for staff and workers that cannot write role-bearing attributes', () => {
    const clients = ofType('AWS::Cognito::UserPoolClient').map(([, r]) => r.Properties);
    const app = clients.find((c) => c.AllowedOAuthFlows?.includes('code'));
    expect(app).toBeDefined();
    expect(app!.GenerateSecret).toBe(false);
    expect(app!.ExplicitAuthFlows).toContain('ALLOW_USER_SRP_AUTH');
    for (const client of clients) {
      expect(client.WriteAttributes.some((a: string) => a.startsWith('custom:'))).toBe(false);
    }
  });

  it('outputs the API URL, user pool id and client ids', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'PlatformClientId', 'AppClientId']));
  });
});
