/**
 * Limits of the HTTP API, from one place: what API Gateway enforces in AWS (and the local adapter, which
 * plays API Gateway) and what the contract accepts (enforced by every handler, functions/_shared/http.ts).
 */

/** API Gateway HTTP API's payload limit: a larger request never reaches a function (413 from the gateway). */
export const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** API Gateway HTTP API's maximum integration timeout. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * The header CloudFront adds to every request it sends to the API (a custom origin header whose value is
 * the stage's origin secret in Secrets Manager, lib/constructs/api-edge.ts). Where the stage has the edge,
 * the Lambda authorizer lists it among its identity sources (API Gateway answers 401 without it) and
 * compares it, and the public routes' function compares it too: a request sent to the execute-api address
 * directly, around the WAF, reaches no function (functions/_shared/origin-verify.ts).
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** The contract's request-body limit (1 MiB → 413 problem+json), checked by the handlers. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
