/**
 * The two user pools added in issue 17 (the staff pool stays where it was, in the stateless stack, so that
 * its users and their TOTP devices are kept):
 *
 * - `WorkerIdentity`: the workers' pool. Sign-in by phone number and a code sent by SMS (Cognito's custom
 *   auth flow: Define/Create/Verify Auth Challenge triggers, the code through the project's SMS port), the
 *   `worker` group, the pre-token-generation trigger (V2) that puts `role` and `workerId` into the access
 *   token, and the workers' app client (custom auth only, 5-minute tokens).
 * - `PlatformIdentity`: a pool of machine clients only — the platforms' app clients (created at run time
 *   by the platforms function, whose Cognito rights are on this pool alone), the pilot client, the resource
 *   server with the platform scope, and the domain whose token endpoint platforms call. No person signs in
 *   here, so no human app client can ever be deleted by the platforms function (IAM has no finer resource
 *   than a user pool).
 *
 * docs/security.md, "Identity in AWS", says why.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PERSON_ACCESS_TOKEN_SECONDS, PLATFORM_RESOURCE_SERVER, PLATFORM_SCOPE_NAME, SIGN_IN_CODE, WORKER_GROUPS } from '../../manifest/identity.ts';
import type { StageConfig } from '../config/stage.ts';
import type { ClaimsFunction } from './function.ts';

/** The issuer of a pool's tokens, as the authorizer trusts it. */
export const issuerOf = (pool: UserPool): string => {
  const stack = Stack.of(pool);
  return `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${pool.userPoolId}`;
};

/** A person's tokens: Cognito's shortest access token (the revocation bound) and an ID token as long. */
export const PERSON_TOKEN_VALIDITY = Duration.seconds(PERSON_ACCESS_TOKEN_SECONDS);

const planOf = (stage: StageConfig) => ({
  featurePlan: stage.cognitoPlus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
  ...(stage.cognitoPlus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
});

const acknowledgeDevPlan = (pool: UserPool, stage: StageConfig): void => {
  if (stage.cognitoPlus) return;
  Validations.of(pool).acknowledge({
    id: 'AwsSolutions-COG8',
    reason:
      'Dev stage only: the pool holds synthetic test users, so the per-user charge of the Plus plan (threat protection) buys nothing; prod runs on Plus with threat protection enforced.',
  });
};

export interface WorkerIdentityProps {
  readonly stage: StageConfig;
}

/** The workers' pool triggers (manifest/identity.ts IDENTITY_FUNCTIONS). */
export interface WorkerTriggers {
  readonly preToken: ClaimsFunction;
  readonly defineAuthChallenge: ClaimsFunction;
  readonly createAuthChallenge: ClaimsFunction;
  readonly verifyAuthChallenge: ClaimsFunction;
}

export class WorkerIdentity extends Construct {
  public readonly pool: UserPool;
  public readonly appClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: WorkerIdentityProps) {
    super(scope, id);
    const { stage } = props;
    this.pool = new UserPool(this, 'Pool', {
      userPoolName: `injury-claims-${stage.name}-workers`,
      // Workers are created for their enrolment (phone, `custom:workerId`, the `worker` group), never sign up.
      selfSignUpEnabled: false,
      signInAliases: { phone: true },
      // Cognito sends no SMS itself (no verification, no SMS MFA): the code goes through the SMS port.
      enableSmsRole: false,
      // No password is ever used (custom auth only): a long random one is set when the user is created.
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      mfa: Mfa.OFF,
      accountRecovery: AccountRecovery.NONE,
      ...planOf(stage),
      customAttributes: {
        // Set once, when the worker's user is created; read by the pre-token trigger.
        workerId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeDevPlan(this.pool, stage);
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'Workers sign in with a one-time code sent by SMS to their verified phone (custom auth flow): the code is the possession factor; there is no password to add a second factor to.',
    });
    for (const group of WORKER_GROUPS)
      this.pool.addGroup(`${group[0]!.toUpperCase()}${group.slice(1)}Group`, { groupName: group, description: `Role ${group}` });

    this.appClient = this.pool.addClient('AppClient', {
      userPoolClientName: `worker-app-${stage.name}`,
      generateSecret: false,
      authFlows: { custom: true },
      disableOAuth: true,
      accessTokenValidity: PERSON_TOKEN_VALIDITY,
      idTokenValidity: PERSON_TOKEN_VALIDITY,
      authSessionValidity: Duration.seconds(SIGN_IN_CODE.ttlSeconds),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes: new ClientAttributes().withStandardAttributes({ phoneNumber: true, phoneNumberVerified: true }).withCustomAttributes('workerId'),
      writeAttributes: new ClientAttributes(),
    });
  }

  /** The custom auth flow (phone and SMS code) and the claims of the access token. */
  public addTriggers(triggers: WorkerTriggers): void {
    this.pool.addTrigger(UserPoolOperation.DEFINE_AUTH_CHALLENGE, triggers.defineAuthChallenge.function);
    this.pool.addTrigger(UserPoolOperation.CREATE_AUTH_CHALLENGE, triggers.createAuthChallenge.function);
    this.pool.addTrigger(UserPoolOperation.VERIFY_AUTH_CHALLENGE_RESPONSE, triggers.verifyAuthChallenge.function);
    this.pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, triggers.preToken.function, LambdaVersion.V2_0);
    // The code goes out through the SMS port (SNS today): publishing to a phone number has no resource ARN.
    grantSmsToPhoneNumbers(triggers.createAuthChallenge);
  }
}

