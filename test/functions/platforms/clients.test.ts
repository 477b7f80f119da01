/**
 * The `cognito` adapter of the platform-clients port (functions/platforms/clients.ts), selected by
 * PLATFORM_CLIENTS_MODE=cognito: the CreateUserPoolClient / DeleteUserPoolClient it sends, its error
 * paths, and the registration and re-issue routes on top of it — the secret reaches the response only
 * (never DynamoDB, never a log line), and a client creation that fails leaves nothing behind.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  LimitExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';
import { platformBody, storedPlatformA } from '../../support/fixtures.ts';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
  process.env.PLATFORM_CLIENTS_MODE = 'cognito';
  process.env.PLATFORM_USER_POOL_ID = 'cn-north-1_TestPool1';
});

const { cognitoPlatformClients, platformClients, PLATFORM_SCOPES } = await import('../../../functions/platforms/clients.ts');
const { handler } = await import('../../../functions/platforms/handler.ts');

const cognito = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const POOL = 'cn-north-1_TestPool1';
const SECRET = 'c2VjcmV0LW9mLXRoZS1wbGF0Zm9ybS1jbGllbnQtMDEyMzQ1Njc4OWFiY2RlZg';
const admin = { sub: 'admin-1', role: 'admin' };

let lines: string[] = [];
/** What DescribeUserPoolClient shows for a client the adapter created (the only kind it may delete). */
const PLATFORM_CLIENT_SHAPE = {
  ClientName: 'platform-plt_any',
  AllowedOAuthFlows: ['client_credentials' as const],
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH' as const],
};

beforeEach(() => {
  cognito.reset();
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: PLATFORM_CLIENT_SHAPE });
  ddb.reset();
  ddb.on(QueryCommand).resolves({ Items: [] }); // audit chain head: empty
  ddb.on(PutCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  lines = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
});
afterEach(() => vi.restoreAllMocks());

const dynamoText = () => JSON.stringify(ddb.calls().map((call) => call.args[0].input));

describe('cognito adapter of the platform-clients port', () => {
  it('creates a confidential client-credentials client with the platform scope and 60-minute tokens', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'abc123clientid', ClientSecret: SECRET } });

    const client = await cognitoPlatformClients(POOL, new CognitoIdentityProviderClient({})).create('plt_1');

    expect(client).toEqual({ clientId: 'abc123clientid', clientSecret: SECRET });
    expect(cognito).toHaveReceivedCommandExactlyOnceWith(CreateUserPoolClientCommand, {
      UserPoolId: POOL,
      ClientName: 'platform-plt_1',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['claims-api/platform'],
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: 'minutes' },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(PLATFORM_SCOPES).toEqual(['claims-api/platform']);
  });

  it('propagates a Cognito error, and refuses an answer without id or secret', async () => {
    const adapter = cognitoPlatformClients(POOL, new CognitoIdentityProviderClient({}));
    cognito.on(CreateUserPoolClientCommand).rejects(new LimitExceededException({ message: 'Too many clients', $metadata: {} }));

    await expect(adapter.create('plt_1')).rejects.toBeInstanceOf(LimitExceededException);

    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'abc' } });

    await expect(adapter.create('plt_1')).rejects.toThrow(/no client id or secret/);
  });

  it('deletes a client, treating one that is already gone as deleted', async () => {
    const adapter = cognitoPlatformClients(POOL, new CognitoIdentityProviderClient({}));
    cognito
      .on(DeleteUserPoolClientCommand)
      .resolvesOnce({})
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    await adapter.remove('old1');
    await adapter.remove('old2');

    expect(cognito).toHaveReceivedCommandTimes(DeleteUserPoolClientCommand, 2);
    expect(cognito).toHaveReceivedNthCommandWith(DeleteUserPoolClientCommand, 1, { UserPoolId: POOL, ClientId: 'old1' });
    expect(cognito).toHaveReceivedNthCommandWith(DeleteUserPoolClientCommand, 2, { UserPoolId: POOL, ClientId: 'old2' });

    // Any other error propagates.
    cognito.on(DeleteUserPoolClientCommand).rejects(new LimitExceededException({ message: 'slow down', $metadata: {} }));

    await expect(adapter.remove('old3')).rejects.toBeInstanceOf(LimitExceededException);
  });

  it("looks the client up in the platform pool first and deletes only a platform's client (issue 17)", async () => {
    const adapter = cognitoPlatformClients(POOL, new CognitoIdentityProviderClient({}));
    cognito.on(DeleteUserPoolClientCommand).resolves({});
    cognito
      .on(DescribeUserPoolClientCommand, { ClientId: 'staffapp' })
      .resolves({ UserPoolClient: { ClientName: 'staff-and-worker-apps-dev', AllowedOAuthFlows: ['code'], ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] } })
      .on(DescribeUserPoolClientCommand, { ClientId: 'pilot' })
      .resolves({ UserPoolClient: { ClientName: 'pilot-m2m-dev', AllowedOAuthFlows: ['client_credentials'] } })
      .on(DescribeUserPoolClientCommand, { ClientId: 'renamed' })
      .resolves({ UserPoolClient: { ClientName: 'platform-plt_9', AllowedOAuthFlows: ['client_credentials', 'code'] } });

    for (const clientId of ['staffapp', 'pilot', 'renamed']) {
      await expect(adapter.remove(clientId), clientId).rejects.toMatchObject({ name: 'NotAPlatformClient' });
    }
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);

    await adapter.remove('plt9client');
    expect(cognito).toHaveReceivedCommandWith(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: 'plt9client' });
    expect(cognito).toHaveReceivedCommandExactlyOnceWith(DeleteUserPoolClientCommand, { UserPoolId: POOL, ClientId: 'plt9client' });
  });

  it('is the adapter PLATFORM_CLIENTS_MODE=cognito selects, on PLATFORM_USER_POOL_ID', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'fromconfig', ClientSecret: SECRET } });

    const client = await platformClients().create('plt_2');

    expect(client.clientId).toBe('fromconfig');
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolClientCommand, { UserPoolId: POOL });
  });
});

