/**
 * Port: a platform's app client (OAuth client credentials). Created when the platform is registered (or
 * re-issued by an administrator); the client id is mapped to the platform in the registry and the secret
 * is returned to the caller once, never stored by this service and never logged.
 *
 * - `local`: ids and secrets generated here (the local issuer does not check them; `/local/tokens` keeps
 *   minting tokens as before).
 * - `cognito` (`PLATFORM_CLIENTS_MODE=cognito`, `PLATFORM_USER_POOL_ID`): CreateUserPoolClient with
 *   GenerateSecret and the client_credentials flow on the platform pool; DeleteUserPoolClient to revoke,
 *   only for a client that DescribeUserPoolClient shows to be a platform's (named `platform-…`,
 *   client credentials only). The real limit is IAM: this function's Cognito rights are on the platform
 *   pool alone, which holds no person's app client (lib/constructs/identity.ts); the check keeps the pilot
 *   client and any hand-made client of that pool out of reach too.
 *   The SDK client is imported statically so esbuild bundles it into this function only.
 */
import { randomBytes } from 'node:crypto';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../_shared/config.ts';
import { traced } from '../_shared/tracing.ts';
import { PLATFORM_CLIENT_NAME_PREFIX, PLATFORM_SCOPES } from '../../manifest/identity.ts';

export { PLATFORM_SCOPES } from '../../manifest/identity.ts';

export interface PlatformClient {
  readonly clientId: string;
  /** Returned once to the registering admin; never stored, never logged. */
  readonly clientSecret: string;
}

export interface PlatformClients {
  /** Creates a new app client for the platform. */
  create(platformId: string): Promise<PlatformClient>;
  /** Deletes an app client (tokens it already holds stay valid until they expire; see docs/security.md). Idempotent. */
  remove(clientId: string): Promise<void>;
}

const localPlatformClients: PlatformClients = {
  async create() {
    return { clientId: randomBytes(13).toString('hex'), clientSecret: randomBytes(32).toString('base64url') };
  },
  async remove() {},
};

/** Lifetime of a platform's access tokens (minutes). */
const PLATFORM_ACCESS_TOKEN_MINUTES = 60;

export const cognitoPlatformClients = (userPoolId: string, cognito: Pick<CognitoIdentityProviderClient, 'send'>): PlatformClients => ({
  async create(platformId) {
    const out = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: `${PLATFORM_CLIENT_NAME_PREFIX}${platformId}`,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: [...PLATFORM_SCOPES],
        AccessTokenValidity: PLATFORM_ACCESS_TOKEN_MINUTES,
        TokenValidityUnits: { AccessToken: 'minutes' },
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
      }),
    );
    const clientId = out.UserPoolClient?.ClientId;
    const clientSecret = out.UserPoolClient?.ClientSecret;
    if (!clientId || !clientSecret) throw new Error('CreateUserPoolClient returned no client id or secret');
    return { clientId, clientSecret };
  },
  async remove(clientId) {
    try {
      const { UserPoolClient: client } = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      if (!isPlatformClient(client)) throw new NotAPlatformClient(clientId);
      await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error; // already gone: nothing to revoke
    }
  },
});

/** A client this function created: named `platform-{platformId}`, client credentials and nothing else. */
const isPlatformClient = (client: { ClientName?: string; AllowedOAuthFlows?: string[]; ExplicitAuthFlows?: string[] } | undefined): boolean =>
  !!client?.ClientName?.startsWith(PLATFORM_CLIENT_NAME_PREFIX) &&
  JSON.stringify(client.AllowedOAuthFlows ?? []) === JSON.stringify(['client_credentials']) &&
  (client.ExplicitAuthFlows ?? []).every((flow) => flow === 'ALLOW_REFRESH_TOKEN_AUTH');

/** Refused: the client is not a platform's (the pilot client, or a client made by hand). Nothing is deleted. */
class NotAPlatformClient extends Error {
  override readonly name = 'NotAPlatformClient';
  constructor(clientId: string) {
    super(`App client ${clientId} is not a platform's client: not deleted`);
  }
}

let cognitoClient: CognitoIdentityProviderClient | undefined;

/** The adapter chosen by configuration (validated once; a missing pool id is a configuration error). */
export const platformClients = (): PlatformClients => {
  if (config.platformClients.mode === 'local') return localPlatformClients;
  const pool = config.platformClients.userPoolId;
  if (!pool) throw new Error('Configuration error: PLATFORM_USER_POOL_ID is not set (PLATFORM_CLIENTS_MODE=cognito)');
  cognitoClient ??= traced(new CognitoIdentityProviderClient({}));
  return cognitoPlatformClients(pool, cognitoClient);
};
