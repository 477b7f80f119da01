/**
 * CloudFront + AWS WAF in front of the HTTP API (issue 17, "Abuse"): the web ACL in a us-east-1 stack of its
 * own, taken by the stateless stack's distribution through a cross-region reference; a rate rule per source
 * IP that stays below the stage throttle, so one address cannot exhaust it; AWS managed rule groups; cdk-nag
 * clean; CloudFront's origin secret header, which the authorizer requires, so the
 * execute-api address no longer goes around the WAF. Built for a stage pinned to an account and a region, as
 * the edge needs.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp, type ClaimsApp } from '../../lib/app.ts';
import { ORIGIN_VERIFY_HEADER } from '../../manifest/api.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import { ipRequestsPer5Minutes, MANAGED_RULE_GROUPS, RATE_WINDOW_SECONDS } from '../../lib/stacks/edge-stack.ts';
import { buildTestApp, removeOutdir, tempOutdir, testContext } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any> };
const PINNED = { account: '111122223333', region: 'ap-southeast-1' };

/** AWS managed CloudFront policies (their ids are fixed by AWS). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const build = (): ClaimsApp & { outdir: string } => {
  const outdir = tempOutdir();
  const built = buildApp({ stage: stageConfig('prod', PINNED), outdir, context: testContext(), nag: false, consoleAssets: `${outdir}/no-console-build` });
  return { ...built, outdir };
};

describe('the API behind CloudFront and AWS WAF (prod, pinned account and region)', () => {
  let built: ClaimsApp & { outdir: string };
  let edge: Record<string, Resource>;
  let stateless: Record<string, Resource>;

  beforeAll(() => {
    built = build();
    edge = Template.fromStack(built.edge!).toJSON().Resources;
    stateless = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => removeOutdir(built.outdir));

  it('creates the web ACL for CloudFront in us-east-1, in a stack the stateless stack depends on', () => {
    expect(built.edge!.region).toBe('us-east-1');
    expect(built.edge!.account).toBe(PINNED.account);
    const acls = Object.values(edge).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    expect(acls).toHaveLength(1);
    expect(acls[0]!.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(built.stateless.dependencies).toContain(built.edge);
  });

  it('blocks a source IP over twice the per-platform limit with 429, below what the stage throttle takes in the same window', () => {
    const [acl] = Object.values(edge).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    const rate = (acl!.Properties.Rules as any[]).find((rule) => rule.Name === 'RatePerSourceIp');
    expect(rate.Priority).toBe(0);
    expect(rate.Statement.RateBasedStatement).toEqual({
      Limit: 2 * 50 * RATE_WINDOW_SECONDS,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: RATE_WINDOW_SECONDS,
    });
    expect(rate.Action.Block.CustomResponse).toMatchObject({ ResponseCode: 429, CustomResponseBodyKey: 'rate-limited' });
    const body = JSON.parse(acl!.Properties.CustomResponseBodies['rate-limited'].Content);
    expect(body).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: expect.stringMatching(/请求过多/) });
    // One source's share is below the stage's capacity over the window, for every stage.
    for (const stage of [stageConfig('dev'), stageConfig('prod')]) {
      expect(ipRequestsPer5Minutes(stage)).toBeLessThan(stage.apiThrottle.rateLimit * RATE_WINDOW_SECONDS);
    }
    expect(() => ipRequestsPer5Minutes({ ...stageConfig('dev'), apiThrottle: { rateLimit: 20, burstLimit: 40 } })).toThrow(/below the stage throttle/);
  });

  it('runs the AWS managed rule groups, counting only the body-size rule (order batches are up to 1 MiB)', () => {
    const [acl] = Object.values(edge).filter((r) => r.Type === 'AWS::WAFv2::WebACL');
    const managed = (acl!.Properties.Rules as any[]).filter((rule) => rule.Statement.ManagedRuleGroupStatement);
    expect(managed.map((rule) => rule.Statement.ManagedRuleGroupStatement.Name)).toEqual(MANAGED_RULE_GROUPS.map((group) => group.name));
    expect(managed.map((rule) => rule.Name)).toEqual(
      expect.arrayContaining(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']),
    );
    for (const rule of managed) {
      expect(rule.OverrideAction).toEqual({ None: {} });
      expect(rule.VisibilityConfig).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true });
    }
    const common = managed.find((rule) => rule.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
  });

  it('puts a CloudFront distribution with that web ACL in front of the HTTP API: HTTPS, no caching, every header but Host forwarded', () => {
    const apiId = built.stateless.getLogicalId(built.stateless.api.node.defaultChild as never);
    const distributions = Object.values(stateless).filter(
      (r) => r.Type === 'AWS::CloudFront::Distribution' && JSON.stringify(r.Properties.DistributionConfig.Origins).includes('execute-api'),
    );
    expect(distributions).toHaveLength(1);
    const config = distributions[0]!.Properties.DistributionConfig;
    expect(JSON.stringify(config.Origins[0].DomainName)).toContain(JSON.stringify({ Ref: apiId }));
    expect(config.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']));
    // The web ACL's ARN, read across regions from the edge stack's output (not a literal).
    expect(config.WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: 'InjuryClaims-prod-Edge', Region: 'us-east-1', OutputName: expect.stringMatching(/ApiWebAclArn/) },
    });
    expect(config.Logging).toMatchObject({ Prefix: 'api/' });
    expect(Object.keys(Template.fromStack(built.stateless).toJSON().Outputs)).toContain('ApiEdgeUrl');
  });

  it('sends the origin secret from Secrets Manager to the API in a custom origin header (a dynamic reference, never the value)', () => {
    const template = Template.fromStack(built.stateless);
    const secretId = built.stateless.getLogicalId(built.stateless.originSecret!.node.defaultChild as never);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'injury-claims-prod/origin-verify',
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [
          Match.objectLike({
            OriginCustomHeaders: [
              {
                HeaderName: ORIGIN_VERIFY_HEADER,
                HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] },
              },
            ],
          }),
        ],
      }),
    });
  });

  it('makes the origin header an identity source of the Lambda authorizer (401 without it, part of the cache key)', () => {
    const template = Template.fromStack(built.stateless);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['$request.header.Authorization', `$request.header.${ORIGIN_VERIFY_HEADER}`],
    });
  });

  it('gives the secret to the one function that compares the header: the authorizer (the public routes serve public content, unchecked)', () => {
    const secretId = built.stateless.getLogicalId(built.stateless.originSecret!.node.defaultChild as never);
    const readers = Object.entries(stateless)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'))
      .map(([, r]) => JSON.stringify(r.Properties.Roles));
    const roleOf = (fn: { role: { node: { defaultChild: unknown } } }) =>
      JSON.stringify([{ Ref: built.stateless.getLogicalId(fn.role.node.defaultChild as never) }]);
    expect(readers).toEqual([roleOf(built.stateless.authorizerFunction)]);
    const withSecret = Object.values(stateless)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment?.Variables?.ORIGIN_VERIFY_SECRET_ARN ?? '') !== '""')
      .map((r) => r.Properties.Environment.Variables.ORIGIN_VERIFY_SECRET_ARN);
    expect(withSecret).toEqual([{ Ref: secretId }]);
  });

  it('has no cdk-nag finding on the edge stack and the API distribution', () => {
    // (The rest of a pinned app is checked unpinned in cdk-nag.test.ts: its acknowledgements name ARNs with
    // region and account tokens, which a pinned stage renders as literals.)
    const findings = (scope: Parameters<AwsSolutionsChecks['validateScope']>[0]) =>
      new AwsSolutionsChecks().validateScope(scope).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings(built.edge!)).toEqual([]);
    expect(findings(built.stateless.apiEdge!)).toEqual([]);
    expect(findings(built.stateless.originSecret!)).toEqual([]);
  });
});

describe('a stage without a pinned region', () => {
  it('has no edge (a cross-region reference needs a region): the API is served without CloudFront', () => {
    const built = buildTestApp('dev');
    try {
      expect(built.edge).toBeUndefined();
      expect(built.stateless.apiEdge).toBeUndefined();
      // No CloudFront, so no origin secret to check: the authorizer keys on the token alone, the functions get none.
      expect(built.stateless.originSecret).toBeUndefined();
      const template = Template.fromStack(built.stateless);
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: ['$request.header.Authorization'] });
      template.resourceCountIs('AWS::SecretsManager::Secret', 0);
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        expect([undefined, ''], JSON.stringify(fn.Properties.Description)).toContain(fn.Properties.Environment?.Variables?.ORIGIN_VERIFY_SECRET_ARN);
      }
    } finally {
      built.dispose();
    }
  });
});
