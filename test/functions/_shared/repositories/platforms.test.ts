/** The per-container platform profile cache (coverage, declarations): TTL, misses, and local changes. */
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

vi.hoisted(() => {
  process.env.REGISTRY_TABLE = 'registry';
});

const ddb = mockClient(DynamoDBDocumentClient);
const profile = (version: number) => ({
  platformId: 'plt_c',
  name: 'P',
  creditCode: 'x',
  industries: ['INSTANT_DELIVERY'],
  provinces: [{ code: '110000', joinedOn: '2025-07-01' }],
  createdAt: '2025-07-01T00:00:00Z',
  version,
});

const repo = async () => (await import('../../../../functions/_shared/repositories/platforms.ts')).platformsRepository;
const { PLATFORM_CACHE_TTL_MS } = await import('../../../../functions/_shared/repositories/platforms.ts');

beforeEach(() => {
  ddb.reset();
});

describe('platformsRepository.cached', () => {
  it('reads once within the TTL and again after it', async () => {
    const platforms = await repo();
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: profile(1) })
      .resolves({ Item: profile(2) });
    const t0 = 1_000_000_000;

    const first = await platforms.cached('plt_c', t0);
    const withinTtl = await platforms.cached('plt_c', t0 + PLATFORM_CACHE_TTL_MS - 1);

    expect(first?.version).toBe(1);
    expect(withinTtl?.version).toBe(1);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);

    const afterTtl = await platforms.cached('plt_c', t0 + PLATFORM_CACHE_TTL_MS);

    expect(afterTtl?.version).toBe(2);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 2);
  });

  it('does not keep a miss', async () => {
    const platforms = await repo();
    const now = 2_000_000_000;
    ddb
      .on(GetCommand, { Key: { pk: 'PLATFORM#plt_new', sk: 'PROFILE' } })
      .resolvesOnce({})
      .resolves({ Item: { ...profile(1), platformId: 'plt_new' } });

    const miss = await platforms.cached('plt_new', now);
    const next = await platforms.cached('plt_new', now + 1);

    expect(miss).toBeUndefined();
    expect(next?.platformId).toBe('plt_new');
  });

  it('drops the entry when this container changes the provinces', async () => {
    const platforms = await repo();
    const now = 3_000_000_000;
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_c', sk: 'PROFILE' } }).resolves({ Item: profile(5) });
    expect((await platforms.cached('plt_c', now))?.version).toBe(5);
    ddb.on(QueryCommand).resolves({ Items: [] }); // the audit chain's head
    ddb.on(TransactWriteCommand).resolves({});
    const audit = { entityType: 'platform' as const, entityId: 'plt_c', actor: 'admin-1', action: 'platform.provinceJoined', before: null, after: null };

    const updated = await platforms.setProvinces(profile(5) as never, profile(6).provinces, audit, new Date());
    ddb.on(GetCommand, { Key: { pk: 'PLATFORM#plt_c', sk: 'PROFILE' } }).resolves({ Item: profile(6) });
    const reread = await platforms.cached('plt_c', now + 1);

    expect(updated).toMatchObject({ version: 6 });
    expect(reread?.version).toBe(6);
  });
});
