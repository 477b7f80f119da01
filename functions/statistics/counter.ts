/**
 * Lambda entry point of the statistics counter (D20; docs/reporting.md): the cases table's change stream
 * (its own event source mapping in AWS; locally local/events hands it the same batches as the publisher) →
 * the monthly counters of `functions/_shared/repositories/statistics.ts`.
 *
 * Each record adds the difference between what its new image and its old image count (core/statistics.ts),
 * with its marker, in one transaction: exactly once however often the record is delivered. Records are
 * applied in order; the first that fails is reported (`ReportBatchItemFailures`) and the batch is retried
 * from it.
 */
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type CaseRecord,
  caseIncrements,
  firstPaymentIncrement,
  type InjuryReport,
  incrementDelta,
  type PaymentRecord,
  paymentIncrements,
  type ReportFacts,
  reportFacts,
  reportIncrements,
  type StatisticsIncrement,
} from '../../core/index.ts';
import { logger } from '../_shared/observability.ts';
import { casesRepository } from '../_shared/repositories/cases.ts';
import { reportsRepository } from '../_shared/repositories/reports.ts';
import { type FirstPaymentChange, statisticsRepository } from '../_shared/repositories/statistics.ts';

type Image = Record<string, unknown>;
const imageOf = (image: Record<string, AttributeValue> | undefined): Image | undefined => (image ? unmarshall(image as never) : undefined);

/** Reads shared by the records of one batch (a report and a case are read once). */
const batchReads = () => {
  const reports = new Map<string, Promise<ReportFacts | undefined>>();
  const cases = new Map<string, Promise<CaseRecord | undefined>>();
  const factsOf = (reportId: string) => {
    if (!reports.has(reportId))
      reports.set(
        reportId,
        reportsRepository.get(reportId).then((r) => (r ? reportFacts(r) : undefined)),
      );
    return reports.get(reportId)!;
  };
  const caseOf = (caseId: string) => {
    if (!cases.has(caseId)) cases.set(caseId, casesRepository.get(caseId));
    return cases.get(caseId)!;
  };
  return { factsOf, caseOf };
};

type Reads = ReturnType<typeof batchReads>;

/** What one stream record changes: its increments and, for a payment's first PAID result, the first payment. */
const changeOf = async (record: DynamoDBRecord, reads: Reads): Promise<{ increments: StatisticsIncrement[]; firstPayment?: FirstPaymentChange }> => {
  const sk = record.dynamodb?.Keys?.sk?.S ?? '';
  const before = imageOf(record.dynamodb?.OldImage);
  const after = imageOf(record.dynamodb?.NewImage);
  if (sk === 'REPORT') {
    const count = (i: Image | undefined) => (i ? reportIncrements(i as unknown as InjuryReport) : []);
    return { increments: incrementDelta(count(before), count(after)) };
  }
  if (sk === 'CASE') {
    const reportId = ((after ?? before)?.reportId as string | undefined) ?? '';
    const facts = await reads.factsOf(reportId);
    if (!facts) throw new Error(`the report of a case is missing: ${reportId}`);
    const count = (i: Image | undefined) => (i ? caseIncrements(i as unknown as CaseRecord, facts) : []);
    return { increments: incrementDelta(count(before), count(after)) };
  }
  if (sk.startsWith('PAYMENT#')) {
    const payment = (after ?? before) as unknown as PaymentRecord;
    const paidNow = after?.status === 'PAID' && before?.status !== 'PAID';
    const paidBefore = before?.status === 'PAID';
    if (!paidNow && !paidBefore) return { increments: [] };
    const record = await reads.caseOf(payment.caseId);
    if (!record) throw new Error(`the case of a payment is missing: ${payment.caseId}`);
    const facts = await reads.factsOf(record.reportId);
    if (!facts) throw new Error(`the report of a case is missing: ${record.reportId}`);
    const count = (i: Image | undefined) => (i ? paymentIncrements(i as unknown as PaymentRecord, facts) : []);
    const increments = incrementDelta(count(before), count(after));
    const paidAt = after?.settledAt as string | undefined;
    if (!paidNow || !paidAt) return { increments };
    // The first PAID result of the case: counted once; an earlier one found later takes its place.
    const stored = await statisticsRepository.firstPayment(payment.caseId);
    if (stored && stored.paidAt <= paidAt) return { increments };
    const next = { caseId: payment.caseId, paidAt, increment: firstPaymentIncrement(paidAt, facts) };
    const moved = incrementDelta(stored ? [stored.increment] : [], [next.increment]);
    return { increments: [...increments, ...moved], firstPayment: { ...(stored ? { before: stored } : {}), after: next } };
  }
  return { increments: [] };
};

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const reads = batchReads();
  for (const record of event.Records) {
    const eventId = record.eventID ?? record.dynamodb?.SequenceNumber ?? '';
    try {
      const { increments, firstPayment } = await changeOf(record, reads);
      if (increments.length === 0 && !firstPayment) continue;
      const applied = await statisticsRepository.apply(eventId, increments, firstPayment);
      logger.info(applied ? 'Statistics counted' : 'Statistics already counted for this record', { eventId, counters: increments.length });
    } catch (error) {
      logger.error('Statistics not counted: the batch is retried from this record', {
        eventId,
        errorName: (error as Error).name,
        errorMessage: (error as Error).message,
      });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
