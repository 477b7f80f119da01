/**
 * App clients of platforms: `CLIENT#{clientId}` / `CLIENT` → platformId (registry table), written when a
 * platform's app client is registered, read to turn a client-credentials token (`client_id`, no role) into
 * a platform principal. Nothing of the client secret is stored.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { ddb } from '../db.ts';

export const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

export const platformClientsRepository = {
  async put(clientId: string, platformId: string, createdAt: string): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.registry,
        Item: { ...clientKey(clientId), type: 'PlatformClient', clientId, platformId, createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },
  async platformOf(clientId: string): Promise<string | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: clientKey(clientId), ProjectionExpression: 'platformId' }));
    return Item?.platformId as string | undefined;
  },
};
