/**
 * The cost model of docs/scale.md: USD per million orders ingested and retained 13 months, from the
 * measured writes and bytes per order. Prices are AWS list prices for us-east-1 as known to the author
 * (DynamoDB on-demand after the November 2024 reduction); they could not be verified live from here.
 * China regions (cn-north-1, cn-northwest-1) are priced in CNY by their operator: CHINA_PRICES_CNY
 * holds the two DynamoDB write prices read from amazonaws.cn for a cross-check (docs/scale.md).
 */
export const PRICES = {
  region: 'us-east-1 (proxy; China regions price in CNY)',
  dynamoWriteRequestUnitPerMillion: 0.625,
  dynamoReadRequestUnitPerMillion: 0.125,
  dynamoProvisionedWcuHour: 0.00065,
  /** 1-year reserved capacity: 150 USD upfront + 0.0128 USD/h per 100 WCU → per WCU-hour, effective. */
  dynamoReservedWcuHour: 150 / 8760 / 100 + 0.0128 / 100,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  dynamoExportGb: 0.1,
  s3StandardGbMonth: 0.023,
  s3GlacierInstantGbMonth: 0.004,
  s3PutPerThousand: 0.005,
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequestPerMillion: 0.2,
  httpApiRequestPerMillion: 1.0,
  logsIngestGb: 0.5,
} as const;

/** China (Beijing/Ningxia) DynamoDB Standard write prices, CNY (www.amazonaws.cn/en/dynamodb/pricing/). */
export const CHINA_PRICES_CNY = {
  provisionedWcuHour: 0.058 / 10,
  onDemandWriteRequestUnitPerMillion: 11.1538,
} as const;

export interface CostInputs {
  /**
   * Client item writes per order (order puts and batch items, the projection's counter, rider-day and
   * batch updates), inside transactions when `transactional`.
   */
  readonly itemWritesPerOrder: number;
  readonly transactional: boolean;
  /** Further item writes per order outside any transaction (1 WRU each below 1 KB): e.g. PartiQL order INSERTs. */
  readonly singleWritesPerOrder?: number;
  /** Average size of the order item (DynamoDB sizing) and of its byWorker index item. */
  readonly orderItemBytes: number;
  readonly gsiItemBytes: number;
  /** Index items written per order (1: every order carries wk/at). */
  readonly gsiWritesPerOrder: number;
  /** Read items per order (worker links, platform profile) at 0.5 RRU each (eventually consistent, < 4 KB). */
  readonly readItemsPerOrder: number;
  /** Ledger items that stay 13 months (rider-days, enrolment days, fee lines) per order, bytes each. */
  readonly counterItemsPerOrder: number;
  readonly counterItemBytes: number;
  readonly ordersPerRequest: number;
  /** Lambda duration per request (ms) and memory (MB). */
  readonly lambdaMsPerRequest: number;
  readonly lambdaMemoryMb: number;
  /** Days order detail stays in DynamoDB before TTL (the rest of 13 months in S3). */
  readonly hotDays: number;
  /** Compressed bytes per order in the S3 archive (gzip JSON lines / Parquet). */
  readonly archiveBytesPerOrder: number;
  /** Provisioned capacity at this average utilisation instead of on-demand (undefined: on-demand). */
  readonly provisionedUtilisation?: number;
  /** With provisionedUtilisation: all of it bought as 1-year reserved capacity (a lower bound). */
  readonly reserved?: boolean;
  /** PITR on the 13-month counters (default on; off when they can be rebuilt from the S3 archive). */
  readonly counterPitr?: boolean;
  /** A Lambda consumer of the orders table's stream (counters derived from the stream), per 1,000 orders. */
  readonly streamConsumer?: { readonly msPerThousandOrders: number; readonly memoryMb: number };
  readonly logBytesPerRequest: number;
}

const GB = 1024 ** 3;
const MONTH_DAYS = 30.4;
const OVERHEAD = 100;

export interface CostLine {
  readonly item: string;
  readonly usd: number;
  readonly basis: string;
}

