/**
 * Setup file of the `functions` and `integration` projects: an environment in which no code can reach
 * AWS — dummy credentials, no instance metadata — and a fresh local PII key per test file. In the
 * integration project the run's DynamoDB Local endpoint is set too.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

const set = (name: string, value: string) => {
  process.env[name] = value;
};

set('AWS_REGION', 'cn-north-1');
set('AWS_DEFAULT_REGION', 'cn-north-1');
set('AWS_ACCESS_KEY_ID', 'test');
set('AWS_SECRET_ACCESS_KEY', 'test');
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
set('AWS_EC2_METADATA_DISABLED', 'true');
set('PII_KEY_MODE', 'local');
set('PII_LOCAL_KEY', randomBytes(32).toString('base64'));
// The audit chain's MAC key (functions/_shared/audit-keys.ts), fresh per test file like the PII key.
set('AUDIT_MAC_LOCAL_KEY', randomBytes(32).toString('base64'));
set('STAGE', 'test');
set('POWERTOOLS_SERVICE_NAME', 'platform-injury-claims');
set('POWERTOOLS_LOG_LEVEL', process.env.TEST_LOG_LEVEL ?? 'WARN');
// Business metrics off by default (a test that asserts them turns them on); no X-Ray outside Lambda.
set('POWERTOOLS_METRICS_DISABLED', 'true');
set('POWERTOOLS_TRACE_ENABLED', 'false');
set('POWERTOOLS_DEV', 'false');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Provided only by the integration project's globalSetup; undefined elsewhere.
const ddbEndpoint = (inject as (key: string) => unknown)('ddbEndpoint');
if (typeof ddbEndpoint === 'string') set('AWS_ENDPOINT_URL_DYNAMODB', ddbEndpoint);
