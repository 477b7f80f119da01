/**
 * Business metrics (functions/_shared/metrics.ts): each emitter writes one CloudWatch EMF document to stdout
 * with the catalogue's namespace, unit and dimensions (service, stage and at most the metric's own, from its
 * closed list); zero counts write nothing; a failure is logged and never thrown; the metrics are off when
 * POWERTOOLS_METRICS_DISABLED says so.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaymentChange, PaymentRecord, StepInput } from '../../../core/index.ts';
import { businessMetrics } from '../../../functions/_shared/metrics.ts';
import { BUSINESS_METRICS, type BusinessMetricName, METRICS_NAMESPACE, METRICS_SERVICE } from '../../../manifest/metrics.ts';
import { type EmfDocument, emfDocuments } from '../../support/emf.ts';

let chunks: string[] = [];
let spies: { mockRestore(): void }[] = [];
const capture = (chunk: unknown) => {
  chunks.push(String(chunk));
  return true;
};

beforeAll(() => {
  // The metrics instance is created at the first outcome and reads the environment then.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});
beforeEach(() => {
  chunks = [];
  spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture as never), vi.spyOn(process.stderr, 'write').mockImplementation(capture as never)];
});
afterEach(() => {
  for (const s of spies) s.mockRestore();
});

const docs = (): EmfDocument[] => emfDocuments(chunks);
const only = (): EmfDocument => {
  const all = docs();
  expect(all, chunks.join('')).toHaveLength(1);
  return all[0]!;
};

const payment = (over: Partial<PaymentRecord>): PaymentRecord => ({
  paymentId: 'C1-P0001',
  caseId: 'C1',
  key: 'C1-P0001',
  amountFen: 10_000,
  status: 'INSTRUCTED',
  items: [],
  createdAt: '2026-03-01T02:00:00.000Z',
  kind: 'approval',
  ...over,
});

describe('business metrics', () => {
  it('an orders batch: one EMF document, namespace and dimensions of the catalogue, the count as a Count', () => {
    businessMetrics.ordersAccepted(12);
    const doc = only();
    expect(doc.namespace).toBe(METRICS_NAMESPACE);
    expect(doc.dimensionNames).toEqual(['service', 'stage']);
    expect(doc.dimensions).toEqual({ service: METRICS_SERVICE, stage: 'test' });
    expect(doc.values).toEqual({ OrdersAccepted: 12 });
    expect(doc.units).toEqual({ OrdersAccepted: 'Count' });
  });

  it('writes nothing for an outcome that counts nothing (a batch of duplicates)', () => {
    businessMetrics.ordersAccepted(0);
    businessMetrics.paymentChangesStored([]);
    businessMetrics.stepRecorded({ step: 'resumption' });
    expect(chunks).toEqual([]);
  });

  it('a report filed and a case opened count one each', () => {
    businessMetrics.injuryReportFiled();
    businessMetrics.caseOpened();
    expect(docs().map((d) => d.values)).toEqual([{ InjuryReportsFiled: 1 }, { CasesOpened: 1 }]);
  });

  it.each([
    [{ step: 'confirmation', outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false }, 'ConfirmationDecisions', 'outcome', 'CONFIRMED'],
    [
      { step: 'confirmation', outcome: 'NOT_CONFIRMED', basis: 'X', reasons: ['INTOXICATION'], assessmentRequired: false },
      'ConfirmationDecisions',
      'outcome',
      'NOT_CONFIRMED',
    ],
    [{ step: 'approval', decision: 'approve', calculationId: 'calc-1' }, 'ApprovalDecisions', 'decision', 'approve'],
    [{ step: 'approval', decision: 'return', calculationId: 'calc-1', comment: '请核对' }, 'ApprovalDecisions', 'decision', 'return'],
  ] as const)('a decision (%o) counts under %s with its %s', (input, metric, dimension, value) => {
    businessMetrics.stepRecorded(input as unknown as StepInput);
    const doc = only();
    expect(doc.values).toEqual({ [metric]: 1 });
    expect(doc.dimensions).toEqual({ service: METRICS_SERVICE, stage: 'test', [dimension]: value });
    // a comment, a calculation id or a basis never becomes a dimension
    expect(doc.dimensionNames).toEqual(['service', 'stage', dimension]);
  });

  it('payments instructed: new positive INSTRUCTED payments only, counted and summed per kind', () => {
    const changes: PaymentChange[] = [
      { next: payment({ paymentId: 'C1-P0001', amountFen: 30_000, kind: 'approval' }) },
      { next: payment({ paymentId: 'C1-P0002', amountFen: 5_000, kind: 'approval' }) },
      { next: payment({ paymentId: 'C1-P0003', amountFen: 7_000, kind: 'life-event' }) },
      // a recovery (negative), a cancelled one and a change of an existing payment are not instructed payments
      { next: payment({ paymentId: 'C1-P0004', amountFen: -2_000, kind: 'life-event' }) },
      { next: payment({ paymentId: 'C1-P0005', status: 'CANCELLED', kind: 'approval' }) },
      { next: payment({ paymentId: 'C1-P0000', status: 'INSTRUCTED', kind: 'approval' }), expected: 'PENDING' },
    ];
    businessMetrics.paymentChangesStored(changes);
    const all = docs();
    expect(all.map((d) => [d.dimensions.kind, d.values])).toEqual([
      ['approval', { PaymentsInstructed: 2, PaymentsInstructedFen: 35_000 }],
      ['life-event', { PaymentsInstructed: 1, PaymentsInstructedFen: 7_000 }],
    ]);
    expect(all[0]!.units).toEqual({ PaymentsInstructed: 'Count', PaymentsInstructedFen: 'None' });
  });

  it('a batch sent: one batch, its payments and the amount the bank is asked to pay', () => {
    businessMetrics.paymentBatchSent({ payments: 3, totalFen: 123_456 });
    expect(only().values).toEqual({ PaymentBatchesSent: 1, PaymentsSent: 3, PaymentsSentFen: 123_456 });
  });

  it('WebhookDeliveryFailed is ready for the webhooks: one per failed attempt', () => {
    businessMetrics.webhookDeliveryFailed();
    businessMetrics.webhookDeliveryFailed(2);
    expect(docs().map((d) => d.values)).toEqual([{ WebhookDeliveryFailed: 1 }, { WebhookDeliveryFailed: 2 }]);
  });

  it('a value outside the dimension list, or a bad number, is logged and never thrown; the next outcome is clean', () => {
    expect(() => businessMetrics.paymentChangesStored([{ next: payment({ kind: '13912345678' as never }) }])).not.toThrow();
    expect(() => businessMetrics.ordersAccepted(Number.NaN)).not.toThrow();
    expect(docs()).toEqual([]);
    expect(chunks.join('')).toContain('Business metric not published');
    expect(chunks.join('')).not.toContain('13912345678');
    chunks = [];
    businessMetrics.caseOpened();
    expect(only().dimensionNames).toEqual(['service', 'stage']);
  });

  it('every metric the catalogue says is emitted has an emitter, and every emitted dimension value is in the catalogue', () => {
    businessMetrics.ordersAccepted(1);
    businessMetrics.injuryReportFiled();
    businessMetrics.caseOpened();
    for (const outcome of ['CONFIRMED', 'DEEMED', 'NOT_CONFIRMED'] as const)
      businessMetrics.stepRecorded({ step: 'confirmation', outcome, basis: 'B', assessmentRequired: false });
    for (const decision of ['approve', 'return'] as const) businessMetrics.stepRecorded({ step: 'approval', decision, calculationId: 'c' });
    for (const kind of ['approval', 'monthly', 'life-event', 'reinstruction'] as const) businessMetrics.paymentChangesStored([{ next: payment({ kind }) }]);
    businessMetrics.paymentBatchSent({ payments: 1, totalFen: 1 });
    businessMetrics.webhookDeliveryFailed();
    const emitted = new Set(docs().flatMap((d) => Object.keys(d.values)));
    expect([...emitted].sort()).toEqual(Object.keys(BUSINESS_METRICS).sort());
    for (const doc of docs()) {
      for (const name of Object.keys(doc.values) as BusinessMetricName[]) {
        const spec = BUSINESS_METRICS[name] as { unit: string; dimension?: { name: string; values: readonly string[] } };
        expect(doc.units[name]).toBe(spec.unit);
        expect(doc.dimensionNames).toEqual(spec.dimension ? ['service', 'stage', spec.dimension.name] : ['service', 'stage']);
        if (spec.dimension) expect(spec.dimension.values).toContain(doc.dimensions[spec.dimension.name]);
      }
    }
  });
});
