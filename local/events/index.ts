/**
 * The local domain events, a `LocalService` (docs/events.md, docs/local-runtime.md): what DynamoDB Streams,
 * EventBridge, SQS and SNS do in AWS, in this process, driving the same handlers.
 *
 * - **Stream poller**: reads DynamoDB Local's stream of the cases table (DescribeStream, GetShardIterator,
 *   GetRecords; @aws-sdk/client-dynamodb-streams), builds the event the Lambda event source mapping
 *   delivers, and invokes the publisher (`eventPublisher`) with it. The checkpoint moves only after the
 *   publisher succeeded (a reported item failure: from that record); a failed batch is retried with backoff.
 * - **Endpoint** (one small HTTP server the functions reach through `AWS_ENDPOINT_URL_EVENTBRIDGE`,
 *   `_SQS`, `_SNS`, no local branch in their code): EventBridge `PutEvents` (each entry routed to the
 *   functions whose manifest trigger names its detail-type, invoked with retries); SQS `SendMessage`,
 *   `ChangeMessageVisibility`, `DeleteMessage` on the webhook delivery queue (the queue is run here:
 *   visibility timeouts, partial batch failures, maxReceiveCount → dead letters); SNS `Publish` (SMS are
 *   recorded, never sent).
 *
 * Test hooks: `sms()`, `deadLetters()`, `crashAfterPublish(n)` (the poller "dies" after the publisher
 * succeeded and before its checkpoint moved: the next poll reads the batch again), `settled()`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { WEBHOOK_RULES } from '../../core/index.ts';
import { EVENT_BUS_ENV, EVENT_SOURCE, QUEUES } from '../../manifest/events.ts';
import { DOMAIN_EVENT_FUNCTIONS, type DomainEventFunctionName } from '../../manifest/functions.ts';
import { tableById } from '../../manifest/tables.ts';
import type { LocalService, ServiceContext } from '../app.ts';
import { LOCAL_CREDENTIALS } from '../dynamodb.ts';
import { handlerLoader, LOCAL_ACCOUNT_ID, lambdaContext, runAs } from '../lambda.ts';

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
  /** The next `n` stream batches are published and then not acknowledged: as a poller killed in between. */
  crashAfterPublish(n: number): void;
  /** How many stream batches were published and then re-read after such a crash. */
  readonly replayedBatches: number;
  /** Resolves when the stream is read to its end and nothing is in flight (events, queue deliveries due now). */
  settled(timeoutMs?: number): Promise<void>;
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

type Av = Record<string, unknown>;
/**
 * The SDK's DynamoDB Streams client deserializes an empty map (`{ "M": {} }`) as `{}`: put it back, as
 * Lambda's event carries it, at every depth.
 */
const fixAv = (av: Av): Av => {
  if (Object.keys(av).length === 0) return { M: {} };
  if (av.M) return { M: Object.fromEntries(Object.entries(av.M as Record<string, Av>).map(([k, v]) => [k, fixAv(v)])) };
  if (Array.isArray(av.L)) return { L: (av.L as Av[]).map(fixAv) };
  return av;
};
const fixImage = (image: unknown): Record<string, Av> => Object.fromEntries(Object.entries(image as Record<string, Av>).map(([k, v]) => [k, fixAv(v)]));

/** The functions mapped to the cases table's stream (manifest trigger `{ stream: 'cases' }`), publisher first. */
const STREAM_FUNCTIONS = (Object.keys(DOMAIN_EVENT_FUNCTIONS) as DomainEventFunctionName[]).filter(
  (name) => (DOMAIN_EVENT_FUNCTIONS[name].trigger as { stream?: string }).stream === 'cases',
);

