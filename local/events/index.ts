/**
 * The local domain events, a `LocalService` (docs/events.md, docs/local-runtime.md): what DynamoDB Streams,
 * EventBridge, SQS and SNS do in AWS, in this process, driving the same handlers.
 *
 * - **Stream pollers** (stream-poller.ts): read DynamoDB Local's streams of the cases table (→ the publisher,
 *   the statistics counter, the audit chainer) and of the orders table (→ the orders projection), build
 *   the event the Lambda event source mapping delivers and invoke the mapped functions with it. The
 *   checkpoint moves only after they succeeded (a reported item failure: from that record); a failed batch
 *   is retried with backoff.
 * - **Endpoint** (one small HTTP server the functions reach through `AWS_ENDPOINT_URL_EVENTBRIDGE`,
 *   `_SQS`, `_SNS`, no local branch in their code): EventBridge `PutEvents` (each entry routed to the
 *   functions whose manifest trigger names its detail-type, invoked with retries); SQS `SendMessage`,
 *   `ChangeMessageVisibility`, `DeleteMessage` on the webhook delivery queue (the queue is run here:
 *   visibility timeouts, partial batch failures, maxReceiveCount → dead letters); SNS `Publish` (SMS are
 *   recorded, never sent).
 *
 * Test hooks: `sms()`, `deadLetters()`, `crashAfterPublish(n, stream)` (the poller "dies" after the
 * functions succeeded and before its checkpoint moved: the next poll reads the batch again), `settled()`,
 * `projected()`. `localProjection()` runs the orders stream's poller alone (no bus, queue or SMS): what the
 * integration tests and benchmarks that do not start the domain events need for enrolment days, fees and
 * coverage.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_RULES } from '../../core/index.ts';
import { EVENT_BUS_ENV, EVENT_SOURCE, QUEUES } from '../../manifest/events.ts';
import { DOMAIN_EVENT_FUNCTIONS, type DomainEventFunctionName } from '../../manifest/functions.ts';
import type { LocalService, ServiceContext } from '../app.ts';
import { handlerLoader, LOCAL_ACCOUNT_ID, lambdaContext, runAs } from '../lambda.ts';
import { type BatchObserver, createStreamPoller, settle, type StreamTable } from './stream-poller.ts';

/** GetRecords limit of the orders stream: large batches, as the projection's event source mapping (1,000). */
const ORDERS_BATCH = 1000;

export interface LocalEventsOptions {
  /** How often the stream is polled and the queue checked (ms). Default 100. */
  readonly pollIntervalMs?: number;
  /** Divides the webhook retry schedule (WEBHOOK_RETRY_COMPRESSION). Default 360: ~27.6 h → ~4.6 min, first retry within 1 s. */
  readonly retryCompression?: number;
  /** WEBHOOK_TIMEOUT_MS. Default 10,000 (the contract's 10 s). */
  readonly webhookTimeoutMs?: number;
  /** Visibility timeout of the delivery queue when a message failed without setting one (s). Default 2. */
  readonly visibilityTimeoutSeconds?: number;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
  /** Sees every stream batch the functions processed (benchmarks: the projection's lag). */
  readonly observe?: BatchObserver;
}

interface SentSms {
  readonly phoneNumber: string;
  readonly message: string;
  readonly at: string;
}

export interface LocalEvents extends LocalService {
  readonly endpoint: string;
  /** SMS "sent" through SNS Publish, in order. */
  sms(): readonly SentSms[];
  /** Messages the queue moved to its dead-letter queue (a sender that failed on them maxReceiveCount times). */
  deadLetters(): readonly string[];
  /** The next `n` batches of a stream (default the cases table's) are processed and then not acknowledged: as a poller killed in between. */
  crashAfterPublish(n: number, stream?: StreamTable): void;
  /** How many stream batches were published and then re-read after such a crash. */
  readonly replayedBatches: number;
  /** Resolves when both streams are read to their end (by a pass started after the call) and nothing is in flight (events, queue deliveries due now). */
  settled(timeoutMs?: number): Promise<void>;
  /** Resolves when the orders stream is read to its end by a pass started after the call: every order written before is projected. */
  projected(timeoutMs?: number): Promise<void>;
}

interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  visibleAt: number;
  receiveCount: number;
  receiptHandle?: string;
  inFlight: boolean;
}

const QUEUE_NAME = 'injury-claims-local-webhook-deliveries';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function localEvents(options: LocalEventsOptions = {}): LocalEvents {
  const log = options.log ?? ((message, data) => console.error(`local events: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`));
  const pollMs = options.pollIntervalMs ?? 100;
  const loadHandler = handlerLoader(DOMAIN_EVENT_FUNCTIONS);
  const sent: SentSms[] = [];
  const dead: string[] = [];
  const queue = new Map<string, QueuedMessage>();
  const inFlight = new Set<Promise<unknown>>();
  let server: Server | undefined;
  let endpoint = '';
  let region = 'us-east-1';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };

  const invoke = async <E, R>(name: DomainEventFunctionName, event: E): Promise<R> => {
    const handler = await loadHandler<E, R>(name);
    const timeoutMs = (DOMAIN_EVENT_FUNCTIONS[name].timeoutSeconds ?? 15) * 1000;
    return runAs(name, () => handler(event, lambdaContext(`local-${name}`, randomUUID(), Date.now() + timeoutMs)));
  };

  // ---- The bus: PutEvents → the functions whose trigger names the detail-type, retried ------------
  const targetsOf = (detailType: string) =>
    (Object.keys(DOMAIN_EVENT_FUNCTIONS) as DomainEventFunctionName[]).filter((name) => {
      const trigger = DOMAIN_EVENT_FUNCTIONS[name].trigger as { bus?: readonly string[] };
      return trigger.bus?.includes(detailType) === true;
    });

  const deliverEvent = async (name: DomainEventFunctionName, event: Record<string, unknown>) => {
    for (let attempt = 0; attempt <= 3 && !stopped; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** (attempt - 1));
      try {
        await invoke(name, event);
        return;
      } catch (error) {
        log(`${name} failed on ${String(event['detail-type'])}${attempt === 3 ? ', giving up (in AWS: to the rule DLQ)' : ', retrying'}`, {
          error: (error as Error).message,
        });
      }
    }
  };

  const putEvents = (body: { Entries?: { Source?: string; DetailType?: string; Detail?: string; Time?: number }[] }) => {
    const entries = body.Entries ?? [];
    for (const entry of entries) {
      if (entry.Source !== EVENT_SOURCE) continue;
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT_ID,
        time: new Date(entry.Time ? entry.Time * 1000 : Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: [],
        detail: JSON.parse(entry.Detail ?? '{}') as unknown,
      };
      for (const name of targetsOf(String(entry.DetailType))) void track(deliverEvent(name, event));
    }
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
  };

  // ---- The delivery queue ---------------------------------------------------------------------
  const maxReceiveCount = QUEUES.webhookDeliveries.maxReceiveCount;
  const defaultVisibilityMs = (options.visibilityTimeoutSeconds ?? 2) * 1000;
  const consumers = (Object.keys(DOMAIN_EVENT_FUNCTIONS) as DomainEventFunctionName[]).filter(
    (name) => (DOMAIN_EVENT_FUNCTIONS[name].trigger as { queue?: string }).queue === 'webhookDeliveries',
  );

  const receive = async (message: QueuedMessage) => {
    message.receiveCount += 1;
    message.receiptHandle = `${message.messageId}:${message.receiveCount}`;
    message.visibleAt = Date.now() + defaultVisibilityMs;
    message.inFlight = true;
    const record = {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: LOCAL_ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: md5(message.body),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${QUEUE_NAME}`,
      awsRegion: region,
    };
    let failed = true;
    try {
      for (const name of consumers) {
        const result = await invoke<unknown, { batchItemFailures?: { itemIdentifier: string }[] }>(name, { Records: [record] });
        failed = (result?.batchItemFailures ?? []).some((f) => f.itemIdentifier === message.messageId);
      }
    } catch (error) {
      log('webhook sender failed on a message', { messageId: message.messageId, error: (error as Error).message });
    }
    message.inFlight = false;
    if (!failed) {
      queue.delete(message.messageId);
      return;
    }
    if (message.receiveCount >= maxReceiveCount) {
      queue.delete(message.messageId);
      dead.push(message.body);
      log('message moved to the dead-letter queue', { messageId: message.messageId, receives: message.receiveCount });
    }
  };

  const pollQueue = () => {
    const now = Date.now();
    for (const message of queue.values()) if (!message.inFlight && message.visibleAt <= now) void track(receive(message));
  };

  const sqs = {
    SendMessage: (b: { QueueUrl?: string; MessageBody: string; DelaySeconds?: number }) => {
      const messageId = randomUUID();
      queue.set(messageId, {
        messageId,
        body: b.MessageBody,
        sentAt: Date.now(),
        visibleAt: Date.now() + (b.DelaySeconds ?? 0) * 1000,
        receiveCount: 0,
        inFlight: false,
      });
      return { MessageId: messageId, MD5OfMessageBody: md5(b.MessageBody) };
    },
    ChangeMessageVisibility: (b: { ReceiptHandle: string; VisibilityTimeout: number }) => {
      const message = [...queue.values()].find((m) => m.receiptHandle === b.ReceiptHandle);
      if (message) message.visibleAt = Date.now() + b.VisibilityTimeout * 1000;
      return {};
    },
    DeleteMessage: (b: { ReceiptHandle: string }) => {
      for (const m of queue.values()) if (m.receiptHandle === b.ReceiptHandle) queue.delete(m.messageId);
      return {};
    },
  } as const;

  // ---- The stream pollers: the cases table's (domain events) and the orders table's (projection) ----
  const poller = (table: StreamTable, limit: number) =>
    createStreamPoller(table, { invoke, log, region: () => region, limit, ...(options.observe ? { observe: options.observe } : {}) });
  const pollers = { cases: poller('cases', 100), orders: poller('orders', ORDERS_BATCH) };

  // ---- The endpoint ---------------------------------------------------------------------------
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const target = String(req.headers['x-amz-target'] ?? '');
    try {
      if (target.startsWith('AWSEvents.')) {
        if (target !== 'AWSEvents.PutEvents') throw new Error(`${target} is not supported locally`);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(putEvents(JSON.parse(text || '{}'))));
        return;
      }
      if (target.startsWith('AmazonSQS.')) {
        const op = sqs[target.slice('AmazonSQS.'.length) as keyof typeof sqs];
        if (!op) throw new Error(`${target} is not supported locally`);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(op(JSON.parse(text || '{}') as never)));
        return;
      }
      const form = new URLSearchParams(text);
      if (form.get('Action') === 'Publish') {
        sent.push({ phoneNumber: form.get('PhoneNumber') ?? '', message: form.get('Message') ?? '', at: new Date().toISOString() });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
        return;
      }
      throw new Error(`unsupported request ${target || form.get('Action') || req.url}`);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'InvalidParameterValue', message: (error as Error).message }));
    }
  };

  return {
    name: 'events',
    get endpoint() {
      return endpoint;
    },
    get replayedBatches() {
      return pollers.cases.replayedBatches + pollers.orders.replayedBatches;
    },
    sms: () => [...sent],
    deadLetters: () => [...dead],
    crashAfterPublish(n, stream = 'cases') {
      pollers[stream].crashAfterPublish(n);
    },
    settled(timeoutMs = 15_000) {
      const idle = () => inFlight.size === 0 && ![...queue.values()].some((m) => m.inFlight || m.visibleAt <= Date.now());
      return settle([pollers.cases, pollers.orders], idle, timeoutMs, 'local events');
    },
    projected(timeoutMs = 30_000) {
      return settle([pollers.orders], () => true, timeoutMs, 'the orders projection');
    },
    async start(context: ServiceContext) {
      region = context.region;
      const listening = createServer((req, res) => void serve(req, res));
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(0, '127.0.0.1', () => resolve());
      });
      endpoint = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
      await Promise.all([pollers.cases.start(context), pollers.orders.start(context)]);
      timer = setInterval(() => {
        void pollers.cases.poll();
        void pollers.orders.poll();
        pollQueue();
      }, pollMs);
      timer.unref();
      return {
        env: {
          AWS_ENDPOINT_URL_EVENTBRIDGE: endpoint,
          AWS_ENDPOINT_URL_SQS: endpoint,
          AWS_ENDPOINT_URL_SNS: endpoint,
          [EVENT_BUS_ENV]: 'injury-claims-local-domain',
          [QUEUES.webhookDeliveries.envVar]: `${endpoint}/${LOCAL_ACCOUNT_ID}/${QUEUE_NAME}`,
          SMS_SENDER: 'sns',
          WEBHOOK_ALLOW_LOOPBACK: 'true',
          WEBHOOK_RETRY_COMPRESSION: String(options.retryCompression ?? 360),
          WEBHOOK_TIMEOUT_MS: String(options.webhookTimeoutMs ?? WEBHOOK_RULES.timeoutMs),
        },
      };
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await Promise.race([Promise.allSettled([...inFlight]), sleep(5_000)]);
      pollers.cases.stop();
      pollers.orders.stop();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
}

export interface LocalProjection extends LocalService {
  /** Resolves when the orders stream is read to its end by a pass started after the call: every order written before is projected. */
  projected(timeoutMs?: number): Promise<void>;
  /** The next `n` batches are projected and then not acknowledged: as a poller killed in between. */
  crashAfterPublish(n: number): void;
  readonly replayedBatches: number;
  /** Stops (true) or restarts (false) the background polling (benchmarks: the write path measured alone); `projected()` still polls. */
  pause(paused: boolean): void;
}

/** The orders projection alone: the orders table's stream → `ordersProjector`, as its event source mapping. */
export function localProjection(options: Pick<LocalEventsOptions, 'pollIntervalMs' | 'log' | 'observe'> = {}): LocalProjection {
  // One write per line (a test's log capture splits what it reads on newlines).
  const log = options.log ?? ((message, data) => process.stderr.write(`local projection: ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`));
  const loadHandler = handlerLoader(DOMAIN_EVENT_FUNCTIONS);
  const invoke = async <E, R>(name: DomainEventFunctionName, event: E): Promise<R> => {
    const handler = await loadHandler<E, R>(name);
    const timeoutMs = (DOMAIN_EVENT_FUNCTIONS[name].timeoutSeconds ?? 15) * 1000;
    return runAs(name, () => handler(event, lambdaContext(`local-${name}`, randomUUID(), Date.now() + timeoutMs)));
  };
  let region = 'us-east-1';
  let timer: NodeJS.Timeout | undefined;
  let paused = false;
  const poller = createStreamPoller('orders', {
    invoke,
    log,
    region: () => region,
    limit: ORDERS_BATCH,
    ...(options.observe ? { observe: options.observe } : {}),
  });
  return {
    name: 'projection',
    projected: (timeoutMs = 30_000) => settle([poller], () => true, timeoutMs, 'the orders projection'),
    crashAfterPublish: (n) => poller.crashAfterPublish(n),
    pause(value) {
      paused = value;
    },
    get replayedBatches() {
      return poller.replayedBatches;
    },
    async start(context) {
      region = context.region;
      await poller.start(context);
      timer = setInterval(() => {
        if (!paused) void poller.poll();
      }, options.pollIntervalMs ?? 100);
      timer.unref();
      return undefined;
    },
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.race([poller.poll(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      poller.stop();
    },
  };
}
