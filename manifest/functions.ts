/**
 * Every Lambda function and what it may touch: the HTTP function groups (routes in manifest/routes.ts),
 * the workflow functions (Task states, schedules), the event functions (S3 object-created events) and the
 * API's Lambda authorizer.
 *
 * Plain data. The CDK stateless stack builds one function per entry and grants exactly what the entry
 * declares (tables read/readwrite, buckets read/readwrite under their object prefix, the PII data key,
 * StartExecution of the state machines it starts, SendTask* on those it resumes, the settings below, the
 * EventBridge rule of an event function); the local runtime gives each function only the env
 * that its entry declares (local/function-env.ts), so a missing grant fails a local test as it would fail
 * in AWS. functions/ knows none of this: it reads its env through functions/_shared/config.ts.
 */
import type { AuditRole } from './audit.ts';
import type { BucketAccess, BucketId } from './buckets.ts';
import { DOMAIN_EVENT_TYPES, type QueueAccess, type QueueId } from './events.ts';
import type { StateMachineId } from './state-machines.ts';
import type { TableAccess, TableId } from './tables.ts';

/** Env settings a function may declare it needs (beyond its tables, state machines and the PII key). */
export const SETTINGS = {
  /** Requests per second accepted from one platform (docs/security.md); every platform-facing function. */
  PLATFORM_RATE_LIMIT_PER_SECOND: 'per-platform request-rate limit',
  /** `local` (ids only) or `cognito` (CreateUserPoolClient). */
  PLATFORM_CLIENTS_MODE: 'how platform app clients are created',
  PLATFORM_USER_POOL_ID: 'the user pool platform app clients are created in',
  /**
   * The Secrets Manager secret whose value CloudFront sends in `ORIGIN_VERIFY_HEADER` (manifest/api.ts): set
   * only on stages with the edge; empty (no check) locally and on stages without CloudFront.
   */
  ORIGIN_VERIFY_SECRET_ARN: 'the origin secret CloudFront sends to the API',
  /** `https://cognito-idp.{region}.amazonaws.com/{poolId}` in AWS; the local issuer locally. */
  AUTH_ISSUER: 'the token issuer the authorizer trusts',
  /** Comma-separated. */
  AUTH_STATIC_CLIENT_IDS: 'app clients the authorizer accepts without a registry look-up',
  /** The workers' user pool issuer (people's tokens); unset locally. */
  AUTH_WORKER_ISSUER: "the workers' pool issuer the authorizer trusts",
  /** The platform pool issuer (machine clients only); unset locally, where AUTH_ISSUER issues every token. */
  AUTH_PLATFORM_ISSUER: 'the platform pool issuer the authorizer trusts',
  /** The longest a person's access token may live, in seconds (the revocation bound, docs/security.md). */
  AUTH_MAX_TOKEN_SECONDS: "the longest lifetime of a person's access token",
  /** JSON: province → the agency's paying account (name, account, bankName, bankCode) for the bank files (D15). */
  PAYING_ACCOUNTS: 'the paying account of each province',
  /** `sns` (SMS through Amazon SNS, the default) or `none` (inbox only); docs/events.md says how to add a provider. */
  SMS_SENDER: 'which SMS adapter sends worker notifications',
  /** `true` only locally: a webhook may be plain http on a loopback address (contract, v2 clarifications). */
  WEBHOOK_ALLOW_LOOPBACK: 'whether loopback http webhook receivers are accepted',
  /** Divides the webhook retry schedule (1 in AWS; compressed locally so retries come within seconds). */
  WEBHOOK_RETRY_COMPRESSION: 'how much the webhook retry schedule is compressed',
  /** How long a webhook receiver may take to answer (contract: 10 s). */
  WEBHOOK_TIMEOUT_MS: 'webhook receiver timeout',
} as const;
export type SettingName = keyof typeof SETTINGS;

