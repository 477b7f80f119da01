/** Platform registration and province enrolment (contract: Platforms and enrolment; D2). */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { PILOT_PROVINCES } from '../../core/index.ts';
import { appendAudit } from '../_shared/audit.ts';
import { conflict, notFound, unprocessable, type ProblemFieldError } from '../_shared/problem.ts';
import { DuplicateCreditCode, platformsRepository, StaleVersion, type Platform, type ProvinceEnrolment } from '../_shared/repositories/platforms.ts';
import { platformClientsRepository } from '../_shared/repositories/platform-clients.ts';
import { platformClients, type PlatformClient } from './clients.ts';
import type { CreatePlatformRequest } from './schemas.ts';

/** D2: a pilot province cannot be joined before its pilot started there. */
const pilotDateErrors = (provinces: readonly ProvinceEnrolment[], pathOf: (i: number) => string): ProblemFieldError[] =>
  provinces.flatMap((p, i) => {
    const pilot = PILOT_PROVINCES.find((x) => x.code === p.code);
    return pilot && p.joinedOn < pilot.pilotStart
      ? [{ path: pathOf(i), message: `The pilot in ${p.code} starts on ${pilot.pilotStart}; joinedOn cannot be earlier.` }]
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

/** Registers a platform (A1) and appends `platform.registered` to its audit chain. */
export const registerPlatform = async (input: z.infer<typeof CreatePlatformRequest>, now: Date, actor: string): Promise<Platform> => {
  const codes = input.provinces.map((p) => p.code);
  const repeated = codes.findIndex((c, i) => codes.indexOf(c) !== i);
  if (repeated >= 0) {
    throw unprocessable('A province is listed twice.', [{ path: `provinces.${repeated}.code`, message: 'Listed twice.' }]);
  }
  const errors = pilotDateErrors(input.provinces, (i) => `provinces.${i}.joinedOn`);
  if (errors.length > 0) throw unprocessable('A province is joined before its pilot started.', errors);
  const platform: Platform = {
    platformId: `plt_${randomUUID().replaceAll('-', '')}`,
    name: input.name,
    creditCode: input.creditCode,
    industries: [...new Set(input.industries)],
    provinces: input.provinces,
    createdAt: now.toISOString(),
    version: 1,
  };
  try {
    await platformsRepository.create(platform);
  } catch (error) {
    if (error instanceof DuplicateCreditCode) {
      throw conflict('A platform with this credit code is already registered.', [{ path: 'creditCode', message: 'Already registered.' }]);
    }
    throw error;
  }
  await appendAudit({ entityType: 'platform', entityId: platform.platformId, actor, action: 'platform.registered', before: null, after: toView(platform) }, now);
  return platform;
};

/** Adds a province (A3, D2) and appends `platform.provinceJoined` with the lists before and after. */
export const joinProvince = async (platformId: string, enrolment: ProvinceEnrolment, actor: string, now: Date): Promise<Platform> => {
  const errors = pilotDateErrors([enrolment], () => 'joinedOn');
  const platform = await platformsRepository.get(platformId, true);
  if (!platform) throw notFound();
  if (platform.provinces.some((p) => p.code === enrolment.code)) {
    throw conflict(`The platform is already enrolled in ${enrolment.code}.`, [{ path: 'code', message: 'Already enrolled.' }]);
  }
  if (errors.length > 0) throw unprocessable('The province is joined before its pilot started.', errors);
  let updated: Platform;
  try {
    updated = await platformsRepository.setProvinces(platformId, [...platform.provinces, enrolment], platform.version);
  } catch (error) {
    if (error instanceof StaleVersion) throw conflict('The platform changed meanwhile; retry.');
    throw error;
  }
  await appendAudit(
    { entityType: 'platform', entityId: platformId, actor, action: 'platform.provinceJoined', before: { provinces: platform.provinces }, after: { provinces: updated.provinces } },
    now,
  );
  return updated;
};

/** Registers the platform's app client and maps its client_id to the platform (contract: Authentication). */
export const registerPlatformClient = async (platformId: string, now: Date): Promise<PlatformClient> => {
  const client = await platformClients().register(platformId);
  await platformClientsRepository.put(client.clientId, platformId, now.toISOString());
  return client;
};
