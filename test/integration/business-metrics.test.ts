/**
 * Business metrics from the use cases' outcomes, end to end on the local stack (Powertools Metrics on, its
 * EMF documents read from stdout): a minor injury taken from its orders to a bank batch emits orders
 * accepted, a report filed, a case opened, a confirmation and an approval decision, the approval's payment
 * instructed and the batch sent — each once, also when the requests are re-sent — and no EMF document
 * carries personal data (every dimension is service, stage or a value of the catalogue's closed lists).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSINESS_METRICS, METRICS_NAMESPACE, METRICS_SERVICE } from '../../manifest/metrics.ts';
import { outputCapture } from '../support/capture-output.ts';
import { emfDocuments, metricTotal } from '../support/emf.ts';
import { useCaseStack } from './cases-stack.ts';
import { PROVINCE } from './cases-fixtures.ts';
import { approvedMinor, financeToken, PAYEE } from './payment-batches-fixtures.ts';

const env = useCaseStack({ env: { POWERTOOLS_METRICS_DISABLED: 'false' } });

const capture = outputCapture();
afterAll(() => capture.stop());

describe('business metrics (Powertools Metrics, EMF on stdout)', () => {
  beforeAll(() => capture.start());

  it('a minor injury from its orders to the bank emits each outcome once, and no personal data', async () => {
    const { world } = env;
    const approved = await approvedMinor(world, 45_600);
    const finance = await financeToken(world);
    const batch = await world.api('POST', '/v1/payment-batches', { token: finance, body: { province: PROVINCE } });
    expect(batch.status, JSON.stringify(batch.body)).toBe(201);
    // Re-sent: nothing left to send (422), nothing counted again.
    expect((await world.api('POST', '/v1/payment-batches', { token: finance, body: { province: PROVINCE } })).status).toBe(422);
    capture.stop();

    const docs = emfDocuments(capture.captured);
    expect(docs.length).toBeGreaterThanOrEqual(7);
    // The world's own set-up (platform, workers) accepts no orders; approvedMinor sends one covering order.
    expect(metricTotal(docs, 'OrdersAccepted')).toBe(1);
    expect(metricTotal(docs, 'InjuryReportsFiled')).toBe(1);
    expect(metricTotal(docs, 'CasesOpened')).toBe(1);
    expect(metricTotal(docs, 'ConfirmationDecisions', { outcome: 'CONFIRMED' })).toBe(1);
    expect(metricTotal(docs, 'ApprovalDecisions', { decision: 'approve' })).toBe(1);
    // The approval is applied by the workflow's Task (Step Functions locally): its payment is instructed there.
    expect(metricTotal(docs, 'PaymentsInstructed', { kind: 'approval' })).toBe(1);
    expect(metricTotal(docs, 'PaymentsInstructedFen', { kind: 'approval' })).toBe(approved.amountFen);
    expect(metricTotal(docs, 'PaymentBatchesSent')).toBe(1);
    expect(metricTotal(docs, 'PaymentsSent')).toBe(1);
    expect(metricTotal(docs, 'PaymentsSentFen')).toBe(approved.amountFen);

    for (const doc of docs) {
      expect(doc.namespace).toBe(METRICS_NAMESPACE);
      expect(doc.dimensions.service).toBe(METRICS_SERVICE);
      expect(doc.dimensions.stage).toBe('test'); // the test stack's STAGE
      for (const name of Object.keys(doc.values)) {
        const dimension = (BUSINESS_METRICS[name as keyof typeof BUSINESS_METRICS] as { dimension?: { name: string; values: readonly string[] } }).dimension;
        expect(doc.dimensionNames).toEqual(dimension ? ['service', 'stage', dimension.name] : ['service', 'stage']);
        if (dimension) expect(dimension.values).toContain(doc.dimensions[dimension.name]);
      }
      for (const secret of [PAYEE.name, PAYEE.bankAccount, approved.caseId, approved.paymentId]) expect(doc.line).not.toContain(secret);
    }
  });
});
