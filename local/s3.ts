/**
 * The local S3 of the runtime, a `LocalService`: s3rver (npm, a real S3-compatible HTTP server, in this
 * process) on a free port, holding the buckets of manifest/buckets.ts, and the EventBridge delivery of
 * their "Object Created" events to the event functions of manifest/functions.ts (`EVENT_FUNCTIONS`).
 *
 * - Files live in a temporary directory removed at stop, or in `directory` (`npm start -- --persist DIR`
 *   gives `DIR/s3`), where they survive a restart. The buckets are created at start.
 * - The functions granted a bucket get, through their granted env only (manifest/env.ts): the bucket's name,
 *   `AWS_ENDPOINT_URL_S3` (this server) and `S3_FORCE_PATH_STYLE=true`. Every function signs with s3rver's
 *   credentials (`S3RVER`/`S3RVER`; DynamoDB Local with `-sharedDb` and the local Step Functions accept any).
 *   s3rver 3 checks neither signatures nor presigned URLs' expiry (../shared/toolchain.md): the check after
 *   upload is the control, locally as in AWS.
 * - When s3rver stores an object under a bucket's object prefix, the event function is invoked (through
 *   local/lambda.ts, with its own env) with the event EventBridge delivers in AWS. A failed invocation is
 *   logged and retried (as EventBridge retries), never crashing the server. `redeliver(key)` sends the last
 *   event of a key again, as an EventBridge duplicate would; `settled()` waits for every delivery.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// @ts-expect-error s3rver 3 (CommonJS) ships no type declarations: typed by S3rverConstructor below.
import S3rverModule from 's3rver';
import { AUDIT_ANCHOR_ENV } from '../manifest/audit.ts';
import { BUCKETS, type BucketDefinition, type BucketId, LOCAL_S3_ENV } from '../manifest/buckets.ts';
import { EVENT_FUNCTIONS, type EventFunctionName } from '../manifest/functions.ts';
import type { LocalService, ServiceContext } from './app.ts';
import { handlerLoader, LOCAL_ACCOUNT_ID, lambdaContext, runAs } from './lambda.ts';

/** s3rver's one key pair (s3rver/lib/models/account.js): it refuses any other access key id. */
const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

/**
 * The console's browser uploads (presigned PUT) and previews (GET) reach this server from the app's
 * origin, as they reach the documents bucket in AWS (its CORS rule names the console's origins). The app's
 * port is not known when this server starts, hence any origin: it only ever listens on loopback.
 */
const LOCAL_CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

/** What this module uses of s3rver 3 (CommonJS, untyped). */
interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3rverEvent) => void): void;
  readonly httpServer?: Server;
  readonly store: { getObject(bucket: string, key: string): Promise<{ metadata: Record<string, string> } | null> };
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;
/** The S3 notification s3rver emits (`event` on the instance) for each stored or removed object. */
interface S3rverEvent {
  readonly Records: readonly {
    readonly eventName: string;
    readonly responseElements: { readonly 'x-amz-request-id': string };
    readonly s3: { readonly bucket: { readonly name: string }; readonly object: { readonly key: string; readonly size?: number; readonly eTag?: string } };
  }[];
}
const S3rver = S3rverModule as S3rverConstructor;

/** The event EventBridge delivers for an S3 "Object Created" event (S3 → EventBridge, detail version 0). */
interface ObjectCreatedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: { readonly key: string; readonly size: number; readonly etag: string };
    readonly 'request-id': string;
    readonly requester: string;
    readonly reason: string;
  };
}

/** EventBridge's `detail.reason` for s3rver's event names. */
const REASONS: Readonly<Record<string, string>> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'POST Object',
  'ObjectCreated:Copy': 'CopyObject',
};

export interface LocalS3Options {
  /** Keep the objects in this directory (created if missing); default a temporary one, removed at stop. */
  readonly directory?: string;
  /** Bucket name of a manifest bucket; default `injury-claims-local-<id>`. */
  readonly bucketName?: (id: BucketId) => string;
  /** Invocations of a failing event function after the first (EventBridge retries too). Default 3. */
  readonly retries?: number;
  /** First retry delay, doubled each time (ms). Default 200. */
  readonly retryDelayMs?: number;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface LocalS3 extends LocalService {
  /** `http://127.0.0.1:<port>` once started. */
  readonly endpoint: string;
  /** Where the objects are stored. */
  readonly directory: string;
  /** The local name of a manifest bucket. */
  bucketName(id: BucketId): string;
  /** The last event delivered (or being delivered) for an object key, if any. */
  lastEvent(key: string): ObjectCreatedEvent | undefined;
  /**
   * Delivers the last event of `key` again to its event functions, as an EventBridge duplicate delivery
   * would (same event id), and resolves with what the function returned (an array when several functions
   * take the bucket's events) once the invocations (with their retries) have finished. Rejects when no
   * event was delivered for the key, or with the last error of an invocation that failed every retry.
   */
  redeliver(key: string): Promise<unknown>;
  /** Resolves when every delivery started so far (retries included) has finished. */
  settled(): Promise<void>;
}

type Outcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: unknown };

const defaultBucketName = (id: BucketId): string => `injury-claims-local-${id}`;

/** The audit anchor bucket locally (object-locked in AWS; s3rver has no Object Lock). */
const LOCAL_AUDIT_ANCHOR_BUCKET = 'injury-claims-local-audit-anchors';

