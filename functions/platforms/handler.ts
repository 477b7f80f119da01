/**
 * Route group `platforms`: POST /v1/platforms, GET /v1/platforms/{platformId}, POST …/provinces and
 * POST …/client (re-issue the app client).
 */
import { requirePlatformVisible, requireRole } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { notFound } from '../_shared/problem.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { CreatePlatformRequest, ProvinceEnrolmentSchema } from './schemas.ts';
import { joinProvince, registerPlatform, reissuePlatformClient, toView } from './use-cases.ts';

export const handler = httpHandler({
  'POST /v1/platforms': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const { platform, client } = await registerPlatform(ctx.body(CreatePlatformRequest), new Date(), principal.sub);
    // The app client's secret is in this response only: never stored, never logged (docs/security.md).
    return { status: 201, body: { ...toView(platform), clientId: client.clientId, clientSecret: client.clientSecret } };
  },
  'GET /v1/platforms/{platformId}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin', 'platform']);
    requirePlatformVisible(principal, ctx.path('platformId'));
    const platform = await platformsRepository.get(ctx.path('platformId'));
    if (!platform) throw notFound();
    return { status: 200, body: toView(platform) };
  },
  'POST /v1/platforms/{platformId}/provinces': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const platform = await joinProvince(ctx.path('platformId'), ctx.body(ProvinceEnrolmentSchema), principal.sub, new Date());
    return { status: 201, body: toView(platform) };
  },
  'POST /v1/platforms/{platformId}/client': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const platformId = ctx.path('platformId');
    const client = await reissuePlatformClient(platformId, principal.sub, new Date());
    return { status: 201, body: { platformId, clientId: client.clientId, clientSecret: client.clientSecret } };
  },
});