export interface FunctionSpec {
  /** Entry file exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  /** Tables it reads or writes: the table's name env var (manifest/tables.ts) and the IAM grant. */
  readonly tables: Readonly<Partial<Record<TableId, TableAccess>>>;
  /**
   * Buckets it reads (`s3:GetObject`) or reads and writes (also `s3:PutObject`, which presigned uploads
   * need), only under the bucket's object prefix (manifest/buckets.ts), with the bucket key's
   * kms:Decrypt/GenerateDataKey: the bucket's name env var and the IAM grant.
   */
  readonly buckets?: Readonly<Partial<Record<BucketId, BucketAccess>>>;
  /** Handles personal data (calls `pii()`, directly or through the audit log): gets the PII key. */
  readonly pii?: boolean;
  /** State machines it starts executions of: gets their ARN env var and states:StartExecution. */
  readonly starts?: readonly StateMachineId[];
  /** State machines whose waiting tasks it resumes: states:SendTaskSuccess/Failure/Heartbeat. */
  readonly resumes?: readonly StateMachineId[];
  readonly settings?: readonly SettingName[];
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 15 (HTTP functions: API Gateway gives up after 30 s) */
  readonly timeoutSeconds?: number;
  /**
   * Serves routes a platform may call: the per-platform request-rate limit runs there
   * (`PLATFORM_RATE_LIMIT_PER_SECOND`, functions/_shared/rate-limit.ts), which writes the idempotency table.
   */
  readonly platformFacing?: boolean;
  /** Puts domain events on the bus (manifest/events.ts): the bus's name env var and events:PutEvents. */
  readonly publishes?: boolean;
  /** Queues it sends to or consumes (manifest/events.ts): the queue's URL env var and the SQS grant. */
  readonly queues?: Readonly<Partial<Record<QueueId, QueueAccess>>>;
  /** Sends SMS to workers through Amazon SNS (sns:Publish to phone numbers). */
  readonly sms?: boolean;
  /**
   * Uses the audit keys (manifest/audit.ts): `chain` appends MACed audit records (kms:GenerateMac),
   * `anchor` signs chain heads into the anchor bucket (kms:Sign, s3:PutObject under the anchor prefix).
   */
  readonly audit?: AuditRole;
}

