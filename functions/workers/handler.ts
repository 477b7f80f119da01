/** Route group `workers`: PUT /v1/platforms/{platformId}/workers (batches of 1–500). */
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { notFound } from '../_shared/problem.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { WorkersEnvelope } from './schemas.ts';
import { registerWorkers } from './use-cases.ts';

export const handler = httpHandler({
  'PUT /v1/platforms/{platformId}/workers': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['platform']);
    const platformId = ctx.path('platformId');
    requirePlatformVisible(principal, platformId);
    const { workers } = ctx.body(WorkersEnvelope);
    if (!(await platformsRepository.get(platformId))) throw notFound();
    return { status: 200, body: { results: await registerWorkers(platformId, workers, new Date()) } };
  },
});
