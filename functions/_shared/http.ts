/**
 * The middy stack for HTTP API (v2) handlers, defined once: the shared part (http-stack.ts: error mapping,
 * header normalisation, the authorizer's claims, logger context) then the PII data key (once per container;
 * KMS in AWS, pii.ts) → request guards (the contract's body limit, content type) → the caller's resolution and
 * per-platform rate limit → idempotency (POST with an Idempotency-Key, keyed on the caller and the raw body)
 * → the route, which authenticates, authorises, parses with zod and calls one use case.
 */
import type middy from '@middy/core';
import { claimsOf, type HttpEvent, type HttpResult, requestGuards, resolvedCallers, type Route, routeStack } from './http-stack.ts';
import type { Principal } from './auth.ts';
import { HttpProblem } from './problem.ts';
import { IDEMPOTENCY_SCOPE_HEADER, idempotencyMiddleware } from './idempotency.ts';
import { initPii } from './pii.ts';
import { resolvePrincipal } from './principal.ts';
import { enforcePlatformRateLimit } from './rate-limit.ts';

export type { HttpEvent, RouteContext } from './http-stack.ts';

/**
 * What a response may depend on besides the resource: the caller's role and the platform or worker it
 * acts for (masking, visibility, staff-only details). A stored `Idempotency-Key` response is replayed only
 * to a caller with the same `sub` and the same audience.
 */
const audienceOf = (p: Principal): string => JSON.stringify([p.role, p.platformId ?? null, p.workerId ?? null, [...(p.provinces ?? [])].sort()]);

/**
 * Resolves the caller once, before the route (a platform's app client → its platformId may need one
 * cached registry read, principal.ts), so `ctx.principal()` stays synchronous. A 401/403 is kept for the
 * route to raise when it asks, so route-level precedence is unchanged. Platform callers are then counted
 * against their request-rate limit (rate-limit.ts): 429 before any other work.
 */
const callerResolution = (): middy.MiddlewareObj<HttpEvent, HttpResult> => ({
  before: async (request) => {
    // The idempotency scope is set here only, never taken from the client (idempotency.ts).
    if (request.event.headers) delete request.event.headers[IDEMPOTENCY_SCOPE_HEADER];
    const claims = claimsOf(request.event);
    if (!claims) return;
    let principal: Principal;
    try {
      principal = await resolvePrincipal(claims as never);
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      resolvedCallers.set(request.event, { problem: error });
      return;
    }
    resolvedCallers.set(request.event, { principal });
    request.event.headers = { ...request.event.headers, [IDEMPOTENCY_SCOPE_HEADER]: audienceOf(principal) };
    if (principal.role === 'platform' && principal.platformId) await enforcePlatformRateLimit(principal.platformId);
  },
});

/**
 * Builds the Lambda handler of a route group: `routes` maps API Gateway route keys
 * (`POST /v1/platforms/{platformId}/orders`) to route functions.
 */
export const httpHandler = (routes: Readonly<Record<string, Route>>) =>
  routeStack(routes)
    .use({ before: async () => void (await initPii()) })
    .use(requestGuards())
    .use(callerResolution())
    .use(idempotencyMiddleware());
