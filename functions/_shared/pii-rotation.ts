/**
 * Online re-encryption of every personal field (field encryption v2 rotation, docs/security.md runbook),
 * used by `scripts/rotate-pii-key.ts` and its test.
 *
 * One pass scans the registry, cases and events tables page by page (parallel segments) and, for each item
 * holding a field that is not under the active encryption key (a v1 ciphertext, a retired key, or a name or
 * birth date stored in clear before v2), writes the field re-encrypted under the active key with a
 * conditional UpdateItem: only if every field it changes still holds the value read. A concurrent write
 * (which encrypts under the active key itself) therefore wins, and the pass reads the item again; nothing
 * the system writes meanwhile is overwritten with older data, and no other attribute (version, status) is
 * touched. Look-up hashes under a retired look-up key are re-indexed the same way: the person's index entry
 * moves to the active key's hash (one transaction: the new entry, the old one deleted if still the same
 * person) and each platform link's `idHash` is replaced, from the ID number and name decrypted from the
 * worker's profile.
 *
 * Passes repeat until one finds nothing stale (a write that copied an older payee ciphertext meanwhile is
 * caught by the next pass), at most `maxPasses`. Every ciphertext is decrypted with its context on the way,
 * so a pass also verifies: a ciphertext that does not decrypt in its place is reported (table, key, field;
 * never a value) and left as it is.
 */
import { type DynamoDBDocumentClient, GetCommand, paginateScan, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, mapLimit } from './db.ts';
import { type FieldContext, PiiCiphertextRefused, type PiiProtector } from './pii.ts';
import { piiFields } from './pii-fields.ts';

export interface RotationStore {
  readonly client: DynamoDBDocumentClient;
  readonly tables: { readonly registry: string; readonly cases: string; readonly events: string };
}

export interface RotationOptions {
  /** Parallel scan segments per table (default 4). */
  readonly segments?: number;
  /** Items per scan page (default 100). */
  readonly pageSize?: number;
  /** Passes at most (default 5). */
  readonly maxPasses?: number;
  /** Count what is stale without writing (the runbook's check before removing a retired key). */
  readonly verifyOnly?: boolean;
  readonly log?: (line: string) => void;
}

export interface RotationReport {
  readonly passes: number;
  /** Items scanned in the last pass. */
  readonly scanned: number;
  /** Fields re-encrypted (or encrypted from clear) over all passes. */
  readonly reencrypted: number;
  /** Look-up entries (persons, links) moved to the active look-up key over all passes. */
  readonly reindexed: number;
  /** Conditional writes that lost to a concurrent write and were read again (the online part at work). */
  readonly contended: number;
  /** Stale fields or look-up entries the last pass found (0 after a complete rotation). */
  readonly stale: number;
  /** Ciphertexts refused in their place (moved, altered, or of a key not in the ring): `table pk sk field: reason`. */
  readonly refused: readonly string[];
}

type Segment = string | number;
type Item = Record<string, unknown>;

/** One field of an item: where it is, the context it is bound to, and whether it is still in clear (a v1-era name or birth date). */
interface FieldRef {
  readonly path: readonly Segment[];
  readonly context: FieldContext;
  readonly clear?: { readonly target: readonly Segment[] };
}

const at = (item: unknown, path: readonly Segment[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), item);

const sealed = (item: Item, path: Segment[], context: FieldContext): FieldRef[] => (typeof at(item, path) === 'string' ? [{ path, context }] : []);
const clearOrSealed = (item: Item, base: Segment[], name: string, context: FieldContext): FieldRef[] => {
  if (typeof at(item, [...base, name]) === 'string') return [{ path: [...base, name], context, clear: { target: [...base, `${name}Enc`] } }];
  return sealed(item, [...base, `${name}Enc`], context);
};

const payeeFields = (item: Item, base: Segment[], caseId: string): FieldRef[] => [
  ...sealed(item, [...base, 'nameEnc'], piiFields.payee(caseId).name),
  ...sealed(item, [...base, 'bankAccountEnc'], piiFields.payee(caseId).bankAccount),
];