/** The HTTP function groups: one function per group, serving the routes of manifest/routes.ts. */
export const FUNCTIONS = {
  public: {
    entry: 'functions/public/handler.ts',
    description: 'Health check and the OpenAPI document',
    tables: {},
  },
  admin: {
    entry: 'functions/admin/handler.ts',
    description: 'Versioned parameters and working-day calendars (administrators)',
    // Puts parameter versions (PARAM#, repositories/parameters.ts) and calendars (CALENDAR,
    // repositories/calendars.ts), each with its audit record and chain head (AUDIT#, AUDITHEADS: audit.ts
    // `commitAudited`): never platforms, clients, persons or workers.
    tables: {
      registry: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['PARAM#', 'CALENDAR', 'AUDIT#', 'AUDITHEADS'] } },
      idempotency: 'readwrite',
    },
    pii: true,
    audit: 'chain',
  },
  platforms: {
    entry: 'functions/platforms/handler.ts',
    description: 'Platform registration, provinces and app clients',
    // repositories/platforms.ts: profile, directory and credit-code guard (Put), provinces (Update of the
    // profile); platforms/client-registry.ts: the client mapping and current client (Put) and the replaced
    // client's mapping (Delete: CLIENT# only); audit.ts: the audit record and chain head (Put). Never
    // parameters, calendars, persons or workers.
    tables: {
      registry: {
        read: 'all',
        write: [
          { actions: ['PutItem'], keyPrefixes: ['PLATFORM#', 'PLATFORMS', 'CREDITCODE#', 'CLIENT#', 'APPCLIENT#', 'AUDIT#', 'AUDITHEADS'] },
          { actions: ['UpdateItem'], keyPrefixes: ['PLATFORM#'] },
          { actions: ['DeleteItem'], keyPrefixes: ['CLIENT#'] },
        ],
      },
      idempotency: 'readwrite',
    },
    platformFacing: true,
    pii: true,
    audit: 'chain',
    settings: ['PLATFORM_CLIENTS_MODE', 'PLATFORM_USER_POOL_ID'],
  },
  workers: {
    entry: 'functions/workers/handler.ts',
    description: 'Batch registration of platform workers',
    // Writes persons, platform-worker links and worker profiles/memberships only (PutItem in its
    // transactions): never platforms, client mappings, parameters, calendars or audit records.
    tables: { registry: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['PERSON#', 'PW#', 'WORKER#'] } }, idempotency: 'readwrite' },
    platformFacing: true,
    pii: true,
  },
  orders: {
    entry: 'functions/orders/handler.ts',
    description: 'Batch order ingestion: exactly-once orders (their counters are the projection of the orders stream)',
    // cases: the month's stored state (D19: a month past its closesOn may have been reopened). Never the
    // ledger: enrolment days and fees are written by the ordersProjector (issue 18).
    tables: { registry: 'read', orders: 'readwrite', cases: 'read', idempotency: 'readwrite' },
    memorySize: 1024,
    platformFacing: true,
  },
  declarations: {
    entry: 'functions/declarations/handler.ts',
    description: 'Monthly fee declarations, month close and settlements, credit records and employment reports (D5, D19)',
    // registry: parameters, platforms and the declaration's audit chain (readwrite); cases: month state,
    // settlements and credit records (readwrite), reports and case statuses of the employment report;
    // orders: whether the projection has counted every order of the month (its open batches, sparse index).
    // The registry is written only for the audit chain of a closing or reopening (audit.ts: AUDIT#, AUDITHEADS).
    tables: {
      registry: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['AUDIT#', 'AUDITHEADS'] } },
      orders: 'read',
      ledger: 'read',
      // The month's state and its settlements (DECL#: Put of a settlement, Update of the state) and credit
      // records (CREDIT#: Put when a close creates one, Update when it reopens, re-totals or resolves it):
      // repositories/settlement.ts. Reports and case statuses are only read.
      cases: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['DECL#', 'CREDIT#'] } },
      idempotency: 'readwrite',
    },
    platformFacing: true,
    // The audit record (audit.ts) passes strings through the PII key's hashing.
    pii: true,
    audit: 'chain',
  },
  enrolment: {
    entry: 'functions/enrolment/handler.ts',
    description: "A worker's enrolment days and coverage at a moment",
    // ledger: enrolment days and the rider-days coverage reads (never the orders table itself).
    tables: { registry: 'read', ledger: 'read', idempotency: 'readwrite' },
    platformFacing: true,
  },
  reports: {
    entry: 'functions/reports/handler.ts',
    description: "Injury reports: coverage verdict and the snapshot of that day's orders (D4, D11)",
    // Puts the report (REPORT#, once: attribute_not_exists); reads the report lists (GSIs) and their cases' statuses.
    // ledger: the rider-days of the worker (coverage and the day's orders, from the orders projection).
    tables: { registry: 'read', ledger: 'read', cases: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['REPORT#'] } }, idempotency: 'readwrite' },
    platformFacing: true,
  },
  cases: {
    entry: 'functions/cases/handler.ts',
    description: 'Bundled cases: opening (D6), human steps resumed through the case workflow, benefits and payments',
    // cases: repositories/cases.ts — the case, its timeline events, payments, ledger and task token (CASE#:
    // Put, Update, Delete of the task), the report's caseId (REPORT#: Update once), the fund movements of the
    // payments a step instructs or cancels (FUND#: Put, repositories/payments.ts — a payee change re-instructs,
    // a life event settles); assistance requests (ASSIST#: Put); a late report's credit record (CREDIT#: Put,
    // repositories/settlement.ts). Never reports' contents, declarations, runs or batches.
    tables: {
      registry: 'read',
      cases: {
        read: 'all',
        write: [
          { actions: ['PutItem'], keyPrefixes: ['CASE#', 'FUND#', 'ASSIST#', 'CREDIT#'] },
          { actions: ['UpdateItem'], keyPrefixes: ['CASE#', 'REPORT#'] },
          { actions: ['DeleteItem'], keyPrefixes: ['CASE#'] },
        ],
      },
      idempotency: 'readwrite',
    },
    platformFacing: true,
    pii: true,
    starts: ['caseWorkflow'],
    resumes: ['caseWorkflow'],
  },
  documents: {
    entry: 'functions/documents/handler.ts',
    description: 'Case documents: presigned uploads and downloads, checklist, waivers and withdrawals (D13)',
    // cases: the document record (repositories/documents.ts) and, for waivers and withdrawals, the case, its
    // timeline event and the document in one transition (repositories/cases.ts, no payments, no task): all
    // under CASE#, Put only.
    tables: { cases: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['CASE#'] } }, registry: 'read', idempotency: 'readwrite' },
    // readwrite: the presigned PUT is signed with this function's credentials (s3:PutObject), the
    // presigned GET too (s3:GetObject).
    buckets: { documents: 'readwrite' },
    platformFacing: true,
  },
  paymentRuns: {
    entry: 'functions/payment-runs/handler.ts',
    description: 'Monthly payment runs (start and status)',
    // The run record only (repositories/payment-runs.ts: create, finish).
    tables: { cases: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['RUN#'] } }, idempotency: 'readwrite' },
    starts: ['paymentRun'],
  },
  notifications: {
    entry: 'functions/notifications/handler.ts',
    description: "A worker's notification inbox (D21)",
    tables: { events: 'read', idempotency: 'readwrite' },
  },
  webhooks: {
    entry: 'functions/webhooks/handler.ts',
    description: "A platform's webhook: registration (secret shown once), its delivery log and redelivery (D21)",
    // events: its platform's webhook registration (Put, Delete) and the reopening of a delivery for
    // redelivery (Update), all under PLATFORM# (repositories/events.ts); never workers' inboxes.
    tables: {
      registry: 'read',
      events: { read: 'all', write: { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], keyPrefixes: ['PLATFORM#'] } },
      idempotency: 'readwrite',
    },
    platformFacing: true,
    // The signing secret is stored encrypted with the PII data key.
    pii: true,
    queues: { webhookDeliveries: 'send' },
    settings: ['WEBHOOK_ALLOW_LOOPBACK'],
  },
  paymentBatches: {
    entry: 'functions/payment-batches/handler.ts',
    description: 'Bank batches of instructed payments, bank files and results, fund reports (finance, D15)',
    // cases (repositories/payment-batches.ts): the batch, its downloads (BATCH#: Put, Update, Delete when
    // discarded), the province's assembling marker and listing (BATCHES#: Put, Delete); the payments it sends
    // or settles and their fund movements (CASE#, FUND#: Put, repositories/payments.ts); a case settled by
    // the bank (CASE#: Put of the transition, no payments or task).
    tables: {
      cases: {
        read: 'all',
        write: [
          { actions: ['PutItem'], keyPrefixes: ['BATCH#', 'BATCHES#', 'CASE#', 'FUND#'] },
          { actions: ['UpdateItem'], keyPrefixes: ['BATCH#'] },
          { actions: ['DeleteItem'], keyPrefixes: ['BATCH#', 'BATCHES#'] },
        ],
      },
      idempotency: 'readwrite',
    },
    pii: true,
    settings: ['PAYING_ACCOUNTS'],
    // A province's batch of ~1,000 cases or 1,000 bank results takes ~8–10 s locally: up to the HTTP API's 30 s.
    timeoutSeconds: 29,
  },
  statistics: {
    entry: 'functions/statistics/handler.ts',
    description: 'Statistics by month, province, industry and platform from the counters (D20)',
    // registry: the platform directory (all platforms' orders); ledger: the statistics and fee counters.
    tables: { registry: 'read', ledger: 'read', idempotency: 'readwrite' },
    platformFacing: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

/** The functions behind the state machines and the schedules. */
export const WORKFLOW_FUNCTIONS = {
  /** Task states of both state machines (functions/workflow/actions.ts `runAction`). */
  workflow: {
    entry: 'functions/workflow/handler.ts',
    description: 'Task states of the case workflow and the payment run (dispatch on action)',
    // cases: case records, timeline events, payments, the ledger and task tokens (CASE#: Put, Update of the
    // ledger, Delete of the task), fund movements (FUND#: Put), a run's counters and its end (RUN#: Update):
    // repositories/cases.ts `transition`, `addRunPayment`, case-tasks.ts `put`, payment-runs.ts `finish`.
    // registry: parameters, calendars, workers (read).
    tables: {
      registry: 'read',
      cases: {
        read: 'all',
        write: [
          { actions: ['PutItem'], keyPrefixes: ['CASE#', 'FUND#'] },
          { actions: ['UpdateItem'], keyPrefixes: ['CASE#', 'RUN#'] },
          { actions: ['DeleteItem'], keyPrefixes: ['CASE#'] },
        ],
      },
    },
    // Records its own task token when the step was recorded before the wait began (actions.ts `awaitStep`).
    resumes: ['caseWorkflow'],
    // Below the 60 s TimeoutSeconds of the ASL's Task states, so a slow call fails inside the Lambda first.
    timeoutSeconds: 45,
    // Benefits need the dependants' birth dates, stored encrypted (field encryption v2, docs/security.md).
    pii: true,
  },
  /** Daily deadline sweep (functions/workflow/sweep.ts → `sweepDeadlines`). */
  deadlineSweep: {
    entry: 'functions/workflow/sweep.ts',
    description: 'Daily deadline sweep: escalates missed statutory deadlines (D7, D8) and closes finished cases',
    // cases: transitions without payments or task (the case and its timeline event) and reminders, all
    // CASE# puts (repositories/cases.ts `transition`, `addReminder`).
    tables: { registry: 'read', cases: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['CASE#'] } } },
    // Starts a case workflow that could not be started, and re-signals a recorded-but-unapplied step whose
    // SendTaskSuccess was lost.
    starts: ['caseWorkflow'],
    resumes: ['caseWorkflow'],
    // Walks every open case page by page; well above what the pilot's volume needs, below Lambda's 15 min.
    timeoutSeconds: 600,
    memorySize: 1024,
  },
  /** Daily month close (functions/declarations/scheduled.ts → `closeMonthByDate` per platform, D19). */
  monthClose: {
    entry: 'functions/declarations/scheduled.ts',
    description: "Daily month close (D19): closes every platform's month whose closesOn has passed and records unpaid bills (idempotent)",
    // registry: the platform directory, parameters; ledger: the fee counters; cases: month state (DECL#: Update)
    // and credit records (CREDIT#: Put, Update), repositories/settlement.ts `statusItems`; orders: whether the
    // projection has counted every order of the month (the close waits for it).
    tables: {
      registry: 'read',
      orders: 'read',
      ledger: 'read',
      cases: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['DECL#', 'CREDIT#'] } },
    },
    // One small transaction per platform; generous for a few thousand platforms.
    timeoutSeconds: 300,
  },
  /** Monthly payment run (functions/payment-runs/scheduled.ts → `startPaymentRun` with a per-month run id). */
  paymentRunSchedule: {
    entry: 'functions/payment-runs/scheduled.ts',
    description: "Monthly payment run: creates the month's run record and starts the payment-run state machine (idempotent per month)",
    // cases: the run record (conditional create, read back on a duplicate delivery; finished as FAILED when
    // the start fails). No registry access.
    tables: { cases: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['RUN#'] } } },
    starts: ['paymentRun'],
    // Two DynamoDB calls and one StartExecution; generous for SDK retries.
    timeoutSeconds: 30,
  },
  /** The audit anchor (functions/audit/anchor.ts): signs every chain head and writes it to the object-locked bucket. */
  auditAnchor: {
    entry: 'functions/audit/anchor.ts',
    description: 'Audit anchor: signs the heads of every audit chain (KMS ECDSA P-256) into the object-locked anchor bucket',
    // audit: the cases ledger head; registry: the heads of the registry's chains (AUDITHEADS).
    tables: { audit: 'read', registry: 'read' },
    audit: 'anchor',
    timeoutSeconds: 120,
  },
} as const satisfies Record<string, FunctionSpec>;

