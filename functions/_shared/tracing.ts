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
 * Outside Lambda (no `AWS_EXECUTION_ENV`) or with `POWERTOOLS_TRACE_ENABLED=false` (the local runtime and
 * the test setup say so) the Tracer would disable itself; here it is then not even loaded: the X-Ray SDK
 * switches on Node's async hooks for the whole process as soon as it is imported (its context
 * propagation), which made promise-heavy code several times slower in a measurement on this machine.
 * `traced` then returns the client untouched, nothing looks for an X-Ray daemon, and `npm start` and the
 * tests run as before. (esbuild bundles the dynamically imported Tracer all the same; in Lambda it loads
 * during module initialisation, as a static import would.)
 */
import type { Tracer } from '@aws-lambda-powertools/tracer';

/** Powertools' own rule for when its Tracer traces (it checks again itself once loaded). */
const tracingWanted = (): boolean =>
  process.env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false' && Boolean(process.env.AWS_EXECUTION_ENV) && !process.env.AWS_SAM_LOCAL;

const tracer: Tracer | undefined = tracingWanted()
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'claims' })
  : undefined;

/** The client, instrumented when tracing is on (the same client otherwise). Call once per client, at creation. */
export const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);
