/**
 * Injury reports, cases, timeline events, payments, pending task tokens and payment runs (docs/cases.md).
 *
 *   REPORT#{reportId} / REPORT            the report with its coverage verdict and order snapshot (D11);
 *                                          `caseId` is set once (conditional) when a case opens → one case per report
 *   CASE#{caseId} / CASE                  the case aggregate; `version` guards every transition (optimistic concurrency)
 *                                          GSI byStatus  gsi1pk STATUS#{status}   gsi1sk {province}#{openedAt}#{caseId}
 *                                          GSI byProvince gsi2pk PROVINCE#{province} gsi2sk {openedAt}#{caseId}
 *   CASE#{caseId} / EVENT#{version}        timeline event written in the same transaction as the transition (append-only)
 *   CASE#{caseId} / EVENT#PAY#{key}        timeline event of a payment-run payment
 *   CASE#{caseId} / PAYMENT#{key}          a payment; key = APPROVAL#{calculationId} or MONTHLY#{month}#{calculationId}:
 *                                          put with attribute_not_exists, so each payment is created once
 *   CASE#{caseId} / TASK                   the task token the case workflow waits on (step, token)
 *   RUN#{runId} / RUN                      a payment run: status, counters ADDed per case paid
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BenefitCalculation, CoverageResult, DependantInput, ExpenseItem, PayableItem } from '../../../core/index.ts';
import { config } from '../config.ts';
import { ddb } from '../db.ts';

export const CASE_STATUSES = [
  'UNDER_REVIEW',
  'NOT_CONFIRMED',
  'AWAITING_ASSESSMENT',
  'AWAITING_DEPENDANTS',
  'AWAITING_APPROVAL',
  'RETURNED',
  'PAID',
  'CLOSED',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The human steps the case workflow waits for (a token per step). */
export const WORKFLOW_STEPS = ['confirmation', 'assessment', 'dependants', 'approval', 'resubmission'] as const;
export type WorkflowStep = (typeof WORKFLOW_STEPS)[number];

export interface OrderSnapshot {
  readonly orderId: string;
  readonly province: string;
  readonly industry: string;
  readonly acceptedAt: string;
  readonly finishedAt?: string;
}

export interface InjuryReport {
  readonly reportId: string;
  readonly platformId: string;
  readonly workerId?: string;
  readonly platformWorkerId?: string;
  readonly occurredAt: string;
  readonly injuryDate: string;
  readonly province: string;
  readonly place: string;
  readonly description: string;
  readonly orderId?: string;
  readonly coverage: CoverageResult;
  readonly orders: readonly OrderSnapshot[];
  readonly reportedBy: string;
  readonly reportedAt: string;
  readonly caseId?: string;
}

export interface TimelineEvent {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly before?: Record<string, unknown>;
  readonly after?: Record<string, unknown>;
  readonly [extra: string]: unknown;
}

export interface Escalation {
  readonly kind: string;
  readonly recordedAt: string;
  readonly due?: string;
  readonly detail?: string;
}

