/**
 * The HTTP surface: which route is served by which function group (manifest/functions.ts).
 *
 * Read by the CDK stateless stack (one HTTP API route per row), by the local HTTP adapter (same routes,
 * same handlers) and by the OpenAPI document (one operation per row). Each handler dispatches on
 * `event.routeKey`, which API Gateway sets to the `routeKey` below.
 */
import type { FunctionName } from './functions.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  readonly path: string;
  readonly fn: FunctionName;
  /** false only for the public routes (health, OpenAPI, the error catalogue). */
  readonly auth: boolean;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', fn: 'public', auth: false },
  { method: 'GET', path: '/openapi.json', fn: 'public', auth: false },
  { method: 'GET', path: '/errors', fn: 'public', auth: false },
  { method: 'GET', path: '/errors/{code}', fn: 'public', auth: false },

  { method: 'PUT', path: '/v1/parameters', fn: 'admin', auth: true },
  { method: 'GET', path: '/v1/parameters/resolve', fn: 'admin', auth: true },
  { method: 'PUT', path: '/v1/calendars/{year}', fn: 'admin', auth: true },
  { method: 'GET', path: '/v1/calendars/{year}', fn: 'admin', auth: true },

  { method: 'POST', path: '/v1/platforms', fn: 'platforms', auth: true },
  { method: 'GET', path: '/v1/platforms/{platformId}', fn: 'platforms', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/provinces', fn: 'platforms', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/client', fn: 'platforms', auth: true },

  { method: 'PUT', path: '/v1/platforms/{platformId}/workers', fn: 'workers', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/orders', fn: 'orders', auth: true },
  { method: 'GET', path: '/v1/platforms/{platformId}/declarations/{month}', fn: 'declarations', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/declarations/{month}/reopening', fn: 'declarations', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/declarations/{month}/closing', fn: 'declarations', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/declarations/{month}/settlements', fn: 'declarations', auth: true },
  { method: 'GET', path: '/v1/platforms/{platformId}/employment-reports/{month}', fn: 'declarations', auth: true },
  { method: 'GET', path: '/v1/credit-records', fn: 'declarations', auth: true },
  { method: 'GET', path: '/v1/statistics', fn: 'statistics', auth: true },

  { method: 'GET', path: '/v1/workers/{workerId}/enrolment-days', fn: 'enrolment', auth: true },
  { method: 'GET', path: '/v1/workers/{workerId}/coverage', fn: 'enrolment', auth: true },
  { method: 'GET', path: '/v1/workers/{workerId}/notifications', fn: 'notifications', auth: true },

  { method: 'PUT', path: '/v1/platforms/{platformId}/webhook', fn: 'webhooks', auth: true },
  { method: 'DELETE', path: '/v1/platforms/{platformId}/webhook', fn: 'webhooks', auth: true },
  { method: 'GET', path: '/v1/platforms/{platformId}/webhook/deliveries', fn: 'webhooks', auth: true },
  { method: 'POST', path: '/v1/platforms/{platformId}/webhook/deliveries/{deliveryId}/redelivery', fn: 'webhooks', auth: true },

  { method: 'POST', path: '/v1/injury-reports', fn: 'reports', auth: true },
  { method: 'GET', path: '/v1/platforms/{platformId}/injury-reports', fn: 'reports', auth: true },
  { method: 'GET', path: '/v1/workers/{workerId}/injury-reports', fn: 'reports', auth: true },
  { method: 'POST', path: '/v1/cases', fn: 'cases', auth: true },
  { method: 'GET', path: '/v1/cases', fn: 'cases', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/suspension', fn: 'cases', auth: true },
  { method: 'DELETE', path: '/v1/cases/{caseId}/suspension', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/confirmation', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/expenses', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/assessment', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/assessment-extension', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/dependants', fn: 'cases', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}/benefits', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/approval', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/resubmission', fn: 'cases', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}/payments', fn: 'cases', auth: true },
  { method: 'PUT', path: '/v1/cases/{caseId}/payee', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/payee/confirmation', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/life-events', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/certifications', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/appeals', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/appeals/{appealId}/result', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/assistance-requests', fn: 'cases', auth: true },
  { method: 'GET', path: '/v1/assistance-requests', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/assistance-requests/{requestId}/answer', fn: 'cases', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/documents', fn: 'documents', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}/documents', fn: 'documents', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}/documents/{documentId}', fn: 'documents', auth: true },
  { method: 'GET', path: '/v1/cases/{caseId}/documents/{documentId}/content', fn: 'documents', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/documents/{documentId}/withdrawal', fn: 'documents', auth: true },
  { method: 'POST', path: '/v1/cases/{caseId}/document-waivers', fn: 'documents', auth: true },
  { method: 'POST', path: '/v1/payment-runs', fn: 'paymentRuns', auth: true },
  { method: 'GET', path: '/v1/payment-runs/{runId}', fn: 'paymentRuns', auth: true },
  { method: 'POST', path: '/v1/payment-batches', fn: 'paymentBatches', auth: true },
  { method: 'GET', path: '/v1/payment-batches/{batchId}', fn: 'paymentBatches', auth: true },
  { method: 'GET', path: '/v1/payment-batches/{batchId}/file', fn: 'paymentBatches', auth: true },
  { method: 'POST', path: '/v1/payment-batches/{batchId}/results', fn: 'paymentBatches', auth: true },
  { method: 'GET', path: '/v1/fund-reports/{month}', fn: 'paymentBatches', auth: true },
];

/**
 * Routes whose response carries an app client's secret: never stored for an `Idempotency-Key` replay
 * (a stored response would keep the secret in clear in the idempotency table).
 */
export const SECRET_RESPONSE_ROUTES: ReadonlySet<string> = new Set(['POST /v1/platforms', 'POST /v1/platforms/{platformId}/client']);

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;
