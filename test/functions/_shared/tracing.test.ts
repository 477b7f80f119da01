/**
 * Tracer (functions/_shared/tracing.ts): in Lambda every SDK client gets the X-Ray instrumentation
 * middleware; outside Lambda, or with POWERTOOLS_TRACE_ENABLED=false (the local runtime and the tests), the
 * client is returned untouched and the X-Ray SDK is not loaded, so nothing looks for an X-Ray daemon and no
 * async hooks slow the process down. The tests run in this order: the Lambda case loads the SDK last.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';

const XRAY = 'XRaySDKInstrumentation';
const middlewares = (client: DynamoDBClient): string[] => client.middlewareStack.identify();

/** A fresh tracing module under `env` (the Tracer reads its environment when the module is loaded). */
const tracingWith = async (env: Record<string, string | undefined>) => {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return import('../../../functions/_shared/tracing.ts');
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tracing of SDK clients', () => {
  it('is off in the tests and the local runtime (POWERTOOLS_TRACE_ENABLED=false): the client is untouched', async () => {
    const { traced } = await tracingWith({ POWERTOOLS_TRACE_ENABLED: 'false', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' });
    const client = new DynamoDBClient({ region: 'cn-north-1' });
    const before = middlewares(client);
    expect(traced(client)).toBe(client);
    expect(middlewares(client)).toEqual(before);
    expect(before.some((m) => m.includes(XRAY))).toBe(false);
    // …and the X-Ray SDK was not even loaded: it would have registered its async-hook namespace (cls-hooked).
    expect((process as { namespaces?: Record<string, unknown> }).namespaces?.AWSXRay).toBeUndefined();
  });

  it('is off outside Lambda even without the variable (no AWS_EXECUTION_ENV)', async () => {
    const { traced } = await tracingWith({ POWERTOOLS_TRACE_ENABLED: undefined, AWS_EXECUTION_ENV: undefined });
    const client = traced(new DynamoDBClient({ region: 'cn-north-1' }));
    expect(middlewares(client).some((m) => m.includes(XRAY))).toBe(false);
  });

  it('instruments the client in Lambda: an X-Ray subsegment per call', async () => {
    const { traced } = await tracingWith({ POWERTOOLS_TRACE_ENABLED: undefined, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' });
    const client = traced(new DynamoDBClient({ region: 'cn-north-1' }));
    expect(middlewares(client).some((m) => m.includes(XRAY))).toBe(true);
    expect((process as { namespaces?: Record<string, unknown> }).namespaces?.AWSXRay).toBeDefined();
  });
});