export interface RecordedExpense extends ExpenseItem {
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface Confirmation {
  readonly outcome: 'CONFIRMED' | 'DEEMED' | 'NOT_CONFIRMED';
  readonly basis: string;
  readonly reasons?: readonly string[];
  readonly assessmentRequired: boolean;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface Assessment {
  readonly type: 'initial' | 'reassessment' | 'review';
  readonly grade: number | null;
  readonly nursing: 'FULL' | 'MAJOR' | 'PARTIAL' | null;
  readonly concludedOn: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface StoredCalculation extends BenefitCalculation {
  readonly calculationId: string;
  readonly calculatedAt: string;
}

export interface CaseRecord {
  readonly caseId: string;
  readonly reportId: string;
  readonly status: CaseStatus;
  readonly kind: 'injury' | 'death';
  readonly workerId?: string;
  readonly platformId: string;
  readonly province: string;
  readonly occurredAt: string;
  readonly injuryDate: string;
  readonly applicant: { readonly type: 'platform' | 'worker' | 'relative' | 'union'; readonly name?: string };
  readonly payee: { readonly nameEnc: string; readonly bankAccountEnc: string; readonly bankAccountLast4: string; readonly nameInitial: string };
  readonly late: boolean;
  readonly lateExplanation?: string;
  readonly coverage: CoverageResult;
  readonly openedAt: string;
  readonly openedOn: string;
  readonly openedBy: string;
  readonly suspensions: readonly { from: string; to?: string; reason: string }[];
  readonly assessmentEnteredOn?: string;
  /** D8: the assessment conclusion deadline extended (+30 days), once, by an assessor. */
  readonly assessmentExtension?: { readonly on: string; readonly by: string; readonly reason: string };
  readonly confirmation?: Confirmation;
  readonly expenses: readonly RecordedExpense[];
  readonly inpatientDays: number;
  readonly assessments: readonly Assessment[];
  readonly dependants?: readonly DependantInput[];
  readonly benefits?: StoredCalculation;
  /** The calculation the last approval paid; monthly payment runs pay its monthly lines. */
  readonly approved?: StoredCalculation;
  readonly approval?: { readonly decision: 'approve' | 'return'; readonly comment?: string; readonly reviewer: string; readonly at: string };
  /** A human step recorded by the API and not yet applied by the workflow (other steps answer 409 meanwhile). */
  readonly pendingStep?: WorkflowStep;
  readonly escalations: readonly Escalation[];
  readonly workflow: { readonly status: 'RUNNING' | 'FAILED' | 'NOT_STARTED'; readonly executionName?: string; readonly error?: string };
  readonly version: number;
}

export interface PaymentRecord {
  readonly paymentId: string;
  readonly caseId: string;
  readonly key: string;
  readonly amountFen: number;
  readonly status: 'PENDING' | 'PAID' | 'FAILED';
  readonly items: readonly (PayableItem & { month?: string })[];
  readonly createdAt: string;
  readonly runId?: string;
  readonly calculationId?: string;
}

export interface PaymentRun {
  readonly runId: string;
  readonly month: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly payments: number;
  readonly totalFen: number;
  readonly startedAt: string;
  readonly startedBy: string;
  readonly finishedAt?: string;
  readonly error?: string;
}

/** A transition lost the race on `version` (→ 409 in the API; retried by the workflow). */
export class CaseVersionConflict extends Error {
  override readonly name = 'CaseVersionConflict';
}
/** The report already has a case (→ 409). */
export class DuplicateCase extends Error {
  override readonly name = 'DuplicateCase';
}

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const reportKey = (reportId: string) => ({ pk: `REPORT#${reportId}`, sk: 'REPORT' });
const taskKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'TASK' });
const runKey = (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' });
const eventSk = (version: number) => `EVENT#${String(version).padStart(8, '0')}`;

const indexKeys = (c: CaseRecord) => ({
  gsi1pk: `STATUS#${c.status}`,
  gsi1sk: `${c.province}#${c.openedAt}#${c.caseId}`,
  gsi2pk: `PROVINCE#${c.province}`,
  gsi2sk: `${c.openedAt}#${c.caseId}`,
});

const KEY_ATTRS = ['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];
const strip = <T>(item: Record<string, unknown>): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.includes(k)) out[k] = v;
  return out as T;
};

const caseItem = (c: CaseRecord) => ({ ...caseKey(c.caseId), type: 'Case', ...c, ...indexKeys(c) });
const eventItem = (caseId: string, sk: string, e: TimelineEvent) => ({ pk: `CASE#${caseId}`, sk, type: 'Event', ...e });

const isConditionFailure = (error: unknown, index?: number): boolean => {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (error instanceof TransactionCanceledException) {
    const reasons = error.CancellationReasons ?? [];
    return index === undefined ? reasons.some((r) => r.Code === 'ConditionalCheckFailed') : reasons[index]?.Code === 'ConditionalCheckFailed';
  }
  return false;
};

export interface CaseBundle {
  readonly record: CaseRecord;
  readonly timeline: TimelineEvent[];
  readonly payments: PaymentRecord[];
}

/** Encodes a list page position (which partition, and DynamoDB's LastEvaluatedKey) as an opaque token. */
const encodeToken = (t: { p: number; k?: Record<string, unknown> }) => Buffer.from(JSON.stringify(t)).toString('base64url');
export const decodeToken = (s: string): { p: number; k?: Record<string, unknown> } | undefined => {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { p?: unknown; k?: unknown };
    if (typeof t.p !== 'number' || !Number.isInteger(t.p) || t.p < 0) return undefined;
    if (t.k !== undefined && (typeof t.k !== 'object' || t.k === null)) return undefined;
    return { p: t.p, ...(t.k ? { k: t.k as Record<string, unknown> } : {}) };
  } catch {
    return undefined;
  }
};

