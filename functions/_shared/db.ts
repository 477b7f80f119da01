/**
 * DynamoDB clients at module scope, created once per container (traced, tracing.ts), and the storage helpers every repository
 * shares: one paginator, one batch reader, one back-off, one reading of a failed condition.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracing.ts';

/** Traced (X-Ray subsegments in AWS; untouched locally): the document client shares its middleware stack. */
export const dynamo = traced(new DynamoDBClient({ maxAttempts: 5 }));
export const ddb = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

/**
 * Every item a Query returns, following `LastEvaluatedKey` page by page (lib-dynamodb's paginator): the
 * one pagination loop of the repositories. `client`: another document client (the verify-audit CLI's).
 */
export const queryAll = async (input: QueryCommandInput, client: DynamoDBDocumentClient = ddb): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
};

/** Splits a list into chunks of at most `size`. */
export const chunk = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Runs `fn` over items with at most `limit` in flight, keeping result order. */
export const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits before retry `attempt` (0, 1, 2, …): "equal jitter" over an exponential ceiling
 * min(capMs, baseMs × 2^attempt) — between half the ceiling and the ceiling, so concurrent writers that
 * collided spread out, and no wait is ever longer than `capMs`.
 */
export const backoff = (attempt: number, { baseMs, capMs }: { baseMs: number; capMs: number }): Promise<void> => {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return sleep(ceiling / 2 + Math.random() * (ceiling / 2));
};

/** One cancellation reason of a TransactWriteItems (`Item` only with `ReturnValuesOnConditionCheckFailure`). */
export interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, unknown>;
}

/**
 * The per-action reasons of a cancelled transaction (index i = action i; `Code` 'None' for actions that
 * did not fail), or undefined when `error` is no TransactionCanceledException. Matched by name, so that
 * errors from another copy of the SDK (the CLI, mocks) are read alike.
 */
export const cancellationReasons = (error: unknown): readonly CancellationReason[] | undefined => {
  if ((error as { name?: unknown } | null | undefined)?.name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []).map((r) => r ?? {});
};

/**
 * Whether a write failed on its condition: a ConditionalCheckFailedException (a single write), or a
 * cancelled transaction whose reason at `index` — at any index when none is given — is
 * ConditionalCheckFailed. Throttling, conflicts and service errors are not condition failures: they
 * propagate with the SDK's names, which the state machines' Retry blocks match.
 */
export const conditionFailed = (error: unknown, index?: number): boolean => {
  if ((error as { name?: unknown } | null | undefined)?.name === 'ConditionalCheckFailedException') return true;
  const reasons = cancellationReasons(error);
  if (!reasons) return false;
  return index === undefined ? reasons.some((r) => r.Code === 'ConditionalCheckFailed') : reasons[index]?.Code === 'ConditionalCheckFailed';
};

/**
 * Whether a write was cancelled by another transaction touching one of its items at the same moment (a
 * TransactWriteItems cancelled with reason `TransactionConflict`, or a single write's
 * TransactionConflictException), not by a condition: the writer lost a race and reads again.
 */
export const isTransactionConflict = (error: unknown): boolean =>
  (error as { name?: string } | null)?.name === 'TransactionConflictException' ||
  (cancellationReasons(error)?.some((r) => r.Code === 'TransactionConflict') ?? false);

/**
 * BatchGetItem over any number of keys: chunks of 100 in parallel, unprocessed keys retried with
 * exponential backoff. Returns the items found (in no particular order).
 */
export const batchGetAll = async (
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  await Promise.all(
    chunk(keys, 100).map(async (part) => {
      let pending: Record<string, unknown>[] = part;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0) await backoff(attempt, { baseMs: 25, capMs: 1000 });
        if (attempt > 8) throw new Error(`BatchGetItem on ${table}: keys still unprocessed after ${attempt} attempts`);
        const res = await ddb.send(
          new BatchGetCommand({
            RequestItems: {
              [table]: {
                Keys: pending,
                ConsistentRead: options.consistent,
                ...(options.projection ? { ProjectionExpression: options.projection } : {}),
                ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
              },
            },
          }),
        );
        found.push(...(res.Responses?.[table] ?? []));
        pending = (res.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }),
  );
  return found;
};
