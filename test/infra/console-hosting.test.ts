import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { ConsoleAssetsError, consoleAssetsAt } from '../../lib/config/console-assets.ts';
import { stageConfig } from '../../lib/config/stage.ts';
import { PERMISSIONS_POLICY } from '../../lib/constructs/console-hosting.ts';
import { buildTestApp, removeOutdir, tempOutdir, testContext, type BuiltApp } from './app-fixture.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] };

/** A CloudFormation value as text: Ref → <Id>, GetAtt → <Id.Attr>, Join concatenated (as cdk-nag names them). */
const render = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(render).join(v['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
};

/** A built console: index.html, a hashed chunk, and a stray config.json the build must not ship. */
const fakeBuild = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'export {};');
  writeFileSync(join(dir, 'config.json'), '{"apiUrl":"http://127.0.0.1:3000"}');
  return dir;
};

const EXPECTED_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' https://*.execute-api.<AWS::Region>.<AWS::URLSuffix> https://<UserPoolDomainD0EA232A>.auth.<AWS::Region>.amazoncognito.com https://injury-claims-dev-documents-<AWS::AccountId>-<AWS::Region>.s3.<AWS::Region>.<AWS::URLSuffix> https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>",
  'frame-src blob:',
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self' https://<UserPoolDomainD0EA232A>.auth.<AWS::Region>.amazoncognito.com",
].join('; ');