/** sns:Publish to phone numbers only: every topic excluded (as for the notification functions). */
const grantSmsToPhoneNumbers = (fn: ClaimsFunction): void => {
  fn.function.addToRolePolicy(
    new PolicyStatement({ sid: 'SmsToPhoneNumbers', actions: ['sns:Publish'], notResources: [`arn:${Stack.of(fn).partition}:sns:*:*:*`] }),
  );
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'SMS to a phone number (sns:Publish with PhoneNumber) has no resource ARN; the statement excludes every SNS topic (NotResource). X-Ray (a house default) needs "*" too.',
  });
};

export interface PlatformIdentityProps {
  readonly stage: StageConfig;
}

export class PlatformIdentity extends Construct {
  public readonly pool: UserPool;
  public readonly domain: UserPoolDomain;
  public readonly resourceServer: UserPoolResourceServer;
  /** The pilot platform's client (smoke tests): accepted by the authorizer without a registry entry. */
  public readonly pilotClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: PlatformIdentityProps) {
    super(scope, id);
    const { stage } = props;
    this.pool = new UserPool(this, 'Pool', {
      userPoolName: `injury-claims-${stage.name}-platforms`,
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      mfa: Mfa.OFF,
      accountRecovery: AccountRecovery.NONE,
      ...planOf(stage),
      deletionProtection: stage.deletionProtection,
      removalPolicy: stage.removalPolicy,
    });
    acknowledgeDevPlan(this.pool, stage);
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason: 'No user signs in to this pool: it holds machine clients only (OAuth client credentials, a client secret each); MFA applies to users.',
    });

    const prefix = `${stage.cognitoDomainPrefix}-platforms`;
    if (prefix.length > 63)
      throw new Error(`cognitoDomainPrefix "${stage.cognitoDomainPrefix}" is too long for the platform pool's domain (${prefix}, over 63)`);
    this.domain = this.pool.addDomain('Domain', { cognitoDomain: { domainPrefix: prefix } });

    const platformScope = new ResourceServerScope({
      scopeName: PLATFORM_SCOPE_NAME,
      scopeDescription: 'Platform integration: register workers, submit orders, read declarations',
    });
    this.resourceServer = this.pool.addResourceServer('ResourceServer', {
      identifier: PLATFORM_RESOURCE_SERVER,
      userPoolResourceServerName: `injury-claims-${stage.name}`,
      scopes: [platformScope],
    });
    this.pilotClient = this.pool.addClient('PilotClient', {
      userPoolClientName: `pilot-m2m-${stage.name}`,
      generateSecret: true,
      authFlows: {},
      oAuth: { flows: { clientCredentials: true }, scopes: [OAuthScope.resourceServer(this.resourceServer, platformScope)] },
      accessTokenValidity: stage.accessTokenValidity,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
  }

  /** Lets a function create, describe and delete app clients in this pool, and no other. */
  public grantClientAdministration(fn: ClaimsFunction): void {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PlatformClientsInPlatformPoolOnly',
        actions: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DescribeUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
        resources: [this.pool.userPoolArn],
      }),
    );
  }
}
