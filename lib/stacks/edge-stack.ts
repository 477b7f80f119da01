/**
 * The API's edge protection (issue 17, "Abuse"): an AWS WAF web ACL for the CloudFront distribution in front
 * of the HTTP API (lib/constructs/api-edge.ts). WAF cannot attach to an HTTP API, and a web ACL for
 * CloudFront must be created in us-east-1: this stack lives there, and the stateless stack takes the ACL's
 * ARN through a cross-region reference (`crossRegionReferences`), so both deploy with one `cdk deploy --all`
 * (this one first).
 *
 * Rules, in order:
 * 1. `RatePerSourceIp`: at most `ipRequestsPer5Minutes(stage)` requests per source IP in 5 minutes, then
 *    429 (a JSON problem in Chinese, `Retry-After`). Twice the per-platform limit, so one platform's servers
 *    behind one address are not cut below their own limit; and below the stage throttle, so one address
 *    cannot use it all.
 * 2. `AWSManagedRulesAmazonIpReputationList`: addresses AWS's threat intelligence knows for bots and attacks.
 * 3. `AWSManagedRulesCommonRuleSet` (OWASP-style), with `SizeRestrictions_BODY` counted only: order batches
 *    (up to 1 MiB, contract) are far over its 8 KB; the functions cap bodies themselves (413).
 * 4. `AWSManagedRulesKnownBadInputsRuleSet` (Log4j, Java deserialisation, …).
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stage.ts';

/** WAF's evaluation window for the rate rule (seconds). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * Requests one source IP may send in the rate rule's window: twice what one platform may send (its
 * per-second limit over the window). Synth fails if that is not below the stage throttle over the same
 * window — then one address could still exhaust it.
 */
export const ipRequestsPer5Minutes = (stage: StageConfig): number => {
  const limit = 2 * stage.platformRateLimitPerSecond * RATE_WINDOW_SECONDS;
  const stageCapacity = stage.apiThrottle.rateLimit * RATE_WINDOW_SECONDS;
  if (limit >= stageCapacity) {
    throw new Error(
      `The per-IP limit (${limit} per ${RATE_WINDOW_SECONDS} s, twice platformRateLimitPerSecond) must stay below the stage throttle (${stageCapacity}): raise apiThrottle.rateLimit or lower platformRateLimitPerSecond`,
    );
  }
  return limit;
};

/** The managed rule groups, in priority order after the rate rule; `count` lists rules only counted. */
export const MANAGED_RULE_GROUPS: readonly { readonly name: string; readonly count?: readonly string[] }[] = [
  { name: 'AWSManagedRulesAmazonIpReputationList' },
  { name: 'AWSManagedRulesCommonRuleSet', count: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet' },
];

/** The body of the rate rule's 429 (the contract's problem shape; WAF serves it as application/json). */
const RATE_LIMITED_BODY = JSON.stringify({
  type: 'https://errors.injury-claims.example/RATE_LIMITED',
  title: 'Too Many Requests',
  status: 429,
  code: 'RATE_LIMITED',
  detail: '来自此地址的请求过多，请稍后重试。',
  detail_en: 'Too many requests from this address; retry later.',
});

export interface EdgeStackProps extends StackProps {
  readonly stage: StageConfig;
}

export class EdgeStack extends Stack {
  public readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName: `${stage.name}-${metricName}`, sampledRequestsEnabled: true });

    this.webAcl = new CfnWebACL(this, 'ApiWebAcl', {
      name: `injury-claims-${stage.name}-api`,
      description: `Platform injury claims API (${stage.name}): rate per source IP and AWS managed rules`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('api'),
      customResponseBodies: { 'rate-limited': { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY } },
      rules: [
        {
          name: 'RatePerSourceIp',
          priority: 0,
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rate-limited',
                responseHeaders: [{ name: 'retry-after', value: String(RATE_WINDOW_SECONDS / 5) }],
              },
            },
          },
          statement: { rateBasedStatement: { limit: ipRequestsPer5Minutes(stage), aggregateKeyType: 'IP', evaluationWindowSec: RATE_WINDOW_SECONDS } },
          visibilityConfig: visibility('rate-per-ip'),
        },
        ...MANAGED_RULE_GROUPS.map((group, index) => ({
          name: group.name,
          priority: index + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: group.name,
              ...(group.count ? { ruleActionOverrides: group.count.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
            },
          },
          visibilityConfig: visibility(group.name),
        })),
      ],
    });
  }
}