describe('console hosting (dev, no console build)', () => {
  let built: BuiltApp;
  let template: Template;
  let resources: Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const idOf = (construct: { node: { defaultChild?: unknown } }) => built.stateless.getLogicalId(construct.node.defaultChild as never);

  beforeAll(() => {
    built = buildTestApp('dev');
    template = Template.fromStack(built.stateless);
    resources = template.toJSON().Resources;
  });
  afterAll(() => built?.dispose());

  it('keeps the console bucket private: public access blocked, SSE, versioned, access logs, no ACLs', () => {
    const bucket = resources[idOf(built.stateless.console.bucket)]!;
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: idOf(built.stateless.console.logBucket) }, LogFilePrefix: 'bucket/' },
    });
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
  });

  it('lets only this distribution read the bucket (OAC, not OAI), and nothing without TLS', () => {
    const distributionId = idOf(built.stateless.console.distribution);
    const [[, policy]] = ofType('AWS::S3::BucketPolicy').filter(([, r]) => r.Properties.Bucket.Ref === idOf(built.stateless.console.bucket)) as [
      [string, Resource],
    ];
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, any>[];
    const allows = statements.filter((s) => s.Effect === 'Allow' && !JSON.stringify(s.Principal).includes('AWS'));
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Condition: { StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) } },
      }),
    ]);
    expect(JSON.stringify(allows[0]!.Condition)).toContain(`"${distributionId}"`);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
    );
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const [[oacId, oac]] = ofType('AWS::CloudFront::OriginAccessControl') as [[string, Resource]];
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origins = resources[distributionId]!.Properties.DistributionConfig.Origins as Record<string, any>[];
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      DomainName: { 'Fn::GetAtt': [idOf(built.stateless.console.bucket), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
  });

  it('serves HTTPS only, GET/HEAD, index.html at the root, and index.html (200) for the app routes (403/404)', () => {
    const config = resources[idOf(built.stateless.console.distribution)]!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
      ResponseHeadersPolicyId: { Ref: idOf(built.stateless.console.headers) },
    });
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
    ]);
    expect(config.CacheBehaviors).toBeUndefined();
    expect(config.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [idOf(built.stateless.console.logBucket), 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
  });

  it('sends the security headers and exactly the CSP', () => {
    const config = resources[idOf(built.stateless.console.headers)]!.Properties.ResponseHeadersPolicyConfig;
    expect(config.Name).toBe('injury-claims-dev-console');
    const security = config.SecurityHeadersConfig;
    expect(render(security.ContentSecurityPolicy.ContentSecurityPolicy)).toBe(EXPECTED_CSP);
    expect(security).toMatchObject({
      ContentSecurityPolicy: { Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    expect(config.CustomHeadersConfig.Items).toEqual([{ Header: 'Permissions-Policy', Value: PERMISSIONS_POLICY, Override: true }]);
  });

  it("answers CORS for the console's distribution only: methods, the contract's headers, an hour", () => {
    const [[, api]] = ofType('AWS::ApiGatewayV2::Api') as [[string, Resource]];
    const cors = api.Properties.CorsConfiguration;
    expect(cors.AllowOrigins.map(render)).toEqual([`https://<${idOf(built.stateless.console.distribution)}.DomainName>`]);
    expect(cors).toMatchObject({
      AllowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      ExposeHeaders: ['content-disposition', 'retry-after'],
      MaxAge: 3600,
    });
    expect(cors.AllowCredentials).toBeUndefined();
  });

  it("lets the app client sign in and out on the console's domain, besides the stage's URLs", () => {
    const client = resources[idOf(built.stateless.appClient)]!.Properties;
    const domain = `https://<${idOf(built.stateless.console.distribution)}.DomainName>`;
    expect(client.CallbackURLs.map(render)).toEqual([`${domain}/callback`, ...stageConfig('dev').appCallbackUrls]);
    expect(client.LogoutURLs.map(render)).toEqual([`${domain}/`, ...stageConfig('dev').appLogoutUrls]);
  });

  it('outputs ConsoleUrl and synthesizes bucket and distribution without a console build and without a deployment', () => {
    expect(render(template.toJSON().Outputs.ConsoleUrl.Value)).toBe(`https://<${idOf(built.stateless.console.distribution)}.DomainName>`);
    expect(ofType('AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(ofType('Custom::CDKBucketDeployment')).toEqual([]);
  });

  it('removes the console buckets with a destroy stage (emptied first) and keeps them in prod', () => {
    expect(resources[idOf(built.stateless.console.bucket)]!.DeletionPolicy).toBe('Delete');
    expect(resources[idOf(built.stateless.console.logBucket)]!.DeletionPolicy).toBe('Delete');
    expect(ofType('Custom::S3AutoDeleteObjects')).toHaveLength(2);
    const prod = buildTestApp('prod');
    try {
      const prodResources = Template.fromStack(prod.stateless).toJSON().Resources as Record<string, Resource>;
      const id = (c: { node: { defaultChild?: unknown } }) => prod.stateless.getLogicalId(c.node.defaultChild as never);
      expect(prodResources[id(prod.stateless.console.bucket)]!.DeletionPolicy).toBe('Retain');
      expect(prodResources[id(prod.stateless.console.logBucket)]!.DeletionPolicy).toBe('Retain');
      expect(Object.values(prodResources).filter((r) => r.Type === 'Custom::S3AutoDeleteObjects')).toEqual([]);
    } finally {
      prod.dispose();
    }
  });
});

describe('console hosting with a console build', () => {
  let dist: string;
  let built: BuiltApp;
  let resources: Record<string, Resource>;
  let assembly: string;
  const deployments = () => Object.entries(resources).filter(([, r]) => r.Type === 'Custom::CDKBucketDeployment');
  const stagedFiles = (objectKey: string) =>
    readdirSync(join(assembly, `asset.${objectKey.replace(/\.zip$/, '')}`), { recursive: true })
      .map(String)
      .sort();

  beforeAll(() => {
    dist = fakeBuild();
    built = buildTestApp('dev', { consoleAssets: dist });
    assembly = built.app.synth().directory;
    resources = Template.fromStack(built.stateless).toJSON().Resources;
  });
  afterAll(() => {
    built?.dispose();
    rmSync(dist, { recursive: true, force: true });
  });

  it('deploys the hashed files immutable, then index.html and config.json revalidated; prunes nothing', () => {
    const [[filesId, files], [, entry]] = deployments().sort(([a], [b]) => (a.startsWith('ConsoleFiles') ? -1 : b.startsWith('ConsoleFiles') ? 1 : 0)) as [
      [string, Resource],
      [string, Resource],
    ];
    const bucket = { Ref: built.stateless.getLogicalId(built.stateless.console.bucket.node.defaultChild as never) };
    expect(files.Properties).toMatchObject({
      DestinationBucketName: bucket,
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(entry.Properties).toMatchObject({ DestinationBucketName: bucket, Prune: false, SystemMetadata: { 'cache-control': 'no-cache' } });
    expect(entry.DependsOn).toContain(filesId);
    expect(stagedFiles(files.Properties.SourceObjectKeys[0])).toEqual(['assets', join('assets', 'index-abc123.js')]);
    expect(stagedFiles(entry.Properties.SourceObjectKeys[0])).toEqual(['index.html']);
    expect(stagedFiles(entry.Properties.SourceObjectKeys[1])).toEqual(['config.json']);
  });

  it("writes config.json from the stack: API endpoint, Cognito domain, app client, redirect URIs, the workers' pool", () => {
    const [, entry] = deployments().find(([id]) => id.startsWith('ConsoleEntry'))!;
    const key = entry.Properties.SourceObjectKeys[1] as string;
    const markers = entry.Properties.SourceMarkers[1] as Record<string, unknown>;
    let text = readFileSync(join(assembly, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers)) text = text.replaceAll(marker, render(value));
    const id = (c: { node: { defaultChild?: unknown } }) => built.stateless.getLogicalId(c.node.defaultChild as never);
    const consoleUrl = `https://<${id(built.stateless.console.distribution)}.DomainName>`;
    expect(JSON.parse(text)).toEqual({
      stage: 'dev',
      apiUrl: `<${id(built.stateless.api)}.ApiEndpoint>`,
      auth: {
        domain: `https://<${id(built.stateless.userPool.node.findChild('Domain') as never)}>.auth.<AWS::Region>.amazoncognito.com`,
        clientId: `<${id(built.stateless.appClient)}>`,
        scopes: ['openid', 'email', 'profile'],
        redirectUris: [`${consoleUrl}/callback`, 'http://localhost:5173/callback'],
        logoutUris: [`${consoleUrl}/`, 'http://localhost:5173/'],
      },
      // Riders sign in from the phone against the workers' pool (custom auth flow; console/src/auth/worker-sign-in.ts).
      workerAuth: { region: '<AWS::Region>', clientId: `<${id(built.stateless.workerIdentity.appClient)}>` },
    });
  });

  it.each(['dev', 'prod'] as const)('has no unacknowledged cdk-nag finding in %s with the deployment', (stage) => {
    const withNag = buildTestApp(stage, { nag: true, consoleAssets: dist });
    try {
      expect(() => withNag.app.synth()).not.toThrow();
      const report = new AwsSolutionsChecks().validateScope(withNag.app);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    } finally {
      withNag.dispose();
    }
  });
});

describe('console origins of a stage', () => {
  it("adds the stage's consoleOrigins to the API's CORS after the distribution", () => {
    const outdir = tempOutdir();
    try {
      const stage = { ...stageConfig('dev'), consoleOrigins: ['https://claims.example.cn'] };
      const { stateless } = buildApp({ stage, outdir, context: testContext(), nag: false, consoleAssets: join(outdir, 'none') });
      const [api] = Object.values(Template.fromStack(stateless).toJSON().Resources as Record<string, Resource>).filter(
        (r) => r.Type === 'AWS::ApiGatewayV2::Api',
      );
      const distributionId = stateless.getLogicalId(stateless.console.distribution.node.defaultChild as never);
      expect(api!.Properties.CorsConfiguration.AllowOrigins.map(render)).toEqual([`https://<${distributionId}.DomainName>`, 'https://claims.example.cn']);
    } finally {
      removeOutdir(outdir);
    }
  });
});

describe('consoleAssetsAt', () => {
  it('finds no console where there is no directory', () => {
    expect(consoleAssetsAt(join(tmpdir(), 'no-such-console-build'))).toBeUndefined();
  });

  it('takes a directory with index.html', () => {
    const dist = fakeBuild();
    try {
      expect(consoleAssetsAt(dist)).toBe(dist);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it('refuses a directory without index.html (a broken build fails synth)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
    try {
      expect(() => consoleAssetsAt(dir)).toThrow(ConsoleAssetsError);
      expect(() => buildApp({ stage: 'dev', outdir: join(dir, 'out'), context: testContext(), nag: false, consoleAssets: dir })).toThrow(/no index.html/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
