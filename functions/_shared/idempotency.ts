/**
 * Idempotency-Key on POST (contract: Conventions), with Powertools idempotency over DynamoDB.
 *
 * The key is scoped to the caller (`sub` of the Lambda authorizer's context, as `claimsOf` in http.ts reads
 * it) and the record validates a hash of the path and raw body, so
 * the same key with the same request replays the first response and with a different one answers 422.
 * Without the header, or on other methods, the request runs normally (batches are idempotent per record).
 *
 * The stored first answer is sealed (issue 17): a function that holds the PII keys (manifest `pii`) stores
 * its response encrypted with the field encryption (pii.ts, AES-256-GCM under the ring's active key), its
 * associated data bound to the record's idempotency key (`SealedPersistenceLayer`). A reader of the
 * idempotency table sees no worker's name, ID number, phone or bank account for the 24 h a record lives; a
 * replay decrypts the exact first answer; a stored answer moved to another record does not decrypt (the
 * replay fails instead of serving another caller's answer). Functions without the PII keys never decrypt
 * personal data, so what they answer is stored as it is.
 */
import type middy from '@middy/core';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SECRET_RESPONSE_ROUTES } from '../../manifest/routes.ts';
import { config } from './config.ts';
import { dynamo } from './db.ts';
import { type FieldContext, pii, piiAvailable } from './pii.ts';
import { HttpProblem } from './problem.ts';

type Mw = middy.MiddlewareObj<APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>, APIGatewayProxyStructuredResultV2>;

/**
 * The caller's audience (role, platform or worker, provinces), set on the event by the HTTP stack once the
 * caller is resolved (http.ts `callerResolution`; a value sent by a client is removed first). Part of the
 * key: a response stored for one audience — a worker's own case unmasked, staff's sanitised causes — is
 * never replayed to another caller that shares the `sub` (issue 17), who runs the request as its own.
 */
export const IDEMPOTENCY_SCOPE_HEADER = 'x-injury-claims-idempotency-scope';

const KEY_PATTERN = /^[\x21-\x7e]{1,64}$/;
const SKIP = Symbol('idempotency-skip');
/** Set once this request has saved its own in-progress record (and so may delete it on error). */
const OWNED = Symbol('idempotency-owned');

const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** The stored form of a sealed response: the JSON of the first answer, encrypted (never a shape a response has). */
interface SealedResponse {
  readonly sealed: string;
}
const isSealed = (data: unknown): data is SealedResponse =>
  typeof data === 'object' && data !== null && Object.keys(data).length === 1 && typeof (data as { sealed?: unknown }).sealed === 'string';

/** The associated data of a stored response: the idempotency table and the record's key (function name + hash). */
const responseContext = (idempotencyKey: string): FieldContext => ({ table: 'idempotency', record: idempotencyKey, field: 'response' });

/**
 * Powertools' DynamoDB persistence layer, with the response data sealed on its way to the table and opened
 * on its way back (both ways a stored record reaches the handler: the conditional put's ALL_OLD item and a
 * GetItem go through `processExistingRecord`). Sealing needs the PII keys: without them (a function that is
 * not `pii`) the response is stored as before, and a sealed record found there is refused.
 */
export class SealedPersistenceLayer extends DynamoDBPersistenceLayer {
  protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
    if (record.responseData === undefined || !piiAvailable()) return super._updateRecord(record);
    const sealed: SealedResponse = { sealed: pii().encrypt(JSON.stringify(record.responseData), responseContext(record.idempotencyKey)) };
    return super._updateRecord(
      new IdempotencyRecord({
        idempotencyKey: record.idempotencyKey,
        status: record.getStatus(),
        expiryTimestamp: record.expiryTimestamp,
        inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
        responseData: sealed as unknown as IdempotencyRecord['responseData'],
        payloadHash: record.payloadHash,
      }),
    );
  }

  public override processExistingRecord(record: IdempotencyRecord, processedData: Parameters<DynamoDBPersistenceLayer['processExistingRecord']>[1]) {
    if (isSealed(record.responseData)) {
      // Refused (PiiCiphertextRefused) when moved from another record or altered: the request fails, nothing is replayed.
      record.responseData = JSON.parse(pii().decrypt(record.responseData.sealed, responseContext(record.idempotencyKey))) as IdempotencyRecord['responseData'];
    }
    return super.processExistingRecord(record, processedData);
  }
}

let inner: Mw | undefined;
const powertools = (): Mw => {
  inner ??= makeHandlerIdempotent({
    persistenceStore: new SealedPersistenceLayer({ tableName: config.tables.idempotency, awsSdkV3Client: dynamo }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: `[requestContext.authorizer.lambda.sub, headers."${IDEMPOTENCY_SCOPE_HEADER}", headers."idempotency-key"]`,
      payloadValidationJmesPath: '[routeKey, rawPath, body]',
      expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
      throwOnNoIdempotencyKey: false,
    }),
  }) as Mw;
  return inner;
};

const withoutSecret = (response: APIGatewayProxyStructuredResultV2 | null): APIGatewayProxyStructuredResultV2 | null => {
  if (typeof response?.body !== 'string') return response;
  const { clientSecret: _secret, ...rest } = JSON.parse(response.body) as Record<string, unknown>;
  return { ...response, body: JSON.stringify(rest) };
};

export const idempotencyMiddleware = (): Mw => ({
  before: async (request) => {
    const key = request.event.headers?.['idempotency-key'];
    const applies = request.event.requestContext?.http?.method === 'POST' && key !== undefined;
    const stored = config.idempotencyEnabled;
    (request.internal as Record<symbol, boolean>)[SKIP] = !applies || !stored;
    if (!applies) return;
    if (!KEY_PATTERN.test(key)) {
      throw new HttpProblem('VALIDATION_FAILED', {
        detail: 'Idempotency-Key 请求头须为 1–64 个可见 ASCII 字符。',
        detailEn: 'The Idempotency-Key header must be 1–64 visible ASCII characters.',
        errors: [{ path: 'Idempotency-Key', message: '须为 1–64 个可见 ASCII 字符。' }],
      });
    }
    if (!stored) return;
    const replay = await powertools().before?.(request);
    if (replay === undefined) (request.internal as Record<symbol, boolean>)[OWNED] = true;
    return replay;
  },
  after: async (request) => {
    if ((request.internal as Record<symbol, boolean>)[SKIP]) return;
    // Routes that answer with an app client's secret store their response without it: the replay is the
    // same 201 minus `clientSecret`, which exists in the first response only (never stored in clear).
    const response = SECRET_RESPONSE_ROUTES.has(request.event.routeKey) ? withoutSecret(request.response) : request.response;
    await powertools().after?.({ ...request, response });
  },
  onError: async (request) => {
    // Powertools' onError deletes the record by key. When `before` itself failed (a key reused with another
    // body, or still in progress), the record belongs to the first request: deleting it would let the
    // original request run twice. Only the request that saved the in-progress record may delete it.
    if (!(request.internal as Record<symbol, boolean>)[OWNED]) return;
    await powertools().onError?.(request);
  },
});
