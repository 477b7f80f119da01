/**
 * CloudFront in front of the HTTP API, with the edge stack's WAF web ACL (lib/stacks/edge-stack.ts): the
 * per-source-IP rate rule and the managed rules act before a request reaches API Gateway, so forged tokens
 * from one address stop costing authorizer invocations and the shared stage throttle once that address is
 * over its limit. Nothing is cached (every answer depends on the caller); every viewer header but Host goes
 * to the API (CachingDisabled + AllViewerExceptHostHeader: the Authorization header included).
 *
 * CloudFront adds the origin header (manifest/api.ts `ORIGIN_VERIFY_HEADER`) with the stage's origin secret
 * to every request it forwards; the API refuses requests without it (functions/_shared/origin-verify.ts), so
 * calling the execute-api address directly no longer goes around the WAF. The value is a CloudFormation
 * dynamic reference to Secrets Manager (resolved at deploy, never in the template); the stage's
 * `originSecretVersionId` pins the version after a rotation so the next deploy updates the distribution.
 */
import { SecretValue, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ORIGIN_VERIFY_HEADER } from '../../manifest/api.ts';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage.ts';

export interface ApiEdgeProps {
  readonly stage: StageConfig;
  readonly api: HttpApi;
  /** The edge stack's web ACL (CLOUDFRONT scope, us-east-1). */
  readonly webAclArn: string;
  /** Where the distribution's standard logs go (prefix `api/`). */
  readonly logBucket: IBucket;
  /** The value CloudFront sends in the origin header. */
  readonly originSecret: ISecret;
}

export class ApiEdge extends Construct {
  public readonly distribution: Distribution;
  /** `https://<distribution domain>`: the API's address for platforms and apps. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Platform injury claims API (${props.stage.name}), behind AWS WAF`,
      defaultBehavior: {
        origin: new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: {
            [ORIGIN_VERIFY_HEADER]: SecretValue.secretsManager(props.originSecret.secretArn, {
              ...(props.stage.originSecretVersionId ? { versionId: props.stage.originSecretVersionId } : {}),
            }).unsafeUnwrap(),
          },
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      webAclId: props.webAclArn,
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'api/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: platforms, workers and staff call from anywhere in mainland China and abroad (platform servers); the web ACL limits each source.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        "Without an alternate domain the distribution uses CloudFront's default *.cloudfront.net certificate, whose security policy cannot be chosen; the origin is reached over TLS 1.2 only.",
    });
  }
}
