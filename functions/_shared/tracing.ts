/**
 * Tracing (Powertools for AWS Lambda Tracer over the X-Ray SDK): every AWS SDK client the functions
 * create is passed through `traced` once, at creation, so each DynamoDB, Step Functions, KMS, S3 and
 * Cognito call is a subsegment of the function's X-Ray trace (the functions and state machines run with
 * active tracing: lib/constructs/function.ts, lib/constructs/state-machine.ts).
 *
 * Only the SDK clients are instrumented (and, by Powertools' default, outgoing HTTPS requests): no
 * handler decorator, because it would store each response and error as trace metadata, and responses and
 * error messages may carry personal data. The SDK subsegments carry the operation, table or resource name,
 * status and timing — never the items.
 *
 * Outside Lambda the Tracer disables itself (no `AWS_EXECUTION_ENV`), and the local runtime and the test
 * setup also say `POWERTOOLS_TRACE_ENABLED=false`: `traced` then returns the client untouched, nothing
 * looks for an X-Ray daemon, and `npm start` and the tests run as before.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'claims' });

/** The client, instrumented when tracing is on (the same client otherwise). Call once per client, at creation. */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
