/**
 * Verifies the keyed audit chains and their signed anchors (docs/security.md, "Audit trail";
 * docs/operations.md, "Verifying the audit") — DynamoDB Local and the local S3, or AWS.
 *
 *   node --import tsx scripts/verify-audit.ts --local-keys DIR/audit-keys.json --endpoint http://127.0.0.1:8000 \
 *     --table dev_registry --audit-table dev_audit --anchor-bucket injury-claims-local-audit-anchors \
 *     --s3-endpoint http://127.0.0.1:PORT --all
 *   node --import tsx scripts/verify-audit.ts --mac-key-id alias/injury-claims-prod-audit-mac \
 *     --signing-key-id alias/injury-claims-prod-audit-anchor --table injury-claims-prod-registry \
 *     --audit-table injury-claims-prod-audit --anchor-bucket injury-claims-prod-audit-anchors-… --all
 *   … platform plt_…      one registry chain
 *   … ledger              the cases ledger only
 *
 * Chains: every record's sequence (no gap), its link to the previous record and its MAC (VerifyMac with
 * `--mac-key-id`; the local key with `--local-keys` or AUDIT_MAC_LOCAL_KEY). A chain recomputed by someone
 * without the key — plain SHA-256 or a guessed key — fails at the first edited record.
 * Anchors (with `--anchor-bucket`): each anchor's ECDSA P-256 signature with the public key (`--public-key
 * PEM`, the public half in `--local-keys`, or KMS GetPublicKey of `--signing-key-id`), then every head it
 * signed must still be in its chain with the same hash: a deleted tail or a deleted chain is named.
 *
 * Prints `OK …`, `EMPTY …`, `BROKEN …`, `ANCHOR OK …`, `ANCHOR BROKEN …`. Exit code 0 when everything
 * verifies, 1 when something is broken, 2 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { KeyObject } from 'node:crypto';
import { AUDIT_ANCHOR_PREFIX } from '../manifest/audit.ts';
import { auditSk, verifyAuditChain, type AuditEntityType, type AuditStore } from '../functions/_shared/audit.ts';
import { parseAnchor } from '../functions/_shared/audit-anchor.ts';
import { anchorPublicKey, type AuditMac, kmsAuditMac, localAuditMac, verifyAnchorSignature } from '../functions/_shared/audit-keys.ts';
import { LEDGER_CHAIN, verifyLedger } from '../functions/_shared/audit-ledger.ts';
import { readAuditKeys } from '../local/audit-keys.ts';
import { LOCAL_CREDENTIALS } from '../local/dynamodb.ts';

const USAGE =
  'usage: verify-audit [--endpoint URL] [--table REGISTRY] [--audit-table AUDIT] [--region R]\n' +
  '                    [--local-keys FILE | --mac-key-id KEY [--signing-key-id KEY] | --public-key PEM]\n' +
  '                    [--anchor-bucket NAME [--s3-endpoint URL]] (--all | ledger | ENTITY_TYPE ENTITY_ID)';
const TYPES: readonly AuditEntityType[] = ['platform', 'parameter', 'calendar', 'declaration'];

type Chain = { readonly entityType: AuditEntityType; readonly entityId: string } | 'ledger';

export interface VerifyOptions {
  readonly endpoint?: string;
  /** The registry table (its chains and AUDITHEADS). */
  readonly table: string;
  /** The audit table (the cases ledger); without it the ledger is not verified. */
  readonly auditTable?: string;
  readonly region?: string;
  readonly mac: AuditMac;
  readonly chains: 'all' | readonly Chain[];
  /** Anchors to verify: the bucket, where S3 is (local), and the public key. */
  readonly anchors?: { readonly bucket: string; readonly s3Endpoint?: string; readonly publicKey: KeyObject };
  readonly print?: (line: string) => void;
}

