/**
 * The cost model of docs/scale.md: USD per million orders ingested and retained 13 months, from the
 * measured writes and bytes per order. Prices are AWS list prices for us-east-1 as known to the author
 * (DynamoDB on-demand after the November 2024 reduction); they could not be verified live from here.
 * China regions (cn-north-1, cn-northwest-1) are priced in CNY by their operators and differ.
 */
export const PRICES = {
  region: 'us-east-1 (proxy; China regions price in CNY)',
  dynamoWriteRequestUnitPerMillion: 0.625,
  dynamoReadRequestUnitPerMillion: 0.125,
  dynamoProvisionedWcuHour: 0.00065,
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

export interface CostInputs {
  /** Client item writes per order (order puts + counter updates), all inside transactions. */
  readonly itemWritesPerOrder: number;
  readonly transactional: boolean;
  /** Average size of the order item (DynamoDB sizing) and of its byWorker index item. */
  readonly orderItemBytes: number;
  readonly gsiItemBytes: number;
  /** Index items written per order (1: every order carries wk/at). */
  readonly gsiWritesPerOrder: number;
  /** Read items per order (worker links, platform profile) at 0.5 RRU each (eventually consistent, < 4 KB). */
  readonly readItemsPerOrder: number;
  /** Counter items that stay (enrolment days ≈ 1 per 20 orders; fee lines negligible), bytes each. */
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
  /** Provisioned capacity at this utilisation instead of on-demand (undefined: on-demand). */
  readonly provisionedUtilisation?: number;
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
    orders * i.itemWritesPerOrder * wruPerItem(i.orderItemBytes, i.transactional) + orders * i.gsiWritesPerOrder * wruPerItem(i.gsiItemBytes, false);
  const wruPrice = i.provisionedUtilisation
    ? (p.dynamoProvisionedWcuHour / 3600 / i.provisionedUtilisation) * 1e6
    : p.dynamoWriteRequestUnitPerMillion;
  const rru = orders * i.readItemsPerOrder * 0.5;
  const hotMonths = Math.min(13 * MONTH_DAYS, i.hotDays) / MONTH_DAYS;
  const hotGb = (orders * (i.orderItemBytes + OVERHEAD + i.gsiWritesPerOrder * (i.gsiItemBytes + OVERHEAD))) / GB;
  const counterGb = (orders * i.counterItemsPerOrder * (i.counterItemBytes + OVERHEAD)) / GB;
  const archived = i.hotDays < 13 * MONTH_DAYS;
  const archiveGb = (orders * i.archiveBytesPerOrder) / GB;
  const requests = orders / i.ordersPerRequest;
  const lines: CostLine[] = [
    { item: 'DynamoDB writes (table + GSI)', usd: (wru / 1e6) * wruPrice, basis: `${(wru / orders).toFixed(2)} WRU/order × ${wruPrice.toFixed(3)} USD/M${i.provisionedUtilisation ? ` (provisioned at ${i.provisionedUtilisation * 100}% utilisation)` : ' (on-demand)'}` },
    { item: 'DynamoDB reads (links, platform)', usd: (rru / 1e6) * p.dynamoReadRequestUnitPerMillion, basis: `${(rru / orders).toFixed(3)} RRU/order` },
    { item: `DynamoDB storage, order detail ${i.hotDays} days`, usd: hotGb * hotMonths * p.dynamoStorageGbMonth, basis: `${hotGb.toFixed(3)} GB × ${hotMonths.toFixed(2)} months` },
    { item: 'PITR on the hot data', usd: hotGb * hotMonths * p.dynamoPitrGbMonth, basis: `${hotGb.toFixed(3)} GB × ${hotMonths.toFixed(2)} months` },
    { item: 'Counters (ledger) 13 months + PITR', usd: counterGb * 13 * (p.dynamoStorageGbMonth + p.dynamoPitrGbMonth), basis: `${counterGb.toFixed(4)} GB` },
    ...(archived
      ? [
          { item: 'Export to S3 (incremental export)', usd: hotGb * p.dynamoExportGb, basis: `${hotGb.toFixed(3)} GB exported once` },
          { item: 'S3 archive (Glacier Instant Retrieval), rest of 13 months', usd: archiveGb * (13 - hotMonths) * p.s3GlacierInstantGbMonth, basis: `${(archiveGb * 1024).toFixed(0)} MB compressed` },
        ]
      : []),
    { item: 'Lambda (arm64) + requests', usd: requests * (i.lambdaMsPerRequest / 1000) * (i.lambdaMemoryMb / 1024) * p.lambdaArmGbSecond + (requests / 1e6) * p.lambdaRequestPerMillion, basis: `${requests} requests × ${i.lambdaMsPerRequest} ms × ${i.lambdaMemoryMb} MB` },
    { item: 'HTTP API requests', usd: (requests / 1e6) * p.httpApiRequestPerMillion, basis: `${requests} requests` },
    { item: 'CloudWatch Logs', usd: ((requests * i.logBytesPerRequest) / GB) * p.logsIngestGb, basis: `${i.logBytesPerRequest} B/request` },
  ];
  return { lines, total: lines.reduce((s, l) => s + l.usd, 0) };
};
