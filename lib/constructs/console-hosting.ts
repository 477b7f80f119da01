/**
 * The web console's hosting (issue 13): a private S3 bucket behind CloudFront with origin access control,
 * security headers and a strict Content-Security-Policy, and the built console plus a runtime `config.json`
 * written at deploy time from stack values, so one build serves every stage.
 *
 * The construct never looks at the file system: the app decides whether built assets exist
 * (`consoleAssetsAt`, lib/config/console-assets.ts) and hands their directory in, or nothing. Without assets
 * the bucket and the distribution are still deployed (their domain is what the API's CORS and the app
 * client's callback URLs name), and no deployment touches the bucket, so a deploy from a checkout without
 * `console/dist` leaves a console deployed earlier as it was.
 */
import { DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage.ts';
import { exemptFromFunctionDefaults } from './function.ts';

/** What the console reads from `/config.json` at start (written at deploy time; docs/infrastructure.md). */
export interface ConsoleRuntimeConfig {
  readonly stage: string;
  /** Base URL of the HTTP API (no trailing slash). */
  readonly apiUrl: string;
  readonly auth: {
    /** Cognito hosted domain (`https://<prefix>.auth.<region>.amazoncognito.com`): /oauth2/authorize, /oauth2/token, /logout. */
    readonly domain: string;
    /** The public app client (authorisation code with PKCE). */
    readonly clientId: string;
    readonly scopes: readonly string[];
    /** Callback URLs the app client accepts; the console uses the one on its own origin. */
    readonly redirectUris: readonly string[];
    /** Sign-out URLs the app client accepts; the console uses the one on its own origin. */
    readonly logoutUris: readonly string[];
  };
  /** Riders' sign-in by phone and SMS code: the workers' pool's region and public app client (custom auth flow). */
  readonly workerAuth: { readonly region: string; readonly clientId: string };
}

/** Sources the console may reach beyond its own origin; they go into the CSP's connect-src and form-action. */
interface ConsoleSources {
  /** fetch/XHR targets: the API, the Cognito token endpoint, the documents bucket (presigned uploads). */
  readonly connect: readonly string[];
  /** Form targets: the Cognito hosted UI. */
  readonly formAction: readonly string[];
}

export interface ConsoleHostingProps {
  readonly stage: StageConfig;
  /** Directory of the built console (index.html at its root); undefined: bucket and distribution only. */
  readonly assets?: string;
  readonly sources: ConsoleSources;
  /** An alternate domain with its certificate (us-east-1); none: the distribution's *.cloudfront.net name. */
  readonly domain?: { readonly names: readonly string[]; readonly certificate: ICertificate };
}

/** The single-page app's routes are not objects: a 403 (OAC without ListBucket) or 404 serves index.html. */
const SPA_FALLBACK_STATUSES = [403, 404] as const;

/** Hashed build output (Vite's `assets/`): cached for a year, never overwritten under the same name. */
const IMMUTABLE = [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()];
/** index.html and config.json: revalidated on every load, so a deploy is seen at once. */
const REVALIDATE = [CacheControl.noCache()];

/**
 * The Content-Security-Policy. Scripts only from the console's origin (no inline script, no eval), nothing
 * framed but the console's own blob: previews of PDF documents, no framing of the console, no plugins.
 * `style-src 'unsafe-inline'`: Ant Design's CSS-in-JS inserts `<style>` elements at run time; the
 * alternative, a nonce, needs a fresh value in every HTML response, which a static S3 origin cannot give
 * (docs/infrastructure.md, "Console hosting"). Inline styles cannot run code.
 */
const contentSecurityPolicy = (sources: ConsoleSources): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    ["connect-src 'self'", ...sources.connect].join(' '),
    // A PDF document is previewed from a blob: URL of bytes fetched from the bucket (connect-src); nothing else is framed.
    'frame-src blob:',
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    ["form-action 'self'", ...sources.formAction].join(' '),
  ].join('; ');

/** Browser features the console never uses. */
export const PERMISSIONS_POLICY = 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()';

export class ConsoleHosting extends Construct {
  public readonly bucket: Bucket;
  /** Server access logs of the bucket (prefix `bucket/`) and the distribution's standard logs (prefix `cloudfront/`). */
  public readonly logBucket: Bucket;
  public readonly distribution: Distribution;
  public readonly headers: ResponseHeadersPolicy;
  /** `https://<distribution domain>` (no trailing slash). */
  public readonly url: string;
  private readonly props: ConsoleHostingProps;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    this.props = props;
    const { stage } = props;
    const destroy = stage.removalPolicy === RemovalPolicy.DESTROY;

