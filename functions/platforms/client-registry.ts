/**
 * Which app client a platform holds, in the registry table:
 *
 * - `CLIENT#{clientId}` / `CLIENT` → platformId: read by functions/_shared/principal.ts and the Lambda
 *   authorizer to turn a client-credentials token into the platform (key from repositories/platform-clients.ts);
 * - `APPCLIENT#{platformId}` / `APPCLIENT` → the platform's current clientId: lets an administrator re-issue
 *   the client (the old mapping is deleted in the same transaction, the old Cognito client afterwards).
 *
 * A first binding is written in the registration's transaction (`bindItems`, with the platform and its
 * audit record); a re-issue's binding is one transaction with its audit record (`bind`).
 *
 * Nothing of the client secret is stored.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { commitAudited, type AuditEntry, type TransactItem } from '../_shared/audit.ts';
import { config } from '../_shared/config.ts';
import { conditionFailed, ddb } from '../_shared/db.ts';
import { clientKey } from '../_shared/repositories/platform-clients.ts';

const currentClientKey = (platformId: string) => ({ pk: `APPCLIENT#${platformId}`, sk: 'APPCLIENT' });

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
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: currentClientKey(platformId), ConsistentRead: true }));
    return Item ? { clientId: String(Item.clientId), issuedAt: String(Item.issuedAt) } : undefined;
  },

  /**
   * The items that map `clientId` to the platform and make it the platform's current client; with
   * `previous`, only if that is still the current client, and its mapping is deleted (from then on the
   * old client's tokens resolve to no platform). Written inside another transaction (a registration).
   */
  bindItems(platformId: string, clientId: string, issuedAt: string, previous?: string): TransactItem[] {
    const table = config.tables.registry;
    return [
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
    ];
  },

  /**
   * `bindItems` and the audit record in one transaction: the binding and its record are written together
   * or not at all. The current client changed meanwhile → ClientChanged.
   */
  async bind(platformId: string, clientId: string, issuedAt: string, previous: string | undefined, audit: AuditEntry, now: Date): Promise<void> {
    try {
      await commitAudited({ items: this.bindItems(platformId, clientId, issuedAt, previous), entry: audit }, now);
    } catch (error) {
      // Only the binding's own conditions (items 0 and 1) mean another client was bound meanwhile.
      if (conditionFailed(error, 0) || conditionFailed(error, 1)) {
        throw new ClientChanged(`The app client of ${platformId} changed meanwhile`);
      }
      throw error;
    }
  },
};
