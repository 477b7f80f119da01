/**
 * The DynamoDB client of the offline table tools (scripts/*.ts): AWS by default (the region from `--region`
 * or AWS_REGION), DynamoDB Local with `--endpoint`. The client is destroyed when the work is done.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS } from '../local/dynamodb.ts';

/** Where a tool's tables are, and how it reports (one line at a time, stdout by default). */
export interface TableToolOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly write: boolean;
  readonly print?: (line: string) => void;
}

/** Runs `work` with a document client for the options' endpoint or region, then destroys the client. */
export const withTables = async <T>(options: Pick<TableToolOptions, 'endpoint' | 'region'>, work: (ddb: DynamoDBDocumentClient) => Promise<T>): Promise<T> => {
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  try {
    return await work(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
  }
};