/** Every registry chain in the table (an offline tool may scan; functions never do). */
const allChains = async (store: Pick<AuditStore, 'client' | 'table'>) => {
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

const readText = async (body: unknown): Promise<string> => (body as { transformToString(): Promise<string> }).transformToString();

/** Returns true when every chain and anchor verifies. */
export const verifyAudit = async (options: VerifyOptions): Promise<boolean> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const region = options.region ?? process.env.AWS_REGION ?? 'cn-north-1';
  const client = new DynamoDBClient({ region, ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}) });
  const doc = DynamoDBDocumentClient.from(client);
  const registry: AuditStore = { client: doc, table: options.table, mac: options.mac };
  const audit: AuditStore | undefined = options.auditTable ? { client: doc, table: options.auditTable, mac: options.mac } : undefined;
  let ok = true;
  try {
    const wanted = options.chains === 'all' ? [...(await allChains(registry)), ...(audit ? (['ledger'] as const) : [])] : options.chains;
    for (const chain of wanted) {
      if (chain === 'ledger') {
        if (!audit) throw new Error('the ledger needs --audit-table');
        const result = await verifyLedger(audit);
        if (result.ok && result.records === 0) {
          // No case changed yet, or the whole ledger was deleted: the anchors tell which.
          print(`EMPTY ledger ${LEDGER_CHAIN}: no records`);
          if (options.chains !== 'all') ok = false;
        } else if (result.ok) print(`OK ledger ${LEDGER_CHAIN}: ${result.records} records, head ${result.headHash}`);
        else {
          print(`BROKEN ledger ${LEDGER_CHAIN} at sk ${result.broken.sk}: ${result.broken.reason}`);
          ok = false;
        }
        continue;
      }
      const { entityType, entityId } = chain;
      const result = await verifyAuditChain(entityType, entityId, registry);
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
    if (options.chains === 'all' && wanted.length === 0) print('OK no audit chains in the table');
    if (options.anchors) ok = (await verifyAnchors(options.anchors, registry, audit, region, print)) && ok;
    else print('ANCHORS not checked (no --anchor-bucket): a deleted tail is not detected without them');
    return ok;
  } finally {
    client.destroy();
  }
};

/** Every anchor: its signature, then each head it signed still in its chain with that hash. */
const verifyAnchors = async (
  anchors: NonNullable<VerifyOptions['anchors']>,
  registry: AuditStore,
  audit: AuditStore | undefined,
  region: string,
  print: (line: string) => void,
): Promise<boolean> => {
  const s3 = new S3Client({
    region,
    ...(anchors.s3Endpoint ? { endpoint: anchors.s3Endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } } : {}),
  });
  let ok = true;
  let count = 0;
  try {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: anchors.bucket, Prefix: AUDIT_ANCHOR_PREFIX })) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
    keys.sort();
    for (const key of keys) {
      count++;
      const broken = (reason: string) => {
        print(`ANCHOR BROKEN ${key}: ${reason}`);
        ok = false;
      };
      let parsed: ReturnType<typeof parseAnchor>;
      try {
        parsed = parseAnchor(await readText((await s3.send(new GetObjectCommand({ Bucket: anchors.bucket, Key: key }))).Body));
      } catch (error) {
        broken(`not an anchor (${(error as Error).message.split('\n')[0]})`);
        continue;
      }
      if (!verifyAnchorSignature(anchors.publicKey, parsed.signed, parsed.signature)) {
        broken('the signature does not verify with the public key');
        continue;
      }
      let missing = 0;
      for (const head of parsed.statement.heads) {
        const store = head.chain === LEDGER_CHAIN ? audit : registry;
        if (!store) continue;
        const { Item } = await store.client.send(
          new GetCommand({ TableName: store.table, Key: { pk: head.chain, sk: auditSk(head.seq) }, ConsistentRead: true }),
        );
        if (!Item) {
          broken(`chain ${head.chain}: record ${head.seq} signed at ${parsed.statement.anchoredAt} is missing (deleted tail or chain)`);
          missing++;
        } else if (Item.hash !== head.hash) {
          broken(`chain ${head.chain}: record ${head.seq} has hash ${String(Item.hash)}, the anchor signed ${head.hash} (chain rewritten)`);
          missing++;
        }
      }
      if (missing === 0) print(`ANCHOR OK ${key}: ${parsed.statement.heads.length} heads signed at ${parsed.statement.anchoredAt} still in their chains`);
    }
    if (count === 0) {
      print(`ANCHOR BROKEN ${anchors.bucket}: no anchors under ${AUDIT_ANCHOR_PREFIX}`);
      ok = false;
    }
    return ok;
  } finally {
    s3.destroy();
  }
};

