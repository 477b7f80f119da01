/**
 * Port: a platform's app client (OAuth client credentials). Registered when the platform is; the client
 * id is mapped to the platform in the registry (repositories/platform-clients.ts) and the secret is
 * returned to the caller once, never stored by this service and never logged.
 *
 * - `local`: ids and secrets generated here (the local issuer does not check them; `/local/tokens` keeps
 *   minting tokens as before).
 * - `cognito`: CreateUserPoolClient with GenerateSecret and the client_credentials flow on the user pool
 *   `PLATFORM_USER_POOL_ID`. Needs the package `@aws-sdk/client-cognito-identity-provider` (not installed
 *   yet: loaded at run time, so this mode fails clearly until it is added and bundled).
 */
import { randomBytes } from 'node:crypto';
import { config } from '../_shared/config.ts';

export interface PlatformClient {
  readonly clientId: string;
  /** Returned once to the registering admin; never stored, never logged. */
  readonly clientSecret: string;
}

export interface PlatformClients {
  register(platformId: string): Promise<PlatformClient>;
}

export const localPlatformClients: PlatformClients = {
  async register() {
    return { clientId: randomBytes(13).toString('hex'), clientSecret: randomBytes(32).toString('base64url') };
  },
};

/** The slice of the Cognito SDK this adapter uses (structural, so it compiles without the package). */
export interface CognitoClientLike {
  send(command: unknown): Promise<{ UserPoolClient?: { ClientId?: string; ClientSecret?: string } }>;
}

/** Resource-server scopes a platform client may ask for (the user pool's resource server). */
export const PLATFORM_SCOPES = ['claims-api/platform'];

export const cognitoPlatformClients = (
  userPoolId: string,
  connect: () => Promise<{ client: CognitoClientLike; createCommand: (input: Record<string, unknown>) => unknown }>,
): PlatformClients => ({
  async register(platformId) {
    const { client, createCommand } = await connect();
    const out = await client.send(
      createCommand({
        UserPoolId: userPoolId,
        ClientName: `platform-${platformId}`,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: PLATFORM_SCOPES,
        AccessTokenValidity: 60,
        TokenValidityUnits: { AccessToken: 'minutes' },
        PreventUserExistenceErrors: 'ENABLED',
      }),
    );
    const clientId = out.UserPoolClient?.ClientId;
    const clientSecret = out.UserPoolClient?.ClientSecret;
    if (!clientId || !clientSecret) throw new Error('CreateUserPoolClient returned no client id or secret');
    return { clientId, clientSecret };
  },
});

const SDK_PACKAGE = '@aws-sdk/client-cognito-identity-provider';
let sdk: Promise<{ client: CognitoClientLike; createCommand: (input: Record<string, unknown>) => unknown }> | undefined;
const connectCognito = () =>
  (sdk ??= import(SDK_PACKAGE as string).then((mod: any) => ({
    client: new mod.CognitoIdentityProviderClient({}) as CognitoClientLike,
    createCommand: (input: Record<string, unknown>) => new mod.CreateUserPoolClientCommand(input),
  })));

export const platformClients = (): PlatformClients => {
  if (config.platformClients.mode === 'local') return localPlatformClients;
  const pool = config.platformClients.userPoolId;
  if (!pool) throw new Error('Configuration error: PLATFORM_USER_POOL_ID is not set (PLATFORM_CLIENTS_MODE=cognito)');
  return cognitoPlatformClients(pool, connectCognito);
};
