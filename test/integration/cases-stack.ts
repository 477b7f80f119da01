/**
 * The case tests' shared setup: one local stack per test file with the state machines running in the
 * local Step Functions runner (its sweep timer off: tests run the sweep explicitly), the world of
 * cases-fixtures.ts built on it, and the stack stopped after the file. Kept apart from cases-fixtures.ts,
 * which the demo script also imports outside vitest.
 */
import { afterAll, beforeAll } from 'vitest';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack, type TestStackOptions } from '../support/local-stack.ts';
import { setUpWorld, type World } from './cases-fixtures.ts';

export interface CaseStack {
  readonly stack: TestStack;
  readonly sfn: LocalStepFunctions;
  readonly world: World;
}

/**
 * Registers the file's beforeAll/afterAll; the returned object's fields are set once beforeAll has run.
 * `env`: extra environment for the handlers (e.g. `POWERTOOLS_LOG_LEVEL` for a log scan);
 * `extraRoutes`: routes mounted in the test (a route of the cases handler not yet in manifest/routes.ts).
 */
export function useCaseStack(options: { env?: Record<string, string>; extraRoutes?: TestStackOptions['extraRoutes'] } = {}): CaseStack {
  const env = {} as { stack: TestStack; sfn: LocalStepFunctions; world: World };
  beforeAll(async () => {
    env.sfn = localStepFunctions({ sweepIntervalMs: 0 });
    env.stack = await startTestStack({
      services: [env.sfn],
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
