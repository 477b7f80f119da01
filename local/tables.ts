/**
 * Creates the tables of manifest/tables.ts in DynamoDB Local: the same keys, GSIs, projections and TTL
 * the CDK stack creates in AWS. Idempotent: an existing table is left as it is.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type KeyAttribute, type TableDefinition } from '../manifest/tables.ts';

export interface CreateTablesOptions {
  /** Prepended to every table id: isolates test files sharing one DynamoDB Local. */
  readonly prefix?: string;
  readonly tables?: readonly TableDefinition[];
}

/** `{ REGISTRY_TABLE: 'registry', ... }` (with the prefix). */
export type TableNames = Record<string, string>;

const tableName = (table: TableDefinition, prefix = ''): string => `${prefix}${table.id}`;

function keySchema(pk: KeyAttribute, sk?: KeyAttribute): KeySchemaElement[] {
  return sk
    ? [
        { AttributeName: pk.name, KeyType: 'HASH' },
        { AttributeName: sk.name, KeyType: 'RANGE' },
      ]
    : [{ AttributeName: pk.name, KeyType: 'HASH' }];
}

function createTableInput(table: TableDefinition, name: string) {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (a?: KeyAttribute) => {
    if (!a) return;
    const known = attributes.get(a.name);
    if (known && known.AttributeType !== a.type) throw new Error(`${table.id}: attribute ${a.name} declared as ${known.AttributeType} and ${a.type}`);
    attributes.set(a.name, { AttributeName: a.name, AttributeType: a.type });
  };
  add(table.partitionKey);
  add(table.sortKey);
  const indexes: GlobalSecondaryIndex[] = (table.globalSecondaryIndexes ?? []).map((index) => {
    add(index.partitionKey);
    add(index.sortKey);
    return {
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection:
        index.projection === 'ALL'
          ? { ProjectionType: 'ALL' }
          : index.projection.length === 0
            ? { ProjectionType: 'KEYS_ONLY' }
            : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projection] },
    };
  });
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(table.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } } : {}),
  };
}

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

async function createOne(client: DynamoDBClient, table: TableDefinition, name: string): Promise<void> {
  if (await exists(client, name)) {
    // A table kept with --persist from before it had a stream gets its stream now.
    if (!table.stream) return;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }));
    }
    return;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(table, name)));
  } catch (error) {
    // Created concurrently by someone else: fine, it is the same definition.
    if (error instanceof ResourceInUseException || (error as Error).name === 'ResourceInUseException') return;
    throw error;
  }
  if (table.timeToLiveAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

export async function createTables(client: DynamoDBClient, options: CreateTablesOptions = {}): Promise<TableNames> {
  const tables = options.tables ?? TABLES;
  const names: TableNames = {};
  await Promise.all(
    tables.map(async (table) => {
      const name = tableName(table, options.prefix);
      names[table.envVar] = name;
      await createOne(client, table, name);
    }),
  );
  return names;
}
