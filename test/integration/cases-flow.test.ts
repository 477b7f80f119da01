import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { openedCase, payMinorInjury, setUpWorld, waitForStatus, type World } from './cases-fixtures.ts';

let stack: TestStack;
let sfn: LocalStepFunctions;
let world: World;

beforeAll(async () => {
  sfn = localStepFunctions({ sweepIntervalMs: 0 });
  stack = await startTestStack({ services: [sfn] });
  world = await setUpWorld((m, p, o) => stack.api(m, p, o), (c) => stack.token(c));
});
afterAll(async () => {
  await stack?.stop();
});

describe('minor injury, end to end', () => {
  it('opens, confirms without assessment, calculates, approves and pays once (D7, D9, D10)', async () => {
    const { caseId, body } = await openedCase(world);
    expect(body.status).toBe('UNDER_REVIEW');
    const paid = await payMinorInjury(world, caseId);
    expect(paid.status).toBe('PAID');
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0].amountFen).toBe(80_000);
  });
});
