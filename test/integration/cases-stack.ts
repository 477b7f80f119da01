/**
 * The case tests' shared setup: one local stack per test file with the state machines running in the
 * local Step Functions runner (its sweep timer off: tests run the sweep explicitly), the world of
 * cases-fixtures.ts built on it, and the stack stopped after the file. Kept apart from cases-fixtures.ts,
 * which the demo script also imports outside vitest.
 */
import { afterAll, beforeAll } from 'vitest';
import { type LocalEvents, localEvents, type LocalEventsOptions } from '../../local/events/index.ts';
import { type LocalS3, localS3 } from '../../local/s3.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack, type TestStackOptions } from '../support/local-stack.ts';
import { setUpWorld, type World } from './cases-fixtures.ts';

export interface CaseStack {
  readonly stack: TestStack;
  readonly sfn: LocalStepFunctions;
  readonly world: World;
  /** The local S3 server with the documents bucket (only with `s3: true`). */
  readonly s3: LocalS3;
  /** The local domain events (only with `events`). */
  readonly events: LocalEvents;
}

/**
 * Registers the file's beforeAll/afterAll; the returned object's fields are set once beforeAll has run.
 * `env`: extra environment for the handlers (e.g. `POWERTOOLS_LOG_LEVEL` for a log scan);
 * `extraRoutes`: routes mounted in the test; `s3`: also run the local S3 server (documents, D13); `events`:
 * also run the local domain events (stream poller, bus, webhook queue, SMS; docs/events.md).
 */
export function useCaseStack(
  options: { env?: Record<string, string>; extraRoutes?: TestStackOptions['extraRoutes']; s3?: boolean; events?: LocalEventsOptions } = {},
): CaseStack {
  const env = {} as { stack: TestStack; sfn: LocalStepFunctions; world: World; s3: LocalS3; events: LocalEvents };
  beforeAll(async () => {
    env.sfn = localStepFunctions({ sweepIntervalMs: 0 });
    if (options.s3) env.s3 = localS3();
    if (options.events) env.events = localEvents(options.events);
    env.stack = await startTestStack({
      services: [env.sfn, ...(options.s3 ? [env.s3] : []), ...(options.events ? [env.events] : [])],
      ...(options.env ? { env: options.env } : {}),
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
    });
    env.world = await setUpWorld(
      (m, p, o) => env.stack.api(m, p, o),
      (c) => env.stack.token(c),
    );
  });
  afterAll(async () => {
    await env.stack?.stop();
  });
  return env;
}