describe('POST /v1/platforms with the cognito adapter', () => {
  const register = () => handler(httpEvent('POST /v1/platforms', { claims: admin, body: platformBody() }), lambdaContext);

  it('answers the Cognito client once: bound in the registry by id, the secret in no write and no log line', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'newclient0001', ClientSecret: SECRET } });

    const res = await register();

    expect(res.statusCode).toBe(201);
    const body = bodyOf(res);
    expect(body).toMatchObject({ clientId: 'newclient0001', clientSecret: SECRET });
    // One transaction: credit-code guard, profile, client binding, the directory entry (D19's month close walks
    // it), the audit record and its chain's head (what the anchor signs), all or nothing.
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((item) => item.Put?.Item?.pk)).toEqual([
      `CREDITCODE#${body.creditCode}`,
      `PLATFORM#${body.platformId}`,
      'CLIENT#newclient0001',
      `APPCLIENT#${body.platformId}`,
      'PLATFORMS',
      `AUDIT#platform#${body.platformId}`,
      'AUDITHEADS',
    ]);
    expect(items[4]!.Put).toMatchObject({ Item: { sk: body.platformId, platformId: body.platformId } });
    expect(items[5]!.Put).toMatchObject({ ConditionExpression: 'attribute_not_exists(pk)', Item: { sk: '0000000001', action: 'platform.registered' } });
    expect(dynamoText()).not.toContain(SECRET);
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('writes nothing when the client cannot be created (500 problem+json; a retry starts clean)', async () => {
    cognito.on(CreateUserPoolClientCommand).rejects(new LimitExceededException({ message: 'Too many clients', $metadata: {} }));

    const res = await register();

    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toContain('application/problem+json');
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('deletes the new client again when the platform cannot be written (duplicate credit code → 409; one cancelled transaction, nothing to undo in DynamoDB)', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'dupclient0001', ClientSecret: SECRET } });
    cognito.on(DeleteUserPoolClientCommand).resolves({});
    const codes = ['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None'];
    ddb
      .on(TransactWriteCommand)
      .rejects(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) }));

    const res = await register();

    expect(res.statusCode).toBe(409);
    expect(bodyOf(res)).toMatchObject({ status: 409, errors: [{ path: 'creditCode' }] });
    expect(cognito).toHaveReceivedCommandExactlyOnceWith(DeleteUserPoolClientCommand, { ClientId: 'dupclient0001' });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1); // not retried: the change's own condition
    expect(ddb).not.toHaveReceivedCommand(DeleteCommand);
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('retries on the new head when another writer took the audit key, writing the platform exactly once (201)', async () => {
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'raceclient001', ClientSecret: SECRET } });
    const codes = ['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed'];
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) }))
      .resolves({});

    const res = await register();

    expect(res.statusCode).toBe(201);
    const [lost, won] = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(won!.slice(0, 5)).toEqual(lost!.slice(0, 5));
    expect(cognito).not.toHaveReceivedCommand(DeleteUserPoolClientCommand);
  });
});

