/**
 * The HTTP surface: which route is served by which function, and what each function may touch.
 *
 * Plain data, read by the CDK stateless stack (one NodejsFunction per group, one HTTP API route per row,
 * IAM grants per table) and by the local HTTP adapter (same routes, same handlers). Each handler
 * dispatches on `event.routeKey`, which API Gateway sets to the `routeKey` below.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type TableAccess = 'read' | 'readwrite';
export type TableId = 'registry' | 'orders' | 'ledger' | 'idempotency' | 'cases';

export interface FunctionGroup {
  /** Entry file, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly tables: Readonly<Partial<Record<TableId, TableAccess>>>;
  readonly memorySize?: number;
  /**
   * Serves routes a platform may call: the per-platform request-rate limit runs there
   * (`PLATFORM_RATE_LIMIT_PER_SECOND`, functions/_shared/rate-limit.ts), which writes the idempotency table.
   */
  readonly platformFacing?: boolean;
}

export const FUNCTIONS = {
  public: {
    entry: 'functions/public/handler.ts',
    description: 'Health check and the OpenAPI document',
    tables: {},
  },
  admin: {
    entry: 'functions/admin/handler.ts',
    description: 'Versioned parameters and working-day calendars (administrators)',
    tables: { registry: 'readwrite', idempotency: 'readwrite' },
  },
  platforms: {
    entry: 'functions/platforms/handler.ts',
    description: 'Platform registration, provinces and app clients',
    tables: { registry: 'readwrite', idempotency: 'readwrite' },
    platformFacing: true,
  },
  workers: {
    entry: 'functions/workers/handler.ts',
    description: 'Batch registration of platform workers',
    tables: { registry: 'readwrite', idempotency: 'readwrite' },
    platformFacing: true,
  },
  orders: {
    entry: 'functions/orders/handler.ts',
    description: 'Batch order ingestion: exactly-once orders, enrolment days and fee counters',
    tables: { registry: 'read', orders: 'readwrite', ledger: 'readwrite', idempotency: 'readwrite' },
    memorySize: 1024,
    platformFacing: true,
  },
  declarations: {
    entry: 'functions/declarations/handler.ts',
    description: 'Monthly fee declarations from pre-aggregated counters',
    tables: { registry: 'read', ledger: 'read', idempotency: 'readwrite' },
    platformFacing: true,
  },
  enrolment: {
    entry: 'functions/enrolment/handler.ts',
    description: "A worker's enrolment days and coverage at a moment",
    tables: { registry: 'read', orders: 'read', ledger: 'read', idempotency: 'readwrite' },
    platformFacing: true,
  },
  reports: {
    entry: 'functions/reports/handler.ts',
    description: "Injury reports: coverage verdict and the snapshot of that day's orders (D4, D11)",
    tables: { registry: 'read', orders: 'read', cases: 'readwrite', idempotency: 'readwrite' },
    platformFacing: true,
  },
  cases: {
    entry: 'functions/cases/handler.ts',
    description: 'Bundled cases: opening (D6), human steps resumed through the case workflow, benefits and payments',
    tables: { registry: 'read', cases: 'readwrite', idempotency: 'readwrite' },
    platformFacing: true,
  },
  paymentRuns: {
    entry: 'functions/payment-runs/handler.ts',
    description: 'Monthly payment runs (start and status)',
    tables: { cases: 'readwrite', idempotency: 'readwrite' },
  },
} as const satisfies Record<string, FunctionGroup>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{name}` for a path parameter. */
  readonly path: string;
  readonly fn: FunctionName;
  /** false only for the public routes (health, OpenAPI). */
  readonly auth: boolean;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', fn: 'public', auth: false },
  { method: 'GET', path: '/openapi.json', fn: 'public', auth: false },

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

  { method: 'GET', path: '/v1/workers/{workerId}/enrolment-days', fn: 'enrolment', auth: true },
  { method: 'GET', path: '/v1/workers/{workerId}/coverage', fn: 'enrolment', auth: true },

  { method: 'POST', path: '/v1/injury-reports', fn: 'reports', auth: true },
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
  { method: 'POST', path: '/v1/payment-runs', fn: 'paymentRuns', auth: true },
  { method: 'GET', path: '/v1/payment-runs/{runId}', fn: 'paymentRuns', auth: true },
];

/**
 * Routes whose response carries an app client's secret: never stored for an `Idempotency-Key` replay
 * (a stored response would keep the secret in clear in the idempotency table).
 */
export const SECRET_RESPONSE_ROUTES: ReadonlySet<string> = new Set(['POST /v1/platforms', 'POST /v1/platforms/{platformId}/client']);

export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;