export type WorkflowFunctionName = keyof typeof WORKFLOW_FUNCTIONS;

/** A function invoked by the S3 "Object Created" events of a bucket (EventBridge in AWS, local/s3.ts locally). */
export interface EventFunctionSpec extends FunctionSpec {
  /**
   * The bucket whose "Object Created" events (objects under its `objectPrefix`) invoke the function, with
   * the EventBridge event (`detail-type: Object Created`, `source: aws.s3`); retried, then to a DLQ.
   */
  readonly objectCreated: BucketId;
}

/** The functions triggered by events rather than by a route, a state machine or a schedule. */
export const EVENT_FUNCTIONS = {
  /** The check after upload (D13): real type from the bytes, size, SHA-256; AVAILABLE or REJECTED. Idempotent. */
  documentCheck: {
    entry: 'functions/documents/check.ts',
    description: 'Checks an uploaded case document from its bytes (type, size, SHA-256): AVAILABLE or REJECTED (D13)',
    // The document record only (repositories/documents.ts `settle`: CASE# / DOC#, Put).
    tables: { cases: { read: 'all', write: { actions: ['PutItem'], keyPrefixes: ['CASE#'] } } },
    buckets: { documents: 'read' },
    objectCreated: 'documents',
    // Reads up to 20 MiB and hashes it: more memory (CPU) than the default, and time for a slow read.
    memorySize: 1024,
    timeoutSeconds: 60,
  },
} as const satisfies Record<string, EventFunctionSpec>;