export function localS3(options: LocalS3Options = {}): LocalS3 {
  const log = options.log ?? ((message, data) => console.error(`local s3: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`));
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const nameOf = options.bucketName ?? defaultBucketName;
  const buckets = Object.entries(BUCKETS) as [BucketId, BucketDefinition][];
  const loadHandler = handlerLoader(EVENT_FUNCTIONS);
  const lastEvents = new Map<string, ObjectCreatedEvent>();
  const inFlight = new Set<Promise<void>>();
  let server: S3rverInstance | undefined;
  let endpoint = '';
  let directory = options.directory ? resolve(options.directory) : '';
  let temporary = false;
  let region = 'us-east-1';
  let stopped = false;

  /** The event functions triggered by objects created in bucket `name` under key `key`. */
  const targetsOf = (name: string, key: string): EventFunctionName[] => {
    const bucket = buckets.find(([id]) => nameOf(id) === name);
    if (!bucket || !key.startsWith(bucket[1].objectPrefix)) return [];
    return (Object.keys(EVENT_FUNCTIONS) as EventFunctionName[]).filter((fn) => EVENT_FUNCTIONS[fn].objectCreated === bucket[0]);
  };

  /** One function, one event: invoked, then retried with backoff on failure; logs, never throws. */
  const invoke = async (name: EventFunctionName, event: ObjectCreatedEvent): Promise<Outcome> => {
    let failure: unknown = new Error('the local S3 is stopping');
    for (let attempt = 0; attempt <= retries && !stopped; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
      try {
        const handler = await loadHandler<ObjectCreatedEvent, unknown>(name);
        const timeoutMs = (EVENT_FUNCTIONS[name].timeoutSeconds ?? 15) * 1000;
        const result = await runAs(name, () => handler(event, lambdaContext(`local-${name}`, randomUUID(), Date.now() + timeoutMs)));
        return { ok: true, result };
      } catch (error) {
        failure = error;
        const last = attempt === retries;
        log(`${name} failed on ${event.detail.object.key}${last ? ', giving up (in AWS: to the DLQ)' : ', retrying'}`, {
          attempt: attempt + 1,
          eventId: event.id,
          error: (error as Error).message,
        });
      }
    }
    return { ok: false, error: failure };
  };

  /** Invokes every event function the event targets; tracked until done (`settled`, `stop`). */
  const deliver = (event: ObjectCreatedEvent): Promise<Outcome[]> => {
    const delivery = Promise.all(targetsOf(event.detail.bucket.name, event.detail.object.key).map((fn) => invoke(fn, event)));
    const tracked = delivery.then(() => {});
    inFlight.add(tracked);
    void tracked.finally(() => inFlight.delete(tracked));
    return delivery;
  };

  /** s3rver's notification → the EventBridge event, for objects created under a bucket's prefix. */
  const onS3Event = async (notification: S3rverEvent): Promise<void> => {
    for (const record of notification.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const { bucket, object } = record.s3;
      if (targetsOf(bucket.name, object.key).length === 0) continue;
      // A copy's notification carries no ETag: read it from the stored object.
      const etag = object.eTag ?? (await server?.store.getObject(bucket.name, object.key))?.metadata.etag?.replaceAll('"', '') ?? '';
      const event: ObjectCreatedEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Object Created',
        source: 'aws.s3',
        account: LOCAL_ACCOUNT_ID,
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: [`arn:aws:s3:::${bucket.name}`],
        detail: {
          version: '0',
          bucket: { name: bucket.name },
          object: { key: object.key, size: object.size ?? 0, etag },
          'request-id': record.responseElements['x-amz-request-id'],
          requester: LOCAL_ACCOUNT_ID,
          reason: REASONS[record.eventName] ?? 'PutObject',
        },
      };
      lastEvents.set(object.key, event);
      void deliver(event);
    }
  };

  return {
    name: 's3',
    get endpoint() {
      return endpoint;
    },
    get directory() {
      return directory;
    },
    bucketName: nameOf,
    lastEvent: (key) => lastEvents.get(key),
    async redeliver(key) {
      const event = lastEvents.get(key);
      if (!event) throw new Error(`no Object Created event was delivered for ${key}`);
      const outcomes = await deliver(event);
      for (const outcome of outcomes) if (!outcome.ok) throw outcome.error;
      const results = outcomes.map((outcome) => (outcome.ok ? outcome.result : undefined));
      return results.length === 1 ? results[0] : results;
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async start(context: ServiceContext) {
      region = context.region;
      if (directory) mkdirSync(directory, { recursive: true });
      else {
        directory = mkdtempSync(join(tmpdir(), 'local-s3-'));
        temporary = true;
      }
      server = new S3rver({
        address: '127.0.0.1',
        port: 0,
        directory,
        silent: true,
        configureBuckets: [...buckets.map(([id]) => ({ name: nameOf(id), configs: [LOCAL_CORS] })), { name: LOCAL_AUDIT_ANCHOR_BUCKET, configs: [] }],
      });
      server.on('event', (notification) => {
        onS3Event(notification).catch((error: Error) => log('event delivery failed', { error: error.message }));
      });
      const { port } = await server.run();
      endpoint = `http://127.0.0.1:${port}`;
      const [ENDPOINT, FORCE_PATH_STYLE] = LOCAL_S3_ENV;
      const env: Record<string, string> = { [ENDPOINT]: endpoint, [FORCE_PATH_STYLE]: 'true', ...S3RVER_CREDENTIALS };
      for (const [id, bucket] of buckets) env[bucket.envVar] = nameOf(id);
      env[AUDIT_ANCHOR_ENV[2]] = LOCAL_AUDIT_ANCHOR_BUCKET;
      return { env };
    },
    async stop() {
      stopped = true;
      // Deliveries still running finish their current invocation (no more retries), bounded.
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (server?.httpServer) {
        server.httpServer.closeAllConnections(); // keep-alive sockets of SDK clients would hold close() open
        await server.close();
      }
      server = undefined;
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