/** The personal fields of an item of `table` (pii-fields.ts is the one list of contexts). */
const fieldsOf = (table: keyof RotationStore['tables'], item: Item): FieldRef[] => {
  const pk = String(item.pk ?? '');
  const sk = String(item.sk ?? '');
  if (table === 'registry' && pk.startsWith('WORKER#') && sk === 'PROFILE') {
    const ctx = piiFields.worker(pk.slice('WORKER#'.length));
    return [
      ...sealed(item, ['idNumberEnc'], ctx.idNumber),
      ...sealed(item, ['nameEnc'], ctx.name),
      ...sealed(item, ['phoneEnc'], ctx.phone),
      ...clearOrSealed(item, [], 'birthDate', ctx.birthDate),
    ];
  }
  if (table === 'cases' && pk.startsWith('CASE#') && sk === 'CASE') {
    const caseId = pk.slice('CASE#'.length);
    const dependants = Array.isArray(item.dependants) ? item.dependants : [];
    return [
      ...clearOrSealed(item, ['applicant'], 'name', piiFields.applicantName(caseId)),
      ...dependants.flatMap((_, i) => [
        ...clearOrSealed(item, ['dependants', i], 'name', piiFields.dependant(caseId, i).name),
        ...clearOrSealed(item, ['dependants', i], 'birthDate', piiFields.dependant(caseId, i).birthDate),
      ]),
      ...payeeFields(item, ['payee'], caseId),
      ...payeeFields(item, ['pendingPayee', 'payee'], caseId),
    ];
  }
  if (table === 'cases' && pk.startsWith('CASE#') && sk.startsWith('PAYMENT#')) return payeeFields(item, ['payee'], pk.slice('CASE#'.length));
  if (table === 'events' && pk.startsWith('PLATFORM#') && sk === 'WEBHOOK')
    return sealed(item, ['secretEnc'], piiFields.webhookSecret(pk.slice('PLATFORM#'.length)));
  return [];
};

/** A DynamoDB document path with its placeholders: `#p0.#p1[2].#p3`. */
const expressionPath = (path: readonly Segment[], names: Record<string, string>): string =>
  path
    .map((s) => {
      if (typeof s === 'number') return `[${s}]`;
      const placeholder = `#p${Object.keys(names).length}`;
      names[placeholder] = s;
      return `.${placeholder}`;
    })
    .join('')
    .slice(1);

const describe = (table: string, item: Item, field: string) => `${table} ${String(item.pk)} ${String(item.sk)} ${field}`;

