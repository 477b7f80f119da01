/**
 * Verifies audit hash chains (functions/_shared/audit.ts) in a DynamoDB table — DynamoDB Local or AWS.
 *
 *   node --import tsx scripts/verify-audit.ts --endpoint http://127.0.0.1:8000 --table dev_registry platform plt_…
 *   node --import tsx scripts/verify-audit.ts --endpoint http://127.0.0.1:8000 --table dev_registry --all
 *
 * --endpoint defaults to AWS_ENDPOINT_URL_DYNAMODB (none: AWS with the default credential chain), --table
 * to REGISTRY_TABLE. Prints `OK …` per chain, or `BROKEN …` naming the first broken record and why.
 * Exit code 0 when every chain verifies, 1 when one is broken, 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/dynamodb.ts';
import { verifyAuditChain, type AuditEntityType, type AuditStore } from '../functions/_shared/audit.ts';

const USAGE = 'usage: verify-audit [--endpoint URL] [--table NAME] [--region R] (--all | ENTITY_TYPE ENTITY_ID)';
const TYPES: readonly AuditEntityType[] = ['platform', 'parameter', 'calendar'];

export interface VerifyOptions {
  readonly endpoint?: string;
  readonly table: string;
  readonly region?: string;
  readonly chains: 'all' | readonly { entityType: AuditEntityType; entityId: string }[];
  readonly print?: (line: string) => void;
}

/** Every chain in the table (an offline tool may scan; functions never do). */
const allChains = async (store: AuditStore) => {
  const found = new Map<string, { entityType: AuditEntityType; entityId: string }>();
  const pages = paginateScan(
    { client: store.client },
    {
      TableName: store.table,
      FilterExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: { ':p': 'AUDIT#' },
      ProjectionExpression: 'pk, entityType, entityId',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) found.set(item.pk as string, { entityType: item.entityType as AuditEntityType, entityId: item.entityId as string });
  }
  return [...found.values()].sort((a, b) => `${a.entityType}#${a.entityId}`.localeCompare(`${b.entityType}#${b.entityId}`));
};

/** Returns true when every chain verifies. */
export const verifyAudit = async (options: VerifyOptions): Promise<boolean> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const store: AuditStore = { client: DynamoDBDocumentClient.from(client), table: options.table };
  try {
    const chains = options.chains === 'all' ? await allChains(store) : options.chains;
    let ok = true;
    for (const { entityType, entityId } of chains) {
      const result = await verifyAuditChain(entityType, entityId, store);
      if (result.ok && result.records === 0) {
        print(`EMPTY ${entityType} ${entityId}: no audit records`);
        ok = false;
      } else if (result.ok) {
        print(`OK ${entityType} ${entityId}: ${result.records} records, head ${result.headHash}`);
      } else {
        print(`BROKEN ${entityType} ${entityId} at sk ${result.broken.sk}: ${result.broken.reason}`);
        ok = false;
      }
    }
    if (chains.length === 0) print('OK no audit chains in the table');
    return ok;
  } finally {
    client.destroy();
  }
};

const main = async (): Promise<number> => {
  let parsed: ReturnType<
    typeof parseArgs<{
      allowPositionals: true;
      options: { endpoint: { type: 'string' }; table: { type: 'string' }; region: { type: 'string' }; all: { type: 'boolean' }; help: { type: 'boolean' } };
    }>
  >;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { endpoint: { type: 'string' }, table: { type: 'string' }, region: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const table = values.table ?? process.env.REGISTRY_TABLE;
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const [type, id] = positionals;
  const valid = table && (values.all ? positionals.length === 0 : positionals.length === 2 && TYPES.includes(type as AuditEntityType));
  if (!valid) {
    console.error(`${table ? '' : 'no table: pass --table or set REGISTRY_TABLE\n'}${USAGE}\nENTITY_TYPE is one of ${TYPES.join(', ')}`);
    return 2;
  }
  const ok = await verifyAudit({
    table,
    ...(endpoint ? { endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
    chains: values.all ? 'all' : [{ entityType: type as AuditEntityType, entityId: id! }],
  });
  return ok ? 0 : 1;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`verify-audit failed: ${error.message}`);
      process.exit(2);
    },
  );
}