export type EventFunctionName = keyof typeof EVENT_FUNCTIONS;

/** How a domain-event function is triggered (docs/events.md). */
type DomainEventTrigger =
  /** The change stream of a table (DynamoDB Streams event source mapping; locally local/events polls it). */
  | { readonly stream: 'cases' | 'orders' }
  /** The domain bus's rule for these detail-types (EventBridge; locally local/events routes PutEvents). */
  | { readonly bus: readonly string[] }
  /** A queue (SQS event source mapping, partial batch failures; locally local/events runs the queue). */
  | { readonly queue: QueueId };

export interface DomainEventFunctionSpec extends FunctionSpec {
  readonly trigger: DomainEventTrigger;
}

/** The functions of the domain events: stream → bus, bus → notifications and webhook fan-out, queue → receivers. */
export const DOMAIN_EVENT_FUNCTIONS = {
  /** Maps committed changes of the cases table to versioned domain events and puts them on the bus. */
  eventPublisher: {
    entry: 'functions/events/publisher.ts',
    description: 'Domain events from the cases table stream (reports, cases, payments, documents) to the bus',
    tables: {},
    publishes: true,
    trigger: { stream: 'cases' },
    timeoutSeconds: 60,
  },
  /** The statistics counters (D20): each stream record's difference counted once (docs/reporting.md). */
  statisticsCounter: {
    entry: 'functions/statistics/counter.ts',
    description: 'Statistics counters by month, province, industry and platform from the cases table stream (D20)',
    // cases: the report (dimensions) of a case and the case of a payment; ledger: the STAT# counters and the
    // STATFP# first payments only; events: the STATMARK# markers only (exactly once per stream record).
    tables: {
      cases: 'read',
      ledger: { read: 'all', write: { actions: ['UpdateItem', 'PutItem'], keyPrefixes: ['STAT#', 'STATFP#'] } },
      events: { read: 'none', write: { actions: ['PutItem'], keyPrefixes: ['STATMARK#'] } },
    },
    trigger: { stream: 'cases' },
    timeoutSeconds: 60,
  },
  /**
   * The keyed audit chain of the cases table (functions/audit/chainer.ts): every committed change of a
   * chained item (manifest/audit.ts) is appended once, in stream order per item, to `LEDGER#cases`.
   */
  auditChainer: {
    entry: 'functions/audit/chainer.ts',
    description: 'Keyed audit chain of every committed change of cases, payments, batches and downloads (from the cases table stream)',
    // Appends records and their exactly-once markers; reads the chain head and the markers. Nothing else.
    tables: { audit: { read: 'all', write: { actions: ['PutItem', 'ConditionCheckItem'], keyPrefixes: ['LEDGER#', 'SRC#'] } } },
    audit: 'chain',
    trigger: { stream: 'cases' },
    timeoutSeconds: 60,
  },
  /**
   * The orders projection (issue 18): enrolment days, fee lines and rider-days from the orders table stream,
   * each new order counted once (functions/orders/projector.ts).
   */
  ordersProjector: {
    entry: 'functions/orders/projector.ts',
    description: 'Enrolment days, fee lines and rider-days from the orders table stream, each order counted once (D3, D5)',
    // orders: only the write batches' counts (BATCH#), never an order; ledger: the counters and rider-days
    // only, and reads of a rider-day whose cancelled transaction did not return it (repositories/projection.ts).
    tables: {
      orders: { read: 'none', write: { actions: ['UpdateItem'], keyPrefixes: ['BATCH#'] } },
      ledger: { read: 'all', write: { actions: ['UpdateItem'], keyPrefixes: ['DAYS#', 'PDAYS#', 'FEE#', 'RIDERDAY#'] } },
    },
    trigger: { stream: 'orders' },
    timeoutSeconds: 60,
  },
  /**
   * The order archive (issue 18): the order items TTL removes from the orders table (their stream's REMOVE
   * records, old images) as gzip JSON lines in the order archive bucket (functions/orders/archiver.ts).
   */
  ordersArchiver: {
    entry: 'functions/orders/archiver.ts',
    description: 'Order details expired from the orders table to the S3 order archive (issue 18)',
    // No table: everything it writes is in the stream record. The archive: PutObject under orders/ only.
    tables: {},
    buckets: { archive: 'write' },
    trigger: { stream: 'orders' },
    memorySize: 1024,
    timeoutSeconds: 60,
  },
  /** Worker notifications (inbox + SMS, D21) and the webhook deliveries of platforms, idempotent by event id. */
  eventConsumer: {
    entry: 'functions/events/consumer.ts',
    description: 'Worker notifications (inbox and SMS) and webhook deliveries from domain events (D21)',
    // cases: the case and its documents (missing list, deadlines); registry: the worker's phone for SMS.
    // events: inbox notifications and their SMS state (WORKER#: Put, Update), webhook deliveries and their
    // enqueued mark (PLATFORM#: Put, Update), repositories/events.ts; deletes nothing.
    tables: {
      cases: 'read',
      registry: 'read',
      events: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['WORKER#', 'PLATFORM#'] } },
    },
    pii: true,
    sms: true,
    queues: { webhookDeliveries: 'send' },
    settings: ['SMS_SENDER'],
    // Every domain event: each may notify a worker or fan out to a platform's webhook.
    trigger: { bus: [...DOMAIN_EVENT_TYPES] },
    timeoutSeconds: 60,
  },
  /** One signed HTTP POST per delivery message; retried with backoff, DEAD after the schedule. */
  webhookSender: {
    entry: 'functions/events/webhook-sender.ts',
    description: 'Sends webhook deliveries to platforms (Standard Webhooks signatures), with retries and a dead-letter state',
    // events: a delivery's attempts and status (PLATFORM#: Put of the attempt, Update of the delivery).
    tables: { events: { read: 'all', write: { actions: ['PutItem', 'UpdateItem'], keyPrefixes: ['PLATFORM#'] } } },
    pii: true,
    queues: { webhookDeliveries: 'consume' },
    settings: ['WEBHOOK_ALLOW_LOOPBACK', 'WEBHOOK_RETRY_COMPRESSION', 'WEBHOOK_TIMEOUT_MS'],
    trigger: { queue: 'webhookDeliveries' },
    // Receivers answer within 10 s or fail; a batch of deliveries is sent concurrently.
    timeoutSeconds: 30,
  },
} as const satisfies Record<string, DomainEventFunctionSpec>;