export const rotatePiiFields = async (store: RotationStore, protector: PiiProtector, options: RotationOptions = {}): Promise<RotationReport> => {
  const segments = options.segments ?? 4;
  const pageSize = options.pageSize ?? 100;
  const maxPasses = options.maxPasses ?? 5;
  const log = options.log ?? (() => {});
  const activeLookup = protector.activeLookupKeyId;
  let reencrypted = 0;
  let reindexed = 0;
  let contended = 0;

  const reload = async (table: keyof RotationStore['tables'], item: Item): Promise<Item | undefined> =>
    (await store.client.send(new GetCommand({ TableName: store.tables[table], Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }))).Item;

  /** Re-encrypts the stale fields of one item (conditional on each holding what was read); the count of stale fields found. */
  const rotateItem = async (table: keyof RotationStore['tables'], first: Item, refused: string[]): Promise<number> => {
    let item: Item | undefined = first;
    for (let attempt = 0; item && attempt < 8; attempt++) {
      const changes: { ref: FieldRef; old: string; next: string }[] = [];
      for (const ref of fieldsOf(table, item)) {
        const old = at(item, ref.path) as string;
        try {
          if (ref.clear) changes.push({ ref, old, next: protector.encrypt(old, ref.context) });
          else if (protector.isStale(old)) changes.push({ ref, old, next: protector.reencrypt(old, ref.context) });
          else protector.decrypt(old, ref.context); // verify in place
        } catch (error) {
          if (!(error instanceof PiiCiphertextRefused)) throw error;
          refused.push(`${describe(table, item, ref.context.field)}: ${error.message}`);
        }
      }
      if (changes.length === 0 || options.verifyOnly) return changes.length;
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const sets: string[] = [];
      const removes: string[] = [];
      const conditions: string[] = [];
      changes.forEach(({ ref, old, next }, i) => {
        const path = expressionPath(ref.path, names);
        values[`:o${i}`] = old;
        values[`:n${i}`] = next;
        conditions.push(`${path} = :o${i}`);
        if (ref.clear) {
          sets.push(`${expressionPath(ref.clear.target, names)} = :n${i}`);
          removes.push(path);
        } else {
          sets.push(`${path} = :n${i}`);
        }
      });
      try {
        await store.client.send(
          new UpdateCommand({
            TableName: store.tables[table],
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        reencrypted += changes.length;
        return changes.length;
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        // Written meanwhile (by a request, under the active key): read it again and look once more.
        contended++;
        item = await reload(table, item);
      }
    }
    // Still contended after 8 attempts: counted stale, so the next pass looks again.
    return item ? 1 : 0;
  };

  /** The ID number and name hashes of a worker under the active look-up key, from the worker's profile. */
  const profiles = new Map<string, Promise<{ idHash: string; nameHash: string } | undefined>>();
  const activeHashes = (workerId: string) => {
    let hit = profiles.get(workerId);
    if (!hit) {
      hit = store.client
        .send(new GetCommand({ TableName: store.tables.registry, Key: { pk: `WORKER#${workerId}`, sk: 'PROFILE' }, ConsistentRead: true }))
        .then(({ Item }) => {
          if (!Item) return undefined;
          const ctx = piiFields.worker(workerId);
          return {
            idHash: protector.hash('idNumber', protector.decrypt(Item.idNumberEnc as string, ctx.idNumber)),
            nameHash: protector.hash('name', protector.decrypt(Item.nameEnc as string, ctx.name)),
          };
        });
      profiles.set(workerId, hit);
    }
    return hit;
  };

  /** Moves a person's index entry or a link's hash to the active look-up key; 1 when it was stale. */
  const reindexItem = async (item: Item, refused: string[]): Promise<number> => {
    const isPerson = item.sk === 'PERSON' && String(item.pk).startsWith('PERSON#');
    const isLink = item.sk === 'LINK' && String(item.pk).startsWith('PW#');
    if ((!isPerson && !isLink) || typeof item.idHash !== 'string' || protector.hashKeyId(item.idHash) === activeLookup) return 0;
    if (options.verifyOnly) return 1;
    let hashes: { idHash: string; nameHash: string } | undefined;
    try {
      hashes = await activeHashes(String(item.workerId));
    } catch (error) {
      if (!(error instanceof PiiCiphertextRefused)) throw error;
      refused.push(`${describe('registry', item, 'idHash')}: the worker's profile does not decrypt (${error.message})`);
      return 1;
    }
    if (!hashes) {
      refused.push(`${describe('registry', item, 'idHash')}: no profile for worker ${String(item.workerId)}`);
      return 1;
    }
    try {
      if (isLink) {
        await store.client.send(
          new UpdateCommand({
            TableName: store.tables.registry,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET idHash = :n',
            ConditionExpression: 'idHash = :o',
            ExpressionAttributeValues: { ':n': hashes.idHash, ':o': item.idHash },
          }),
        );
      } else {
        await store.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: store.tables.registry,
                  Item: { ...item, pk: `PERSON#${hashes.idHash}`, idHash: hashes.idHash, nameHash: hashes.nameHash },
                  // Absent, or the same person's entry written by a registration during the rotation.
                  ConditionExpression: 'attribute_not_exists(pk) OR workerId = :w',
                  ExpressionAttributeValues: { ':w': item.workerId },
                },
              },
              {
                Delete: {
                  TableName: store.tables.registry,
                  Key: { pk: item.pk, sk: item.sk },
                  ConditionExpression: 'workerId = :w',
                  ExpressionAttributeValues: { ':w': item.workerId },
                },
              },
            ],
          }),
        );
      }
      reindexed++;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      refused.push(`${describe('registry', item, 'idHash')}: changed meanwhile or indexed to another worker (left for the next pass)`);
    }
    return 1;
  };

  const pass = async (): Promise<{ scanned: number; stale: number; refused: string[] }> => {
    let scanned = 0;
    let stale = 0;
    const refused: string[] = [];
    for (const table of ['registry', 'cases', 'events'] as const) {
      await Promise.all(
        Array.from({ length: segments }, async (_, segment) => {
          for await (const page of paginateScan(
            { client: store.client, pageSize },
            { TableName: store.tables[table], Segment: segment, TotalSegments: segments },
          )) {
            const items = page.Items ?? [];
            scanned += items.length;
            const counts = await mapLimit(
              items,
              8,
              async (item) => (await rotateItem(table, item, refused)) + (table === 'registry' ? await reindexItem(item, refused) : 0),
            );
            stale += counts.reduce((a, b) => a + b, 0);
          }
        }),
      );
    }
    return { scanned, stale, refused };
  };

  let passes = 0;
  for (;;) {
    passes++;
    const result = await pass();
    log(
      `pass ${passes}: ${result.scanned} items scanned, ${result.stale} stale ${options.verifyOnly ? 'found' : 'rewritten'}, ${result.refused.length} refused` +
        ` (encryption key ${protector.activeEncryptionKeyId}, look-up key ${activeLookup})`,
    );
    const done = result.stale === 0 || options.verifyOnly;
    if (done || passes >= maxPasses) {
      return { passes, scanned: result.scanned, reencrypted, reindexed, contended, stale: result.stale, refused: result.refused };
    }
  }
};