export const casesRepository = {
  async putReport(report: InjuryReport): Promise<void> {
    await ddb.send(
      new PutCommand({
        TableName: config.tables.cases,
        Item: { ...reportKey(report.reportId), type: 'Report', ...report },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  async getReport(reportId: string): Promise<InjuryReport | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: reportKey(reportId), ConsistentRead: true }));
    return Item ? strip<InjuryReport>(Item) : undefined;
  },

  /** Creates the case, links it to its report (once: else DuplicateCase) and writes its first event, atomically. */
  async openCase(record: CaseRecord, event: TimelineEvent): Promise<void> {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: config.tables.cases,
                Key: reportKey(record.reportId),
                UpdateExpression: 'SET caseId = :c',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(caseId)',
                ExpressionAttributeValues: { ':c': record.caseId },
              },
            },
            { Put: { TableName: config.tables.cases, Item: caseItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: config.tables.cases, Item: eventItem(record.caseId, eventSk(record.version), event) } },
          ],
        }),
      );
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new DuplicateCase(record.reportId);
      throw error;
    }
  },

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: caseKey(caseId), ConsistentRead: true }));
    return Item ? strip<CaseRecord>(Item) : undefined;
  },

  /** The case, its timeline (by time) and its payments: one Query of the case's partition. */
  async bundle(caseId: string): Promise<CaseBundle | undefined> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: config.tables.cases,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CASE#${caseId}` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const head = items.find((i) => i.sk === 'CASE');
    if (!head) return undefined;
    const timeline = items
      .filter((i) => String(i.sk).startsWith('EVENT#'))
      .map((i) => strip<TimelineEvent>(i))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const payments = items
      .filter((i) => String(i.sk).startsWith('PAYMENT#'))
      .map((i) => strip<PaymentRecord>(i))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    return { record: strip<CaseRecord>(head), timeline, payments };
  },

  /**
   * Replaces the case with `next` (version = previous + 1) if nobody changed it since `expectedVersion`,
   * appending its timeline event and any payment (created once) in the same transaction.
   * Throws CaseVersionConflict when the race is lost, DuplicatePayment when the payment exists.
   */
  async transition(
    next: CaseRecord,
    expectedVersion: number,
    event: TimelineEvent,
    options: { payment?: PaymentRecord; clearTask?: boolean } = {},
  ): Promise<void> {
    if (next.version !== expectedVersion + 1) throw new RangeError('next.version must be expectedVersion + 1');
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: config.tables.cases,
          Item: caseItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      { Put: { TableName: config.tables.cases, Item: eventItem(next.caseId, eventSk(next.version), event) } },
    ];
    if (options.payment) {
      items.push({
        Put: {
          TableName: config.tables.cases,
          Item: { pk: `CASE#${next.caseId}`, sk: `PAYMENT#${options.payment.key}`, type: 'Payment', ...options.payment },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (options.clearTask) items.push({ Delete: { TableName: config.tables.cases, Key: taskKey(next.caseId) } });
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (isConditionFailure(error, 0)) throw new CaseVersionConflict(`case ${next.caseId} changed since version ${expectedVersion}`);
      if (isConditionFailure(error, 2)) throw new CaseVersionConflict(`payment ${options.payment?.key} of case ${next.caseId} exists`);
      throw error;
    }
  },

  /** A payment-run payment for one case and month, counted into the run; false when it exists already. */
  async addRunPayment(payment: PaymentRecord, runId: string, event: TimelineEvent): Promise<boolean> {
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: config.tables.cases,
                Item: { pk: `CASE#${payment.caseId}`, sk: `PAYMENT#${payment.key}`, type: 'Payment', ...payment },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: config.tables.cases, Item: eventItem(payment.caseId, `EVENT#PAY#${payment.key}`, event) } },
            {
              Update: {
                TableName: config.tables.cases,
                Key: runKey(runId),
                UpdateExpression: 'ADD payments :one, totalFen :amount',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1, ':amount': payment.amountFen },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error, 0)) return false;
      throw error;
    }
  },

  /** When the case's transition to `version` happened (the `at` of its timeline event), if recorded. */
  async transitionAt(caseId: string, version: number): Promise<string | undefined> {
    const { Item } = await ddb.send(
      new GetCommand({
        TableName: config.tables.cases,
        Key: { pk: `CASE#${caseId}`, sk: eventSk(version) },
        ProjectionExpression: '#at',
        ExpressionAttributeNames: { '#at': 'at' },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.at === 'string' ? Item.at : undefined;
  },

  async putTask(caseId: string, step: string, token: string, at: string): Promise<void> {
    await ddb.send(new PutCommand({ TableName: config.tables.cases, Item: { ...taskKey(caseId), type: 'Task', caseId, step, token, since: at } }));
  },

  async getTask(caseId: string): Promise<{ step: string; token: string; since: string } | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: taskKey(caseId), ConsistentRead: true }));
    return Item ? { step: Item.step as string, token: Item.token as string, since: Item.since as string } : undefined;
  },

  async deleteTask(caseId: string, token: string): Promise<void> {
    try {
      await ddb.send(
        new DeleteCommand({
          TableName: config.tables.cases,
          Key: taskKey(caseId),
          ConditionExpression: '#t = :t',
          ExpressionAttributeNames: { '#t': 'token' },
          ExpressionAttributeValues: { ':t': token },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /**
   * One page of cases, staff view: by status (optionally one province), or by province. `partitions` are
   * queried in turn (one per province when a status spans several provinces the caller may see).
   */
  async list(
    query: { status?: CaseStatus; provinces: readonly string[] },
    nextToken: string | undefined,
    limit = 50,
  ): Promise<{ items: CaseRecord[]; nextToken?: string }> {
    const partitions = query.provinces.map((province) =>
      query.status
        ? {
            IndexName: 'byStatus',
            KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
            ExpressionAttributeValues: { ':pk': `STATUS#${query.status}`, ':prefix': `${province}#` },
          }
        : { IndexName: 'byProvince', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `PROVINCE#${province}` } },
    );
    const start = nextToken ? decodeToken(nextToken) : { p: 0 };
    if (!start) throw new RangeError('invalid nextToken');
    const items: CaseRecord[] = [];
    let p = start.p;
    let key = start.k;
    while (p < partitions.length && items.length < limit) {
      const page = await ddb.send(
        new QueryCommand({ TableName: config.tables.cases, ...partitions[p]!, Limit: limit - items.length, ...(key ? { ExclusiveStartKey: key } : {}) }),
      );
      items.push(...(page.Items ?? []).map((i) => strip<CaseRecord>(i)));
      key = page.LastEvaluatedKey;
      if (!key) p++;
    }
    return { items, ...(p < partitions.length ? { nextToken: encodeToken({ p, ...(key ? { k: key } : {}) }) } : {}) };
  },

  /** One page of case ids with a status (payment runs, the deadline sweep), across provinces. */
  async idsByStatus(status: CaseStatus, nextToken: string | undefined, limit = 50): Promise<{ caseIds: string[]; nextToken?: string }> {
    const start = nextToken ? decodeToken(nextToken) : undefined;
    const page = await ddb.send(
      new QueryCommand({
        TableName: config.tables.cases,
        IndexName: 'byStatus',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
        ProjectionExpression: 'caseId',
        Limit: limit,
        ...(start?.k ? { ExclusiveStartKey: start.k } : {}),
      }),
    );
    return {
      caseIds: (page.Items ?? []).map((i) => i.caseId as string),
      ...(page.LastEvaluatedKey ? { nextToken: encodeToken({ p: 0, k: page.LastEvaluatedKey }) } : {}),
    };
  },

  /** Cases with a pending token or a recorded-but-unapplied step (local runner rebuild after a restart). */
  async pendingWork(): Promise<{ caseId: string; step?: string; pendingStep?: string }[]> {
    const out = new Map<string, { caseId: string; step?: string; pendingStep?: string }>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new ScanCommand({
          TableName: config.tables.cases,
          FilterExpression: '#type = :task OR (#type = :case AND attribute_exists(pendingStep))',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':task': 'Task', ':case': 'Case' },
          ExclusiveStartKey,
        }),
      );
      for (const i of page.Items ?? []) {
        const caseId = i.caseId as string;
        const entry = out.get(caseId) ?? { caseId };
        if (i.type === 'Task') entry.step = i.step as string;
        else entry.pendingStep = i.pendingStep as string;
        out.set(caseId, entry);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return [...out.values()];
  },

  async createRun(run: PaymentRun): Promise<void> {
    await ddb.send(
      new PutCommand({ TableName: config.tables.cases, Item: { ...runKey(run.runId), type: 'Run', ...run }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  },

  async getRun(runId: string): Promise<PaymentRun | undefined> {
    const { Item } = await ddb.send(new GetCommand({ TableName: config.tables.cases, Key: runKey(runId), ConsistentRead: true }));
    return Item ? strip<PaymentRun>(Item) : undefined;
  },

  async finishRun(runId: string, status: 'SUCCEEDED' | 'FAILED', at: string, error?: string): Promise<void> {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.cases,
        Key: runKey(runId),
        UpdateExpression: `SET #s = :s, finishedAt = :at${error ? ', #e = :e' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status', ...(error ? { '#e': 'error' } : {}) },
        ExpressionAttributeValues: { ':s': status, ':at': at, ...(error ? { ':e': error } : {}) },
      }),
    );
  },
};