export type DomainEventFunctionName = keyof typeof DOMAIN_EVENT_FUNCTIONS;

/** The HTTP API's Lambda authorizer (docs/security.md): in front of every authenticated route. */
export const AUTHORIZER_FUNCTION = {
  entry: 'functions/authorizer/handler.ts',
  description: 'HTTP API Lambda authorizer: Cognito tokens of the app clients and of registered platforms',
  // The registry maps a platform's app client to its platform.
  tables: { registry: 'read' },
  settings: ['AUTH_ISSUER', 'AUTH_STATIC_CLIENT_IDS', 'AUTH_WORKER_ISSUER', 'AUTH_PLATFORM_ISSUER', 'AUTH_MAX_TOKEN_SECONDS', 'ORIGIN_VERIFY_SECRET_ARN'],
  memorySize: 256,
  timeoutSeconds: 5,
} as const satisfies FunctionSpec;

export type AnyFunctionName = FunctionName | WorkflowFunctionName | EventFunctionName | DomainEventFunctionName | 'authorizer';

/** Every function of the product, by name. */
export const ALL_FUNCTIONS: Readonly<Record<AnyFunctionName, FunctionSpec>> = {
  ...FUNCTIONS,
  ...WORKFLOW_FUNCTIONS,
  ...EVENT_FUNCTIONS,
  ...DOMAIN_EVENT_FUNCTIONS,
  authorizer: AUTHORIZER_FUNCTION,
};
const ALL_FUNCTION_NAMES = Object.keys(ALL_FUNCTIONS) as AnyFunctionName[];

/** The functions that start executions of `id`. */
export const startersOf = (id: StateMachineId): AnyFunctionName[] => ALL_FUNCTION_NAMES.filter((name) => ALL_FUNCTIONS[name].starts?.includes(id));

/** The functions that resume waiting tasks of `id`. */
export const resumersOf = (id: StateMachineId): AnyFunctionName[] => ALL_FUNCTION_NAMES.filter((name) => ALL_FUNCTIONS[name].resumes?.includes(id));

/** The functions that use the audit keys in `role`. */
export const auditFunctions = (role: AuditRole): AnyFunctionName[] => ALL_FUNCTION_NAMES.filter((name) => ALL_FUNCTIONS[name].audit === role);

/** The functions that handle personal data. */
export const piiFunctions = (): AnyFunctionName[] => ALL_FUNCTION_NAMES.filter((name) => ALL_FUNCTIONS[name].pii === true);