describe('POST /v1/platforms/{platformId}/client with the cognito adapter', () => {
  const reissue = (claims: Record<string, string> = admin) =>
    handler(httpEvent('POST /v1/platforms/{platformId}/client', { claims, pathParameters: { platformId: 'plt_a' } }), lambdaContext);
  const platformItem = storedPlatformA;

  it('binds the new client in place of the old one, then deletes the old one from the pool', async () => {
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_a', sk: 'PROFILE' } }).resolves({ Item: platformItem });
    ddb.on(GetCommand, { Key: { pk: 'APPCLIENT#plt_a', sk: 'APPCLIENT' } }).resolves({ Item: { clientId: 'oldclient', issuedAt: '2026-01-01T00:00:00.000Z' } });
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'newclient', ClientSecret: SECRET } });
    cognito.on(DeleteUserPoolClientCommand).resolves({});

    const res = await reissue();

    expect(res.statusCode).toBe(201);
    expect(bodyOf(res)).toEqual({ platformId: 'plt_a', clientId: 'newclient', clientSecret: SECRET });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[1]!.Put).toMatchObject({ ConditionExpression: 'clientId = :previous', ExpressionAttributeValues: { ':previous': 'oldclient' } });
    expect(items[2]!.Delete!.Key).toEqual({ pk: 'CLIENT#oldclient', sk: 'CLIENT' });
    // The re-issue's audit record is in the same transaction as the binding.
    expect(items[3]!.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: 'AUDIT#platform#plt_a', action: 'platform.clientIssued', before: { clientId: 'oldclient' }, after: { clientId: 'newclient' } },
    });
    expect(items[4]!.Put).toMatchObject({ Item: { pk: 'AUDITHEADS', sk: 'platform#plt_a', chain: 'AUDIT#platform#plt_a' } });
    expect(items).toHaveLength(5);
    expect(cognito).toHaveReceivedCommandExactlyOnceWith(DeleteUserPoolClientCommand, { ClientId: 'oldclient' });
    expect(dynamoText()).not.toContain(SECRET);
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('answers 409 and deletes its own new client when another re-issue won the race', async () => {
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_a', sk: 'PROFILE' } }).resolves({ Item: platformItem });
    ddb.on(GetCommand, { Key: { pk: 'APPCLIENT#plt_a', sk: 'APPCLIENT' } }).resolves({ Item: { clientId: 'oldclient', issuedAt: '2026-01-01T00:00:00.000Z' } });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'loser', ClientSecret: SECRET } });
    cognito.on(DeleteUserPoolClientCommand).resolves({});

    const res = await reissue();

    expect(res.statusCode).toBe(409);
    expect(cognito).toHaveReceivedCommandExactlyOnceWith(DeleteUserPoolClientCommand, { ClientId: 'loser' });
  });

  it('creates nothing for an unknown platform (404) or a caller who is not an admin (403)', async () => {
    ddb.on(GetCommand).resolves({});

    const unknown = await reissue();

    const notAdmin = await reissue({ sub: 'h', role: 'handler' });

    expect(unknown.statusCode).toBe(404);
    expect(notAdmin.statusCode).toBe(403);
    expect(cognito).not.toHaveReceivedAnyCommand();
  });
});