/** An SDK stream record → the record the Lambda event source mapping delivers (images as AttributeValue JSON). */
const lambdaRecord = (r: StreamRecord, arn: string, region: string) => {
  const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x))) as unknown;
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: arn,
    dynamodb: {
      ...(d.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      Keys: json(d.Keys),
      ...(d.NewImage ? { NewImage: fixImage(json(d.NewImage)) } : {}),
      ...(d.OldImage ? { OldImage: fixImage(json(d.OldImage)) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
};

export function localEvents(options: LocalEventsOptions = {}): LocalEvents {
  const log = options.log ?? ((message, data) => console.error(`local events: ${message}${data ? ` ${JSON.stringify(data)}` : ''}`));
  const pollMs = options.pollIntervalMs ?? 100;
  const loadHandler = handlerLoader(DOMAIN_EVENT_FUNCTIONS);
  const sent: SentSms[] = [];
  const dead: string[] = [];
  const queue = new Map<string, QueuedMessage>();
  const inFlight = new Set<Promise<unknown>>();
  let crashes = 0;
  let replayed = 0;
  let server: Server | undefined;
  let endpoint = '';
  let region = 'us-east-1';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let streams: DynamoDBStreamsClient | undefined;
  let caughtUp = false;

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

  // ---- The stream poller ----------------------------------------------------------------------
  interface Shard {
    iterator?: string;
    checkpoint?: string;
    closed: boolean;
    parent?: string;
    retryAt: number;
    failures: number;
  }
  const shards = new Map<string, Shard>();
  let streamArn = '';
  let lastDescribe = 0;

  const describe = async () => {
    const { StreamDescription } = await streams!.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const s of StreamDescription?.Shards ?? []) {
      if (!s.ShardId || shards.has(s.ShardId)) continue;
      shards.set(s.ShardId, { closed: false, ...(s.ParentShardId ? { parent: s.ParentShardId } : {}), retryAt: 0, failures: 0 });
    }
  };

  const iteratorOf = async (shardId: string, shard: Shard) => {
    const { ShardIterator } = await streams!.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(shard.checkpoint ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.checkpoint } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  };

  /** Reads one batch of one shard and publishes it; true when there were records. */
  const pollShard = async (shardId: string, shard: Shard): Promise<boolean> => {
    shard.iterator ??= await iteratorOf(shardId, shard);
    if (!shard.iterator) {
      shard.closed = true;
      return false;
    }
    const { Records = [], NextShardIterator } = await streams!.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 100 }));
    if (Records.length === 0) {
      shard.iterator = NextShardIterator;
      if (!NextShardIterator) shard.closed = true;
      return false;
    }
    const event = { Records: Records.map((r) => lambdaRecord(r, streamArn, region)) };
    // Every function mapped to the stream (the publisher, the statistics counter, the audit chainer) gets the batch, as each
    // event source mapping in AWS; a failure in one retries the batch from the earliest failed record for all
    // of them (each is idempotent by record).
    let index = -1;
    let failure: string | undefined;
    for (const name of STREAM_FUNCTIONS) {
      const result = await invoke<typeof event, { batchItemFailures?: { itemIdentifier: string }[] }>(name, event);
      const failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed === undefined) continue;
      const at = Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
      if (failure === undefined || at < index) {
        failure = failed;
        index = at;
      }
    }
    if (failure !== undefined) {
      // Retry from the failed record: the checkpoint is the record before it.
      if (index > 0) shard.checkpoint = Records[index - 1]!.dynamodb!.SequenceNumber;
      shard.iterator = undefined;
      throw new Error(`a stream function reported a failure at ${failure}`);
    }
    if (crashes > 0) {
      // Killed between the publish and the checkpoint: the batch is read again.
      crashes -= 1;
      replayed += 1;
      shard.iterator = undefined;
      log('poller "crashed" after publishing a batch: it is read again', { records: Records.length });
      return true;
    }
    shard.checkpoint = Records.at(-1)?.dynamodb?.SequenceNumber;
    shard.iterator = NextShardIterator;
    if (!NextShardIterator) shard.closed = true;
    return true;
  };

  let polling = false;
  const pollStream = async () => {
    if (polling || !streamArn) return;
    polling = true;
    try {
      if (Date.now() - lastDescribe > 1_000) {
        lastDescribe = Date.now();
        await describe();
      }
      let busy = false;
      for (const [shardId, shard] of shards) {
        if (shard.closed || Date.now() < shard.retryAt) continue;
        if (shard.parent && shards.has(shard.parent) && !shards.get(shard.parent)!.closed) continue;
        try {
          if (await pollShard(shardId, shard)) busy = true;
          shard.failures = 0;
        } catch (error) {
          busy = true;
          shard.failures += 1;
          shard.retryAt = Date.now() + Math.min(5_000, 100 * 2 ** shard.failures);
          shard.iterator = undefined;
          log('stream batch failed, retrying', { shardId, error: (error as Error).message });
        }
      }
      caughtUp = !busy;
    } catch (error) {
      log('stream poll failed', { error: (error as Error).message });
    } finally {
      polling = false;
    }
  };

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
      return replayed;
    },
    sms: () => [...sent],
    deadLetters: () => [...dead],
    crashAfterPublish(n) {
      crashes = n;
    },
    async settled(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const dueNow = [...queue.values()].some((m) => m.inFlight || m.visibleAt <= Date.now());
        if (caughtUp && inFlight.size === 0 && !dueNow) return;
        if (Date.now() > deadline) throw new Error('local events did not settle');
        await sleep(50);
        caughtUp = false;
        await pollStream();
      }
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
      streams = new DynamoDBStreamsClient({ endpoint: context.ddbEndpoint, region, credentials: LOCAL_CREDENTIALS });
      const table = context.tables[tableById('cases').envVar]!;
      const { Table } = await context.dynamodb.send(new DescribeTableCommand({ TableName: table }));
      if (!Table?.LatestStreamArn) throw new Error(`local events: table ${table} has no stream`);
      streamArn = Table.LatestStreamArn;
      timer = setInterval(() => {
        void pollStream();
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
      streams?.destroy();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
}
