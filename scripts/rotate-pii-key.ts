/**
 * Re-encrypts every personal field under the active key of the PII key ring, online (field encryption v2
 * rotation; runbook in docs/security.md; the work is functions/_shared/pii-rotation.ts).
 *
 *   node --import tsx scripts/rotate-pii-key.ts                       # rotate: passes until nothing is stale
 *   node --import tsx scripts/rotate-pii-key.ts --verify              # count what is stale, write nothing
 *   node --import tsx scripts/rotate-pii-key.ts --endpoint http://127.0.0.1:8000 --segments 8
 *
 * The keys come from the same variables as the functions' (PII_KEY_MODE, PII_KEYRING, PII_LOCAL_KEY or
 * PII_DATA_KEY_CIPHERTEXT with PII_KMS_KEY_ID, PII_V1_CIPHERTEXTS, STAGE): in KMS mode the caller's role must
 * be allowed to decrypt them (the PII key's policy: a role named `injury-claims-<stage>-pii-*`). Tables:
 * --registry/--cases/--events, default REGISTRY_TABLE, CASES_TABLE, EVENTS_TABLE. --endpoint defaults to
 * AWS_ENDPOINT_URL_DYNAMODB (none: AWS with the default credential chain).
 *
 * Prints one line per pass and, for each ciphertext refused in its place, `REFUSED table pk sk field: reason`
 * (never a value). Exit code 0 when nothing is stale and nothing was refused, 1 otherwise, 2 for a usage error.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { initPii } from '../functions/_shared/pii.ts';
import { type RotationReport, rotatePiiFields } from '../functions/_shared/pii-rotation.ts';
import { LOCAL_CREDENTIALS } from '../local/dynamodb.ts';

const USAGE =
  'usage: rotate-pii-key [--endpoint URL] [--region R] [--registry T] [--cases T] [--events T] [--segments N] [--page-size N] [--max-passes N] [--verify]';

export interface RotateCliOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly tables: { readonly registry: string; readonly cases: string; readonly events: string };
  readonly segments?: number;
  readonly pageSize?: number;
  readonly maxPasses?: number;
  readonly verifyOnly?: boolean;
  readonly print?: (line: string) => void;
}

export const rotatePiiKey = async (options: RotateCliOptions): Promise<RotationReport> => {
  const print = options.print ?? ((line: string) => console.log(line));
  const protector = await initPii();
  if (!protector) throw new Error('no PII keys configured (PII_KEYRING, PII_LOCAL_KEY or PII_DATA_KEY_CIPHERTEXT)');
  const client = new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  try {
    const report = await rotatePiiFields({ client: DynamoDBDocumentClient.from(client), tables: options.tables }, protector, {
      ...(options.segments ? { segments: options.segments } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.maxPasses ? { maxPasses: options.maxPasses } : {}),
      ...(options.verifyOnly ? { verifyOnly: true } : {}),
      log: print,
    });
    for (const line of report.refused) print(`REFUSED ${line}`);
    print(
      `${report.stale === 0 && report.refused.length === 0 ? 'OK' : 'INCOMPLETE'}: ${report.reencrypted} fields re-encrypted, ${report.reindexed} look-up entries re-indexed, ` +
        `${report.contended} lost to concurrent writes and retried, ${report.stale} stale, ${report.refused.length} refused after ${report.passes} pass(es)`,
    );
    return report;
  } finally {
    client.destroy();
  }
};

const positive = (raw: string | undefined, name: string): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error(`--${name} must be a whole number from 1 to 10000`);
  return n;
};

const main = async (): Promise<number> => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        endpoint: { type: 'string' },
        region: { type: 'string' },
        registry: { type: 'string' },
        cases: { type: 'string' },
        events: { type: 'string' },
        segments: { type: 'string' },
        'page-size': { type: 'string' },
        'max-passes': { type: 'string' },
        verify: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const tables = {
      registry: (values.registry as string | undefined) ?? process.env.REGISTRY_TABLE,
      cases: (values.cases as string | undefined) ?? process.env.CASES_TABLE,
      events: (values.events as string | undefined) ?? process.env.EVENTS_TABLE,
    };
    const missing = Object.entries(tables).filter(([, v]) => !v);
    if (missing.length) throw new Error(`no table for ${missing.map(([k]) => k).join(', ')}: pass --registry/--cases/--events or set the *_TABLE variables`);
    const endpoint = (values.endpoint as string | undefined) ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
    const segments = positive(values.segments as string | undefined, 'segments');
    const pageSize = positive(values['page-size'] as string | undefined, 'page-size');
    const maxPasses = positive(values['max-passes'] as string | undefined, 'max-passes');
    const report = await rotatePiiKey({
      tables: tables as RotateCliOptions['tables'],
      ...(endpoint ? { endpoint } : {}),
      ...(values.region ? { region: values.region as string } : {}),
      ...(segments ? { segments } : {}),
      ...(pageSize ? { pageSize } : {}),
      ...(maxPasses ? { maxPasses } : {}),
      ...(values.verify ? { verifyOnly: true } : {}),
    });
    return report.stale === 0 && report.refused.length === 0 ? 0 : 1;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`rotate-pii-key failed: ${error.message}`);
      process.exit(2);
    },
  );
}
