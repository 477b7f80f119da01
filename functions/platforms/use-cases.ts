/** Platform registration and province enrolment (contract: Platforms and enrolment; D2). */
import { randomUUID } from 'node:crypto';
import type * as z from '../_shared/zod.ts';
import { PILOT_PROVINCES } from '../../core/index.ts';
import { notFound, problem, type ProblemFieldError } from '../_shared/problem.ts';
import { DuplicateCreditCode, platformsRepository, StaleVersion, type Platform, type ProvinceEnrolment } from '../_shared/repositories/platforms.ts';
import { logger } from '../_shared/observability.ts';
import { ClientChanged, clientRegistry } from './client-registry.ts';
import { platformClients, type PlatformClient, type PlatformClients } from './clients.ts';
import type { CreatePlatformRequest } from './schemas.ts';

/** D2: a pilot province cannot be joined before its pilot started there. */
const pilotDateErrors = (provinces: readonly ProvinceEnrolment[], pathOf: (i: number) => string): ProblemFieldError[] =>
  provinces.flatMap((p, i) => {
    const pilot = PILOT_PROVINCES.find((x) => x.code === p.code);
    return pilot && p.joinedOn < pilot.pilotStart
      ? [{ path: pathOf(i), message: `${p.code} 的试点自 ${pilot.pilotStart} 开始：joinedOn 不能早于该日期。` }]
      : [];
  });

export const toView = (p: Platform) => ({
  platformId: p.platformId,
  name: p.name,
  creditCode: p.creditCode,
  industries: p.industries,
  provinces: p.provinces,
  createdAt: p.createdAt,
});

/**
 * Registers a platform (A1) with its app client and `platform.registered` in its audit chain.
 *
 * The client comes first, so that a platform never exists without one: create the client, then write
 * the credit-code guard, the profile, the client binding (client → platform mapping and the platform's
 * current client) and the audit record in one transaction. If that fails (a duplicate credit code → 409,
 * or an infrastructure error) nothing was written and the client is deleted from the pool again (a
 * failure there is logged by id: that client is bound to nothing and can read nothing). Returns the
 * secret for this response only.
 */
export const registerPlatform = async (
  input: z.infer<typeof CreatePlatformRequest>,
  now: Date,
  actor: string,
  clients: PlatformClients = platformClients(),
): Promise<{ platform: Platform; client: PlatformClient }> => {
  const codes = input.provinces.map((p) => p.code);
  const repeated = codes.findIndex((c, i) => codes.indexOf(c) !== i);
  if (repeated >= 0) {
    throw problem('PROVINCE_LISTED_TWICE', { errors: [{ path: `provinces.${repeated}.code`, message: '该省份重复列出：请删除重复项。' }] });
  }
  const errors = pilotDateErrors(input.provinces, (i) => `provinces.${i}.joinedOn`);
  if (errors.length > 0) throw problem('PROVINCE_BEFORE_PILOT', { errors });
  const platform: Platform = {
    platformId: `plt_${randomUUID().replaceAll('-', '')}`,
    name: input.name,
    creditCode: input.creditCode,
    industries: [...new Set(input.industries)],
    provinces: input.provinces,
    createdAt: now.toISOString(),
    version: 1,
  };
  const client = await clients.create(platform.platformId);
  try {
    await platformsRepository.create(
      platform,
      { entityType: 'platform', entityId: platform.platformId, actor, action: 'platform.registered', before: null, after: toView(platform) },
      now,
      { with: clientRegistry.bindItems(platform.platformId, client.clientId, now.toISOString()) },
    );
  } catch (error) {
    await undoClient(platform.platformId, client.clientId, clients);
    if (error instanceof DuplicateCreditCode) {
      throw problem('PLATFORM_ALREADY_REGISTERED', { errors: [{ path: 'creditCode', message: '此统一社会信用代码已登记。' }] });
    }
    throw error;
  }
  return { platform, client };
};

/** Best effort: the registration already failed; a failure here is logged (ids only) and does not hide the first error. */
const undoClient = async (platformId: string, clientId: string, clients: PlatformClients): Promise<void> => {
  await clients
    .remove(clientId)
    .catch((error: Error) =>
      logger.error('Could not remove the app client of a failed registration', { platformId, clientId, errorName: error?.name, errorMessage: error?.message }),
    );
};

/**
 * Issues a new app client to a registered platform (admin): recovers a platform whose client was lost or
 * never created, and rotates a leaked secret. The new client replaces the current one atomically (the old
 * client's mapping is deleted, and `platform.clientIssued` is appended, in the same transaction), then the
 * old client is deleted from the user pool.
 * Two concurrent re-issues: one wins, the other answers 409 and deletes the client it created.
 */
export const reissuePlatformClient = async (
  platformId: string,
  actor: string,
  now: Date,
  clients: PlatformClients = platformClients(),
): Promise<PlatformClient> => {
  const platform = await platformsRepository.get(platformId, true);
  if (!platform) throw notFound();
  const previous = await clientRegistry.current(platformId);
  const client = await clients.create(platformId);
  try {
    await clientRegistry.bind(
      platformId,
      client.clientId,
      now.toISOString(),
      previous?.clientId,
      {
        entityType: 'platform',
        entityId: platformId,
        actor,
        action: 'platform.clientIssued',
        before: previous ? { clientId: previous.clientId } : null,
        after: { clientId: client.clientId },
      },
      now,
    );
  } catch (error) {
    await clients
      .remove(client.clientId)
      .catch((cleanup: Error) =>
        logger.error('Could not delete an app client that was not bound', { platformId, clientId: client.clientId, errorName: cleanup?.name }),
      );
    if (error instanceof ClientChanged)
      throw problem('VERSION_CONFLICT', {
        detail: '此平台的应用客户端在此期间已被重新签发：请重试。',
        detailEn: 'The app client of this platform was re-issued meanwhile; retry.',
      });
    throw error;
  }
  if (previous) {
    // Unbound already (its tokens resolve to no platform); deleting it from the pool stops new tokens.
    await clients.remove(previous.clientId).catch((error: Error) =>
      logger.error('Could not delete the replaced app client from the user pool', {
        platformId,
        clientId: previous.clientId,
        errorName: error?.name,
        errorMessage: error?.message,
      }),
    );
  }
  return client;
};

/** Adds a province (A3, D2) with `platform.provinceJoined` (the lists before and after) in the same transaction. */
export const joinProvince = async (platformId: string, enrolment: ProvinceEnrolment, actor: string, now: Date): Promise<Platform> => {
  const errors = pilotDateErrors([enrolment], () => 'joinedOn');
  const platform = await platformsRepository.get(platformId, true);
  if (!platform) throw notFound();
  if (platform.provinces.some((p) => p.code === enrolment.code)) {
    throw problem('ALREADY_ENROLLED', {
      detail: `平台已加入 ${enrolment.code} 的试点。`,
      detailEn: `The platform is already enrolled in ${enrolment.code}.`,
      errors: [{ path: 'code', message: '已加入该省份。' }],
    });
  }
  if (errors.length > 0) throw problem('PROVINCE_BEFORE_PILOT', { errors });
  const provinces = [...platform.provinces, enrolment];
  try {
    return await platformsRepository.setProvinces(
      platform,
      provinces,
      {
        entityType: 'platform',
        entityId: platformId,
        actor,
        action: 'platform.provinceJoined',
        before: { provinces: platform.provinces },
        after: { provinces },
      },
      now,
    );
  } catch (error) {
    if (error instanceof StaleVersion) throw problem('VERSION_CONFLICT');
    throw error;
  }
};