const OPTIONS = {
  endpoint: { type: 'string' },
  table: { type: 'string' },
  'audit-table': { type: 'string' },
  region: { type: 'string' },
  'local-keys': { type: 'string' },
  'mac-key-id': { type: 'string' },
  'signing-key-id': { type: 'string' },
  'public-key': { type: 'string' },
  'anchor-bucket': { type: 'string' },
  's3-endpoint': { type: 'string' },
  all: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

const main = async (): Promise<number> => {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: typeof OPTIONS }>>;
  try {
    parsed = parseArgs({ allowPositionals: true, options: OPTIONS });
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
  const auditTable = values['audit-table'] ?? process.env.AUDIT_TABLE;
  const endpoint = values.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const [type, id] = positionals;
  const ledgerOnly = positionals.length === 1 && type === 'ledger';
  const valid =
    table && (values.all ? positionals.length === 0 : ledgerOnly ? Boolean(auditTable) : positionals.length === 2 && TYPES.includes(type as AuditEntityType));
  const localKeys = values['local-keys'] ? readAuditKeys(values['local-keys']) : undefined;
  const region = values.region ?? process.env.AWS_REGION ?? 'cn-north-1';
  const kms = values['mac-key-id'] || values['signing-key-id'] ? new KMSClient({ region }) : undefined;
  const envMacKey = process.env.AUDIT_MAC_LOCAL_KEY;
  const mac = values['mac-key-id']
    ? kmsAuditMac(kms!, values['mac-key-id'])
    : localKeys
      ? localAuditMac(Buffer.from(localKeys.macKey, 'base64'))
      : envMacKey
        ? localAuditMac(Buffer.from(envMacKey, 'base64'))
        : undefined;
  if (!valid || !mac) {
    console.error(
      `${table ? '' : 'no table: pass --table or set REGISTRY_TABLE\n'}${mac ? '' : 'no MAC key: pass --mac-key-id or --local-keys (or set AUDIT_MAC_LOCAL_KEY)\n'}${USAGE}\nENTITY_TYPE is one of ${TYPES.join(', ')}`,
    );
    return 2;
  }
  let publicKey: KeyObject | undefined;
  if (values['anchor-bucket']) {
    if (values['public-key']) publicKey = anchorPublicKey(readFileSync(values['public-key'], 'utf8'));
    else if (localKeys) publicKey = anchorPublicKey(localKeys.signingPublicKeyPem);
    else if (values['signing-key-id']) {
      const { PublicKey } = await kms!.send(new GetPublicKeyCommand({ KeyId: values['signing-key-id'] }));
      if (!PublicKey) throw new Error('KMS GetPublicKey returned no key');
      publicKey = anchorPublicKey(PublicKey);
    } else {
      console.error(`--anchor-bucket needs the public key: --public-key, --local-keys or --signing-key-id\n${USAGE}`);
      return 2;
    }
  }
  try {
    const ok = await verifyAudit({
      table: table!,
      ...(auditTable ? { auditTable } : {}),
      ...(endpoint ? { endpoint } : {}),
      region,
      mac,
      chains: values.all ? 'all' : ledgerOnly ? ['ledger'] : [{ entityType: type as AuditEntityType, entityId: id! }],
      ...(values['anchor-bucket'] && publicKey
        ? { anchors: { bucket: values['anchor-bucket'], publicKey, ...(values['s3-endpoint'] ? { s3Endpoint: values['s3-endpoint'] } : {}) } }
        : {}),
    });
    return ok ? 0 : 1;
  } finally {
    kms?.destroy();
  }
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