/** Cost lines for one million orders. */
export const costPerMillionOrders = (i: CostInputs, p = PRICES): { lines: CostLine[]; total: number } => {
  const orders = 1e6;
  const wruPerItem = (bytes: number, tx: boolean) => Math.max(1, Math.ceil(bytes / 1024)) * (tx ? 2 : 1);
  const wru =
    orders * i.itemWritesPerOrder * wruPerItem(i.orderItemBytes, i.transactional) +
    orders * (i.singleWritesPerOrder ?? 0) * wruPerItem(i.orderItemBytes, false) +
    orders * i.gsiWritesPerOrder * wruPerItem(i.gsiItemBytes, false);
  const wcuHour = i.reserved ? p.dynamoReservedWcuHour : p.dynamoProvisionedWcuHour;
  const wruPrice = i.provisionedUtilisation ? (wcuHour / 3600 / i.provisionedUtilisation) * 1e6 : p.dynamoWriteRequestUnitPerMillion;
  const rru = orders * i.readItemsPerOrder * 0.5;
  const hotMonths = Math.min(13 * MONTH_DAYS, i.hotDays) / MONTH_DAYS;
  const hotGb = (orders * (i.orderItemBytes + OVERHEAD + i.gsiWritesPerOrder * (i.gsiItemBytes + OVERHEAD))) / GB;
  const counterGb = (orders * i.counterItemsPerOrder * (i.counterItemBytes + OVERHEAD)) / GB;
  const archived = i.hotDays < 13 * MONTH_DAYS;
  const archiveGb = (orders * i.archiveBytesPerOrder) / GB;
  const requests = orders / i.ordersPerRequest;
  const lines: CostLine[] = [
    {
      item: 'DynamoDB writes (table + GSI)',
      usd: (wru / 1e6) * wruPrice,
      basis: `${(wru / orders).toFixed(2)} WRU/order × ${wruPrice.toFixed(3)} USD/M${i.provisionedUtilisation ? ` (${i.reserved ? 'reserved' : 'provisioned'} at ${(i.provisionedUtilisation * 100).toFixed(0)}% utilisation)` : ' (on-demand)'}`,
    },
    { item: 'DynamoDB reads (links, platform)', usd: (rru / 1e6) * p.dynamoReadRequestUnitPerMillion, basis: `${(rru / orders).toFixed(3)} RRU/order` },
    {
      item: `DynamoDB storage, order detail ${i.hotDays} days`,
      usd: hotGb * hotMonths * p.dynamoStorageGbMonth,
      basis: `${hotGb.toFixed(3)} GB × ${hotMonths.toFixed(2)} months`,
    },
    { item: 'PITR on the hot data', usd: hotGb * hotMonths * p.dynamoPitrGbMonth, basis: `${hotGb.toFixed(3)} GB × ${hotMonths.toFixed(2)} months` },
    {
      item: `Ledger (rider-days, counters) 13 months${i.counterPitr === false ? ', no PITR' : ' + PITR'}`,
      usd: counterGb * 13 * (p.dynamoStorageGbMonth + (i.counterPitr === false ? 0 : p.dynamoPitrGbMonth)),
      basis: `${counterGb.toFixed(4)} GB`,
    },
    ...(archived
      ? [
          { item: 'Export to S3 (incremental export)', usd: hotGb * p.dynamoExportGb, basis: `${hotGb.toFixed(3)} GB exported once` },
          {
            item: 'S3 archive (Glacier Instant Retrieval), rest of 13 months',
            usd: archiveGb * (13 - hotMonths) * p.s3GlacierInstantGbMonth,
            basis: `${(archiveGb * 1024).toFixed(0)} MB compressed`,
          },
        ]
      : []),
    {
      item: 'Lambda (arm64) + requests',
      usd: requests * (i.lambdaMsPerRequest / 1000) * (i.lambdaMemoryMb / 1024) * p.lambdaArmGbSecond + (requests / 1e6) * p.lambdaRequestPerMillion,
      basis: `${requests} requests × ${i.lambdaMsPerRequest} ms × ${i.lambdaMemoryMb} MB`,
    },
    ...(i.streamConsumer
      ? [
          {
            item: 'Lambda stream consumer (the orders projection)',
            usd:
              (orders / 1000) * (i.streamConsumer.msPerThousandOrders / 1000) * (i.streamConsumer.memoryMb / 1024) * p.lambdaArmGbSecond +
              (orders / 1000 / 1e6) * p.lambdaRequestPerMillion,
            basis: `${i.streamConsumer.msPerThousandOrders} ms × ${i.streamConsumer.memoryMb} MB per 1,000 orders (stream reads by a Lambda trigger are free)`,
          },
        ]
      : []),
    { item: 'HTTP API requests', usd: (requests / 1e6) * p.httpApiRequestPerMillion, basis: `${requests} requests` },
    { item: 'CloudWatch Logs', usd: ((requests * i.logBytesPerRequest) / GB) * p.logsIngestGb, basis: `${i.logBytesPerRequest} B/request` },
  ];
  return { lines, total: lines.reduce((s, l) => s + l.usd, 0) };
};

