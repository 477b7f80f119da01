import { describe, expect, it } from 'vitest';
import { useCaseStack } from './cases-stack.ts';
import { openedCase, payMinorInjury } from './cases-fixtures.ts';

const env = useCaseStack();

describe('minor injury, end to end', () => {
  it('opens, confirms without assessment, calculates, approves and pays once (D7, D9, D10)', async () => {
    const { caseId, body } = await openedCase(env.world);
    expect(body.status).toBe('UNDER_REVIEW');
    const paid = await payMinorInjury(env.world, caseId);
    expect(paid.status).toBe('APPROVED');
    expect(paid.payments).toHaveLength(1);
    expect(paid.payments[0]).toMatchObject({ amountFen: 80_000, status: 'INSTRUCTED', kind: 'approval' });
  });
});
