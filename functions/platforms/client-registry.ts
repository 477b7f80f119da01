/**
 * Which app client a platform holds, in the registry table:
 *
 * - `CLIENT#{clientId}` / `CLIENT` → platformId: read by functions/_shared/principal.ts and the Lambda
 *   authorizer to turn a client-credentials token into the platform (key from repositories/platform-clients.ts);
 * - `APPCLIENT#{platformId}` / `APPCLIENT` → the platform's current clientId: lets an administrator re-issue
 *   the client (the old mapping is deleted in the same transaction, the old Cognito client afterwards).
 *
 * Nothing of the client secret is stored.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../_shared/config.ts';
import { ddb } from '../_shared/db.ts';
import { clientKey } from '../_shared/repositories/platform-clients.ts';

export const currentClientKey = (platformId: string) => ({ pk: `APPCLIENT#${platformId}`, sk: 'APPCLIENT' });

/** Another request bound a client to this platform meanwhile. */
export class ClientChanged extends Error {
  override readonly name = 'ClientChanged';
}

export interface BoundClient {
  readonly clientId: string;
  readonly issuedAt: string;
}

export const clientRegistry = {
  async current(platformId: string): Promise<BoundClient | undefined> {
    const { Item } = await ddb.send(
      new GetCommand({ TableName: config.tables.registry, Key: currentClientKey(platformId), ConsistentRead: true }),
    );
    return Item ? { clientId: String(Item.clientId), issuedAt: String(Item.issuedAt) } : undefined;
  },

  /**
   * Maps `clientId` to the platform and makes it the platform's current client, atomically; with
   * `previous`, only if that is still the current client, and its mapping is deleted in the same
   * transaction (from then on the old client's tokens resolve to no platform).
   */
  async bind(platformId: string, clientId: string, issuedAt: string, previous?: string): Promise<void> {
    const table = config.tables.registry;
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { ...clientKey(clientId), type: 'PlatformClient', clientId, platformId, createdAt: issuedAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table,
                Item: { ...currentClientKey(platformId), type: 'PlatformCurrentClient', platformId, clientId, issuedAt },
                ...(previous
                  ? { ConditionExpression: 'clientId = :previous', ExpressionAttributeValues: { ':previous': previous } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            ...(previous ? [{ Delete: { TableName: table, Key: clientKey(previous) } }] : []),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new ClientChanged(`The app client of ${platformId} changed meanwhile`);
      }
      throw error;
    }
  },

  /** Undoes `bind` of a first client (a registration that failed after it): both items, if still this client's. */
  async unbind(platformId: string, clientId: string): Promise<void> {
    const table = config.tables.registry;
    await ddb.send(new DeleteCommand({ TableName: table, Key: clientKey(clientId), ConditionExpression: 'platformId = :p', ExpressionAttributeValues: { ':p': platformId } })).catch(ignoreConditionFailed);
    await ddb.send(new DeleteCommand({ TableName: table, Key: currentClientKey(platformId), ConditionExpression: 'clientId = :c', ExpressionAttributeValues: { ':c': clientId } })).catch(ignoreConditionFailed);
  },
};

const ignoreConditionFailed = (error: unknown) => {
  if ((error as { name?: string })?.name !== 'ConditionalCheckFailedException') throw error;
};
