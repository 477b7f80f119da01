/**
 * The cases repository under a lost race (issue 12 review): two transactions touching a case's LEDGER (an
 * approval's apply and a run's payment) at the same moment are cancelled by DynamoDB with reason
 * `TransactionConflict`, not `ConditionalCheckFailed`. Both are the same lost race: a transition reports
 * CaseVersionConflict (the workflow retries it, the API answers 409), a run's payment answers false (the
 * run reads the case again). Anything else still propagates.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.CASES_TABLE = 'cases';
});

const ddb = mockClient(DynamoDBDocumentClient);
const { casesRepository, CaseVersionConflict } = await import('../../../../functions/_shared/repositories/cases.ts');

const cancelled = (codes: readonly string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

const next = { caseId: 'C1', version: 2, status: 'APPROVED', province: '110000', openedAt: '2026-03-16T02:00:00Z' } as never;
const event = { at: '2026-03-16T02:00:00Z', actor: 'workflow', action: 'status.changed' };
const payment = {
  paymentId: 'C1-P0004',
  caseId: 'C1',
  key: 'C1-P0004',
  amountFen: 100,
  status: 'INSTRUCTED',
  items: [],
  createdAt: '2026-03-16T02:00:00Z',
  province: '110000',
} as never;
const runEvent = { at: '2026-03-16T02:00:00Z', actor: 'payment-run', action: 'payment.instructed' };

beforeEach(() => ddb.reset());

describe('a transaction conflict on a case is a lost race', () => {
  it('transition() reports CaseVersionConflict for a conflict on the ledger, as for a failed condition', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'TransactionConflict', 'None']));
    await expect(casesRepository.transition(next, 1, event, { payments: [], ledger: { from: 3, to: 4 } })).rejects.toBeInstanceOf(CaseVersionConflict);
    ddb.on(TransactWriteCommand).rejects(cancelled(['None', 'None', 'ConditionalCheckFailed', 'None']));
    await expect(casesRepository.transition(next, 1, event, { payments: [], ledger: { from: 3, to: 4 } })).rejects.toBeInstanceOf(CaseVersionConflict);
  });

  it('addRunPayment() answers false for a conflict (the run reads again) and propagates anything else', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(['TransactionConflict', 'None', 'None', 'None', 'None']));
    await expect(casesRepository.addRunPayment(payment, 3, 'run-1', runEvent)).resolves.toBe(false);
    ddb.on(TransactWriteCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None']));
    await expect(casesRepository.addRunPayment(payment, 3, 'run-1', runEvent)).resolves.toBe(false);
    const throttled = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    ddb.on(TransactWriteCommand).rejects(throttled);
    await expect(casesRepository.addRunPayment(payment, 3, 'run-1', runEvent)).rejects.toThrow('throttled');
  });
});