    // CloudFront standard logs are delivered with an ACL grant, so this bucket allows ACLs (bucket owner
    // preferred); public access stays blocked. S3 server access logs arrive through the bucket policy.
    this.logBucket = new Bucket(this, 'Logs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: destroy,
    });

    // Static files only: SSE-S3 (CloudFront reads it through OAC without a key policy), old versions of
    // overwritten files kept 30 days for a rollback.
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'bucket/',
      lifecycleRules: [{ id: 'OldVersions', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: destroy,
    });

    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `injury-claims-${stage.name}-console`,
      comment: 'Console: HSTS, CSP, no sniffing, no framing, no referrer, no device features',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.sources), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: { customHeaders: [{ header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true }] },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Platform injury claims console (${stage.name})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      errorResponses: SPA_FALLBACK_STATUSES.map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? { domainNames: [...props.domain.names], certificate: props.domain.certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the distribution serves only the static console (no data); every request for data goes to the API with a Cognito token, and agency staff may sign in from anywhere.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF: the project has no web ACL (the HTTP API cannot take one), and this distribution serves static files only, read-only (GET/HEAD) from a private bucket; abuse of the data is limited at the API (authorizer, throttles).',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "Without an alternate domain the distribution uses CloudFront's default *.cloudfront.net certificate, whose security policy cannot be chosen; with a domain (docs/deploy.md) the minimum is TLSv1.2_2021.",
      });
    }
  }

  /**
   * Deploys the built console (when there is one) and `config.json`. Called once the API and the app client
   * exist: their values are written into config.json by the deployment at deploy time.
   */
  public publish(config: ConsoleRuntimeConfig): void {
    const { assets } = this.props;
    if (!assets) return;
    // The deployment provider's logs (one provider per stack, shared by both deployments).
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: this.props.stage.logRetention, removalPolicy: this.props.stage.removalPolicy });
    // Hashed files first, never pruned: a browser still running the previous index.html can load its chunks.
    const files = new BucketDeployment(this, 'Files', {
      logGroup,
      sources: [Source.asset(assets, { exclude: ['index.html', 'config.json'] })],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: IMMUTABLE,
      memoryLimit: 512,
    });
    // Then the entry point and the stage's configuration, revalidated on every load.
    const entry = new BucketDeployment(this, 'Entry', {
      logGroup,
      sources: [Source.asset(assets, { exclude: ['*', '!index.html'] }), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      prune: false,
      cacheControl: REVALIDATE,
      memoryLimit: 512,
    });
    entry.node.addDependency(files);
    acknowledgeDeploymentFindings(this, files);
  }
}

/**
 * cdk-nag findings of the deployment custom resource (aws-cdk-lib's BucketDeployment Lambda, one per stack),
 * acknowledged on its role and function only, each for the exact action or resource.
 */
const acknowledgeDeploymentFindings = (hosting: ConsoleHosting, deployment: BucketDeployment): void => {
  const stack = Stack.of(hosting);
  const bucketId = stack.getLogicalId(hosting.bucket.node.defaultChild as CfnBucket);
  const assetBucket = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>`;
  const granted = 'granted by the construct to copy the files from the CDK asset bucket into this console bucket';
  Validations.of(deployment.handlerRole).acknowledge(
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `aws-cdk-lib's BucketDeployment provider: ${action} ${granted}; on those two buckets only.`,
    })),
    {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${assetBucket}/*]`,
      reason: `aws-cdk-lib's BucketDeployment provider reads the uploaded asset archives of this environment's CDK asset bucket (${assetBucket}).`,
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason: "aws-cdk-lib's BucketDeployment provider writes the console's files, under names the build chooses, into the console bucket.",
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "aws-cdk-lib's BucketDeployment provider: its logs policy is the AWS managed basic execution role (not configurable).",
    },
  );
  const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (provider) {
    exemptFromFunctionDefaults(provider, "aws-cdk-lib's BucketDeployment provider (Python, AWS CLI layer), run by CloudFormation at deploy time only");
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        "aws-cdk-lib's BucketDeployment provider runs on the Python runtime the construct pins (it uses the AWS CLI layer); it is invoked at deploy time only.",
    });
  }
};
