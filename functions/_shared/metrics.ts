/**
 * Business metrics (Powertools for AWS Lambda Metrics): the use cases report their outcomes here — orders
 * accepted, injury reports filed, cases opened, confirmation and approval decisions, payments instructed,
 * payment batches sent, and (reserved for the platform webhooks) failed webhook deliveries. The catalogue
 * — names, units, each metric's own dimension and its closed list of values — is manifest/metrics.ts;
 * docs/operations.md explains each metric and where the dashboard shows it.
 *
 * How they leave the function: each outcome is published at once as one CloudWatch Embedded Metric Format
 * document on stdout (Lambda's log stream; CloudWatch turns it into metrics, no API call, no IAM). Published
 * per outcome rather than at the end of the invocation, so concurrent invocations of the local runtime
 * (one process) never mix their metrics and a request that emits nothing prints nothing.
 *
 * Dimensions: `service` and `stage` on every metric, plus at most the metric's own dimension, whose value
 * must be one of the catalogue's: no identifier, name or free text can become a dimension.
 *
 * A metric never fails a use case: its outcome is already stored when it is reported, so an error here is
 * logged (a warning) and swallowed.
 *
 * Locally and in tests Powertools writes the same EMF JSON to stdout; `POWERTOOLS_METRICS_DISABLED=true`
 * (the test setup's default) silences it. The instance is created at the first outcome, so it reads the
 * environment of the invocation that emits it.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { PaymentChange, PaymentRecord, StepInput } from '../../core/index.ts';
import { BUSINESS_METRICS, type BusinessMetricName, type DimensionValue, METRICS_NAMESPACE, METRICS_SERVICE } from '../../manifest/metrics.ts';
import { logger } from './observability.ts';

let instance: Metrics | undefined;
const metrics = (): Metrics =>
  (instance ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: { stage: process.env.STAGE ?? 'unknown' } }));

type Dimensioned = { [M in BusinessMetricName]: DimensionValue<M> extends never ? never : M }[BusinessMetricName];
type Plain = Exclude<BusinessMetricName, Dimensioned>;

/** Publishes the non-zero values as one EMF document (with the metrics' shared dimension value, if any). */
const publish = (values: readonly (readonly [BusinessMetricName, number])[], dimensionValue?: string): void => {
  const nonZero = values.filter(([, value]) => value !== 0);
  if (nonZero.length === 0) return;
  const m = metrics();
  try {
    if (dimensionValue !== undefined) {
      const dimension = dimensionOf(nonZero.map(([name]) => name));
      if (!dimension.values.includes(dimensionValue)) throw new RangeError(`"${dimensionValue}" is not a value of the ${dimension.name} dimension`);
      m.addDimension(dimension.name, dimensionValue);
    }
    for (const [name, value] of nonZero) {
      if (!Number.isFinite(value)) throw new RangeError(`${name}: ${value} is not a finite number`);
      m.addMetric(name, BUSINESS_METRICS[name].unit, value);
    }
    m.publishStoredMetrics();
  } catch (error) {
    m.clearMetrics();
    m.clearDimensions();
    logger.warn('Business metric not published', {
      metrics: nonZero.map(([name]) => name),
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
  }
};

/** The one dimension the metrics published together share (the catalogue's). */
const dimensionOf = (names: readonly BusinessMetricName[]): { name: string; values: readonly string[] } => {
  const specs = names.map((name) => (BUSINESS_METRICS[name] as { dimension?: { name: string; values: readonly string[] } }).dimension);
  const first = specs[0];
  if (!first || specs.some((d) => d?.name !== first.name)) throw new RangeError(`${names.join(', ')} do not share one dimension`);
  return first;
};

const plain = (name: Plain, value: number): void => publish([[name, value]]);

/** New positive payments instructed to a payee: what a change list creates (a change with `expected` only moves one). */
const instructed = (payments: readonly PaymentRecord[]): Map<string, { count: number; fen: number }> => {
  const byKind = new Map<string, { count: number; fen: number }>();
  for (const p of payments) {
    if (p.status !== 'INSTRUCTED' || p.amountFen <= 0) continue;
    const kind = p.kind ?? 'approval';
    const sum = byKind.get(kind) ?? { count: 0, fen: 0 };
    byKind.set(kind, { count: sum.count + 1, fen: sum.fen + p.amountFen });
  }
  return byKind;
};

export const businessMetrics = {
  /** An orders batch stored `count` new orders. */
  ordersAccepted: (count: number): void => plain('OrdersAccepted', count),
  injuryReportFiled: (): void => plain('InjuryReportsFiled', 1),
  caseOpened: (): void => plain('CasesOpened', 1),
  /** A recorded step: confirmations and approvals are decisions (by outcome); other steps are not counted. */
  stepRecorded: (input: StepInput): void => {
    if (input.step === 'confirmation') publish([['ConfirmationDecisions', 1]], input.outcome satisfies DimensionValue<'ConfirmationDecisions'>);
    else if (input.step === 'approval') publish([['ApprovalDecisions', 1]], input.decision satisfies DimensionValue<'ApprovalDecisions'>);
  },
  /** The payments a stored change list created (approval, life event, re-instruction), by kind. */
  paymentChangesStored: (changes: readonly PaymentChange[]): void => {
    const created = changes.filter((c) => c.expected === undefined).map((c) => c.next);
    for (const [kind, { count, fen }] of instructed(created))
      publish(
        [
          ['PaymentsInstructed', count],
          ['PaymentsInstructedFen', fen],
        ],
        kind,
      );
  },
  /** A batch for the bank was assembled: its payments are SENT. */
  paymentBatchSent: (batch: { readonly payments: number; readonly totalFen: number }): void =>
    publish([
      ['PaymentBatchesSent', 1],
      ['PaymentsSent', batch.payments],
      ['PaymentsSentFen', batch.totalFen],
    ]),
  /**
   * A webhook delivery attempt failed (the receiver answered non-2xx, timed out or refused the connection):
   * functions/events/webhook-sender.ts, once per recorded attempt.
   */
  webhookDeliveryFailed: (attempts = 1): void => plain('WebhookDeliveryFailed', attempts),
};
