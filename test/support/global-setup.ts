/**
 * vitest globalSetup of the `integration` project: ONE DynamoDB Local for the whole run, on a random port.
 * Test files reach it through `inject('ddbEndpoint')` and isolate themselves with a table prefix
 * (test/support/local-stack.ts).
 */
import type { TestProject } from 'vitest/node';
import { FAST_START_JVM_OPTIONS, checkJava, startDynamoDbLocal } from '../../local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the run's DynamoDB Local. */
    ddbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const java = checkJava();
  if (!java.ok) throw new Error(java.message);
  const ddb = await startDynamoDbLocal({ jvmOptions: FAST_START_JVM_OPTIONS });
  project.provide('ddbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
