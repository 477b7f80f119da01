/**
 * The local runtime with its timers on (as `npm start` runs it): at start-up the payment-run timer starts
 * this month's scheduled run (the configured day, 1, has always come), exactly as a Scheduler delivery would.
 * The interval is an hour, so no tick fires during the test: what runs is the start-up check alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOfDate, shanghaiDate } from '../../core/index.ts';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { setUpWorld, waitForRun, type World } from './cases-fixtures.ts';

let stack: TestStack;
let sfn: LocalStepFunctions;
let world: World;

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 3_600_000 });
  stack = await startTestStack({ services: [sfn] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe("the local runtime's monthly payment-run timer", () => {
  it("starts this month's scheduled run at start-up, once", async () => {
    const month = monthOfDate(shanghaiDate(new Date()));
    // No entitled case in this file's tables: the run succeeds and pays nothing.
    const run = await waitForRun(world, `run-${month}-scheduled`);
    expect(run).toMatchObject({ runId: `run-${month}-scheduled`, month, status: 'SUCCEEDED', payments: 0, totalFen: 0 });
    // What a later tick does with it: nothing.
    expect(await sfn.paymentRunTick()).toBeUndefined();
  });
});
