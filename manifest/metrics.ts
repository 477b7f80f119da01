/**
 * The business metrics: the one catalogue read by the functions that emit them
 * (functions/_shared/metrics.ts, Powertools Metrics → CloudWatch Embedded Metric Format) and by the CDK
 * dashboard (lib/constructs/monitoring.ts). docs/operations.md lists them for operators.
 *
 * Plain data. Every metric is published in `METRICS_NAMESPACE` with the dimensions `service` (always
 * `METRICS_SERVICE`, whichever function emits it, so a metric keeps one series when the code emitting
 * it moves) and `stage`, plus at most one dimension of its own whose values are a closed list declared
 * here. No identifier, name, number or free text is ever a dimension (dimensions are indexed and shown
 * in the console; personal data never goes there); amounts are values, never dimensions.
 */

/** CloudWatch namespace of the business metrics. */
export const METRICS_NAMESPACE = 'InjuryClaims';

/** The `service` dimension of every business metric. */
export const METRICS_SERVICE = 'platform-injury-claims';

/** CloudWatch units the catalogue uses (a subset of Powertools' `MetricUnit` values). */
type BusinessMetricUnit = 'Count' | 'None';

export interface BusinessMetricSpec {
  readonly unit: BusinessMetricUnit;
  /** What one unit is and when it is emitted (docs/operations.md, the dashboard's widget). */
  readonly description: string;
  /** The function groups (manifest/functions.ts) whose use cases emit it; empty: reserved, not emitted yet. */
  readonly emittedBy: readonly string[];
  /** Its own dimension: a name and the closed list of values it takes. */
  readonly dimension?: { readonly name: string; readonly values: readonly string[] };
}

export const BUSINESS_METRICS = {
  OrdersAccepted: {
    unit: 'Count',
    description: 'New orders stored by an orders batch (accepted; duplicates, updates and rejections are not counted)',
    emittedBy: ['orders'],
  },
  InjuryReportsFiled: {
    unit: 'Count',
    description: 'Injury reports filed by a platform or a worker',
    emittedBy: ['reports'],
  },
  CasesOpened: {
    unit: 'Count',
    description: 'Cases opened (a worker or their representative applied)',
    emittedBy: ['cases'],
  },
  ConfirmationDecisions: {
    unit: 'Count',
    description: "A handler's confirmation decision recorded on a case, by outcome",
    emittedBy: ['cases'],
    dimension: { name: 'outcome', values: ['CONFIRMED', 'DEEMED', 'NOT_CONFIRMED'] },
  },
  ApprovalDecisions: {
    unit: 'Count',
    description: "A reviewer's approval decision recorded on a case, by decision",
    emittedBy: ['cases'],
    dimension: { name: 'decision', values: ['approve', 'return'] },
  },
  PaymentsInstructed: {
    unit: 'Count',
    description: 'Payments instructed (new positive payments to a payee), by what instructed them',
    emittedBy: ['cases', 'workflow'],
    dimension: { name: 'kind', values: ['approval', 'monthly', 'life-event', 'reinstruction'] },
  },
  PaymentsInstructedFen: {
    unit: 'None',
    description: 'Amount of the payments instructed, in fen, by what instructed them',
    emittedBy: ['cases', 'workflow'],
    dimension: { name: 'kind', values: ['approval', 'monthly', 'life-event', 'reinstruction'] },
  },
  PaymentBatchesSent: {
    unit: 'Count',
    description: 'Payment batches assembled for the bank (their payments now SENT)',
    emittedBy: ['paymentBatches'],
  },
  PaymentsSent: {
    unit: 'Count',
    description: 'Payments sent to the bank in a batch',
    emittedBy: ['paymentBatches'],
  },
  PaymentsSentFen: {
    unit: 'None',
    description: 'Amount the bank is asked to pay by the batches sent, in fen',
    emittedBy: ['paymentBatches'],
  },
  WebhookDeliveryFailed: {
    unit: 'Count',
    description: 'A webhook delivery attempt to a platform failed: a non-2xx answer, no answer in time, a refused or closed connection',
    emittedBy: ['webhookSender'],
  },
} as const satisfies Record<string, BusinessMetricSpec>;

export type BusinessMetricName = keyof typeof BUSINESS_METRICS;

/** The values of a metric's own dimension (never: a metric without one). */
export type DimensionValue<M extends BusinessMetricName> = (typeof BUSINESS_METRICS)[M] extends {
  readonly dimension: { readonly values: readonly (infer V)[] };
}
  ? V
  : never;
