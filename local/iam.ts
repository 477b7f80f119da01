/**
 * The DynamoDB half of IAM, locally: every call a function makes through the functions' DynamoDB client
 * (functions/_shared/db.ts) is checked against that function's table grants in the manifest with the same
 * rule the CDK policy expresses (manifest/tables.ts `allows`: read/readwrite, and the `dynamodb:LeadingKeys`
 * scopes). A denied call fails with `AccessDeniedException`, as in AWS. So a scope too narrow for what a
 * function's repositories really write — which IAM would refuse only in production — fails the local and
 * integration tests that exercise the write.
 *
 * Calls made outside an invocation (the runtime itself, test fixtures) are not checked.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../manifest/functions.ts';
import { allows, type DataAction, TABLES, type TableAccess, type TableId } from '../manifest/tables.ts';

type Item = Record<string, unknown>;
/** One item a call touches: the IAM action authorised for it, its table name and its partition key value. */
interface Touch {
  readonly action: DataAction;
  readonly tableName: string;
  readonly partitionKey: string | undefined;
}

/** `PutCommand` (lib-dynamodb) and `PutItemCommand` (client-dynamodb) → `PutItem`, and so on. */
const operationOf = (commandName: string): string => {
  const name = commandName.replace(/Command$/, '');
  if (['Put', 'Get', 'Update', 'Delete', 'BatchGet', 'BatchWrite'].includes(name)) return `${name}Item`;
  return ['TransactWrite', 'TransactGet'].includes(name) ? `${name}Items` : name;
};

/** A key attribute's value, marshalled (`{ S: … }`) or not. */
const stringOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
};

const tableIdOf = (tableName: string, env: NodeJS.ProcessEnv): TableId | undefined => TABLES.find((t) => env[t.envVar] === tableName)?.id;
const partitionKeyName = (tableName: string, env: NodeJS.ProcessEnv): string => {
  const id = tableIdOf(tableName, env);
  return TABLES.find((t) => t.id === id)?.partitionKey.name ?? 'pk';
};

/** Every item the call touches, with the action IAM authorises it under (a transaction: each item's own action). */
export const touchesOf = (commandName: string, input: Item, env: NodeJS.ProcessEnv): Touch[] => {
  const operation = operationOf(commandName);
  const pkOf = (tableName: string, item: unknown) => stringOf((item as Item | undefined)?.[partitionKeyName(tableName, env)]);
  const table = input.TableName as string;
  switch (operation) {
    case 'PutItem':
      return [{ action: 'PutItem', tableName: table, partitionKey: pkOf(table, input.Item) }];
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ action: operation, tableName: table, partitionKey: pkOf(table, input.Key) }];
    case 'Query':
    case 'Scan':
      return [{ action: operation, tableName: table, partitionKey: undefined }];
    case 'BatchGetItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap(([name, request]) =>
        (request.Keys ?? []).map((key) => ({ action: 'BatchGetItem' as const, tableName: name, partitionKey: pkOf(name, key) })),
      );
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]>).flatMap(
        ([name, requests]) =>
          requests.map((r) => ({ action: 'BatchWriteItem' as const, tableName: name, partitionKey: pkOf(name, r.PutRequest?.Item ?? r.DeleteRequest?.Key) })),
      );
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Record<string, Item>[]).map((entry) => {
        const [kind, part] = Object.entries(entry)[0] as [string, Item];
        const action = `${kind}Item` as DataAction;
        const name = part.TableName as string;
        return { action, tableName: name, partitionKey: pkOf(name, kind === 'Put' ? part.Item : part.Key) };
      });
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get: Item }[]).map(({ Get }) => ({
        action: 'GetItem' as const,
        tableName: Get.TableName as string,
        partitionKey: pkOf(Get.TableName as string, Get.Key),
      }));
    default:
      // DescribeTable, CreateTable… are not data calls a function's grant covers: refused.
      return [{ action: operation as DataAction, tableName: table ?? '', partitionKey: undefined }];
  }
};

/** The first touch the function's grants refuse, or undefined. */
export const deniedTouch = (name: AnyFunctionName, commandName: string, input: Item, env: NodeJS.ProcessEnv): Touch | undefined => {
  const grants = ALL_FUNCTIONS[name].tables as Readonly<Partial<Record<TableId, TableAccess>>>;
  return touchesOf(commandName, input, env).find((touch) => {
    const id = tableIdOf(touch.tableName, env);
    return !allows(id === undefined ? undefined : grants[id], touch.action, touch.partitionKey);
  });
};

class AccessDeniedException extends Error {
  override readonly name = 'AccessDeniedException';
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
}

let installed = false;

/**
 * Checks every call of the functions' DynamoDB client made inside an invocation against the invoked
 * function's grants. `current` names the function being invoked (undefined outside an invocation).
 */
export const enforceTableGrants = (client: DynamoDBClient, current: () => string | undefined): void => {
  if (installed) return;
  installed = true;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = current();
      if (name !== undefined && Object.hasOwn(ALL_FUNCTIONS, name)) {
        const denied = deniedTouch(name as AnyFunctionName, String(context.commandName ?? ''), args.input as Item, process.env);
        if (denied) {
          // The partition key's item type only (the rest of a key may identify a person).
          const itemType = denied.partitionKey?.split('#')[0] ?? '(none)';
          throw new AccessDeniedException(
            `local IAM: function ${name} is not authorized to perform dynamodb:${denied.action} on table ${denied.tableName} (item type ${itemType}): see its tables in manifest/functions.ts`,
          );
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'localTableGrants', priority: 'high' },
  );
};
