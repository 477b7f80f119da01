/**
 * App clients of platforms: `CLIENT#{clientId}` / `CLIENT` → platformId (registry table), written by the
 * client registry (functions/platforms/client-registry.ts) in the transaction that binds a platform's app
 * client, read to turn a client-credentials token (`client_id`, no role) into a platform principal.
 * Nothing of the client secret is stored.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { ddb } from '../db.ts';

export const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

export const platformClientsRepository = {
  async platformOf(clientId: string): Promise<string | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: clientKey(clientId), ProjectionExpression: 'platformId' }));
    return Item?.platformId as string | undefined;
  },
};
