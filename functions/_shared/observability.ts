/**
 * One observability module: the structured logger every function uses.
 * Request bodies and events are never logged (they carry personal data); only identifiers and counts.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'claims' });