export interface CostScenario {
  readonly id: string;
  readonly name: string;
  readonly inputs: CostInputs;
  /** What the scenario needs that the code does not do today. */
  readonly needs: string;
  readonly recommended?: boolean;
}

/**
 * The scenarios of docs/scale.md from one run's measured inputs (`base`: as built — the order write a
 * transaction of conditional puts, counters and rider-days the stream's projection — on-demand, 45 days hot +
 * S3 archive). Everything not measured is an assumption named in docs/scale.md.
 */
export const costScenarios = (base: CostInputs): CostScenario[] => {
  // The order put as a PartiQL INSERT (1 WRU) instead of a transaction of puts (2 WRU); the projection's
  // transactions stay. Measured slower on DynamoDB Local (docs/scale.md), the cheaper write in AWS.
  const partiql: Partial<CostInputs> = {
    itemWritesPerOrder: Math.max(0, base.itemWritesPerOrder - 1),
    singleWritesPerOrder: 1 + (base.singleWritesPerOrder ?? 0),
  };
  return [
    { id: 'A', name: 'as built, 13 months in DynamoDB, on-demand', inputs: { ...base, hotDays: 395 }, needs: 'nothing' },
    {
      id: 'B',
      name: 'as built, 45 days hot + TTL + S3 archive, on-demand',
      inputs: base,
      needs: '`expiresAt` on order items after the month close, the archive of expired orders (issue 18, part 2)',
    },
    {
      id: 'C',
      name: 'B, provisioned writes with auto scaling (70% target utilisation)',
      inputs: { ...base, provisionedUtilisation: 0.7 },
      needs: 'as B, plus capacity mode and auto scaling in CDK',
      recommended: true,
    },
    {
      id: 'C50',
      name: 'C at 50% average utilisation (auto scaling lagging a steep daily curve)',
      inputs: { ...base, provisionedUtilisation: 0.5 },
      needs: 'as C',
    },
    {
      id: 'D',
      name: 'C with the order put as a PartiQL INSERT (1 WRU) instead of a transaction of puts (2 WRU)',
      inputs: { ...base, ...partiql, provisionedUtilisation: 0.7 },
      needs: 'as C, plus `insertEach` as the write (slower than the transaction on DynamoDB Local)',
    },
    {
      id: 'E',
      name: 'D, 7 days hot',
      inputs: { ...base, ...partiql, provisionedUtilisation: 0.7, hotDays: 7 },
      needs: 'as D, plus a month close (or an ingestion age limit) within 7 days (D19 closes on day 15 of the next month)',
    },
    {
      id: 'F',
      name: 'E with 1-year reserved write capacity (all of it: a lower bound)',
      inputs: { ...base, ...partiql, provisionedUtilisation: 0.7, hotDays: 7, reserved: true },
      needs: 'as E, plus a 1-year commitment',
    },
    {
      id: 'G',
      name: 'F without PITR on the rider-day and counter items (rebuilt from the S3 archive)',
      inputs: { ...base, ...partiql, provisionedUtilisation: 0.7, hotDays: 7, reserved: true, counterPitr: false },
      needs: 'as F, plus a tested rebuild of the ledger from the archive',
    },
  ];
};
