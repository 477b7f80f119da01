/**
 * Workers: one person (resident ID) is one workerId across platforms (D3, 实名).
 * Keys (docs/data-model.md):
 *   PERSON#{hmac(idNumber)} / PERSON            → workerId, hmac(name)      (uniqueness of the person)
 *   WORKER#{workerId} / PROFILE                 → encrypted ID number, name, phone, birth date (in clear before v2); sex
 *   WORKER#{workerId} / PLATFORM#{platformId}#{platformWorkerId}   (the worker's platforms)
 *   PW#{platformId}#{platformWorkerId} / LINK   → workerId, hmac(idNumber)  (order ingestion resolves workers here)
 */
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import { batchGetAll, cancellationReasons, conditionFailed, ddb, queryAll } from '../db.ts';

export interface PersonRecord {
  readonly idHash: string;
  readonly workerId: string;
  readonly nameHash: string;
}
export interface LinkRecord {
  readonly platformId: string;
  readonly platformWorkerId: string;
  readonly workerId: string;
  readonly idHash: string;
}
export interface WorkerProfile {
  readonly workerId: string;
  readonly idNumberEnc: string;
  readonly nameEnc: string;
  readonly phoneEnc?: string;
  /** Profiles written before field encryption v2: in clear (the rotation job seals it). */
  readonly birthDate?: string;
  readonly birthDateEnc?: string;
  readonly sex: 'M' | 'F';
  readonly createdAt: string;
}

const personKey = (idHash: string) => ({ pk: `PERSON#${idHash}`, sk: 'PERSON' });
const linkKey = (platformId: string, platformWorkerId: string) => ({ pk: `PW#${platformId}#${platformWorkerId}`, sk: 'LINK' });
const profileKey = (workerId: string) => ({ pk: `WORKER#${workerId}`, sk: 'PROFILE' });
const membershipKey = (workerId: string, platformId: string, platformWorkerId: string) => ({
  pk: `WORKER#${workerId}`,
  sk: `PLATFORM#${platformId}#${platformWorkerId}`,
});

/** Which condition of a registration transaction failed. */
export class RegistrationRace extends Error {
  override readonly name = 'RegistrationRace';
  constructor(readonly what: 'person' | 'link') {
    super(`${what} was created concurrently`);
  }
}

const linkPuts = (link: LinkRecord, now: string) => [
  {
    Put: {
      TableName: config.tables.registry,
      Item: { ...linkKey(link.platformId, link.platformWorkerId), type: 'Link', ...link, createdAt: now },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
  {
    Put: {
      TableName: config.tables.registry,
      Item: {
        ...membershipKey(link.workerId, link.platformId, link.platformWorkerId),
        type: 'Membership',
        platformId: link.platformId,
        platformWorkerId: link.platformWorkerId,
        createdAt: now,
      },
    },
  },
];

const send = async (items: object[], names: ('person' | 'link' | undefined)[]) => {
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items as never }));
  } catch (error) {
    const failed = cancellationReasons(error)?.findIndex((r) => r.Code === 'ConditionalCheckFailed') ?? -1;
    const what = failed >= 0 ? names[failed] : undefined;
    if (what) throw new RegistrationRace(what);
    throw error;
  }
};

export const workersRepository = {
  async persons(idHashes: readonly string[]): Promise<Map<string, PersonRecord>> {
    const items = await batchGetAll(config.tables.registry, [...new Set(idHashes)].map(personKey), { consistent: true });
    return new Map(items.map((i) => [i.idHash as string, { idHash: i.idHash as string, workerId: i.workerId as string, nameHash: i.nameHash as string }]));
  },

  /** Links by platformWorkerId for one platform (order ingestion and registration). */
  async links(platformId: string, platformWorkerIds: readonly string[]): Promise<Map<string, LinkRecord>> {
    const keys = [...new Set(platformWorkerIds)].map((id) => linkKey(platformId, id));
    const items = await batchGetAll(config.tables.registry, keys, { projection: 'platformWorkerId, workerId, idHash' });
    return new Map(
      items.map((i) => [
        i.platformWorkerId as string,
        { platformId, platformWorkerId: i.platformWorkerId as string, workerId: i.workerId as string, idHash: i.idHash as string },
      ]),
    );
  },

  /** A new person with their first platform link, atomically. */
  async createPerson(person: PersonRecord, profile: WorkerProfile, link: LinkRecord, now: string): Promise<void> {
    await send(
      [
        {
          Put: {
            TableName: config.tables.registry,
            Item: { ...personKey(person.idHash), type: 'Person', ...person, createdAt: now },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: config.tables.registry,
            Item: { ...profileKey(profile.workerId), type: 'Worker', ...profile },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...linkPuts(link, now),
      ],
      ['person', undefined, 'link', undefined],
    );
  },

  /**
   * The person's index entry under another look-up key (a look-up key rotation): written once, the first
   * writer wins; the entry of the same person written concurrently is equal.
   */
  async indexPerson(person: PersonRecord, now: string): Promise<void> {
    try {
      await ddb.send(
        new PutCommand({
          TableName: config.tables.registry,
          Item: { ...personKey(person.idHash), type: 'Person', ...person, createdAt: now },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  },

  /** A known person registered by another platform (or under another platformWorkerId). */
  async addLink(link: LinkRecord, now: string): Promise<void> {
    await send(linkPuts(link, now), ['link', undefined]);
  },

  async profile(workerId: string): Promise<WorkerProfile | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.registry, Key: profileKey(workerId) }));
    return Item as WorkerProfile | undefined;
  },

  /** The profile and the platforms of a worker in one Query of its partition (undefined: unknown worker). */
  async withMemberships(workerId: string): Promise<{ profile: WorkerProfile; platforms: Set<string> } | undefined> {
    const Items = await queryAll({
      TableName: config.tables.registry,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `WORKER#${workerId}` },
    });
    const profile = Items.find((i) => i.sk === 'PROFILE') as WorkerProfile | undefined;
    if (!profile) return undefined;
    return { profile, platforms: new Set(Items.filter((i) => i.type === 'Membership').map((i) => i.platformId as string)) };
  },

  /**
   * Whether a worker exists and the platforms it is registered with, without the profile's (encrypted)
   * fields: the same one-partition Query as `withMemberships`, projecting only sort key, type and platform.
   */
  async platformsOf(workerId: string): Promise<ReadonlySet<string> | undefined> {
    const Items = await queryAll({
      TableName: config.tables.registry,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'sk, #t, platformId',
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: { ':pk': `WORKER#${workerId}` },
    });
    if (!Items.some((i) => i.sk === 'PROFILE')) return undefined;
    return new Set(Items.filter((i) => i.type === 'Membership').map((i) => i.platformId as string));
  },

  /** The platforms a worker is registered with. */
  async memberships(workerId: string): Promise<{ platformId: string; platformWorkerId: string }[]> {
    const Items = await queryAll({
      TableName: config.tables.registry,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `WORKER#${workerId}`, ':prefix': 'PLATFORM#' },
    });
    return Items.map((i) => ({ platformId: i.platformId as string, platformWorkerId: i.platformWorkerId as string }));
  },
};
