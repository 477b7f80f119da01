/**
 * The integration guide's examples run as a new engineer would run them: every fenced `bash` block of
 * docs/integration.md, in order, in one bash (`set -euo pipefail`; every curl uses --fail-with-body, so an
 * HTTP error stops the script) against the local stack — `npm start`'s Step Functions runner and S3
 * server included — with `API` exported as the guide says. Blocks fenced `sh` (AWS only) are not run.
 * The Chinese guide must carry the very same commands. Then the results the guide promises are checked:
 * per-item statuses, the replay, the bill with the orders sent, the document checked after upload.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRepoRoot } from '../../lib/config/paths.ts';
import { localS3 } from '../../local/s3.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const bashBlocks = (file: string): string[] => [...readFileSync(fromRepoRoot(file), 'utf8').matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);

const EPILOGUE = 'echo "::PLATFORM_ID=$PLATFORM_ID"; echo "::MONTH=$MONTH"; echo "::CASE_ID=$CASE_ID"; echo "::STATUS=$STATUS"';

const run = (script: string, cwd: string, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, env: { ...process.env, ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

describe('docs/integration.md, run against the local stack', () => {
  let stack: TestStack;
  let dir: string;
  beforeAll(async () => {
    stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 }), localS3()] });
    dir = mkdtempSync(join(tmpdir(), 'integration-guide-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the same commands in English and in Chinese', () => {
    const en = bashBlocks('docs/integration.md');
    expect(en.length).toBeGreaterThanOrEqual(10);
    expect(bashBlocks('docs/integration.zh.md')).toEqual(en);
  });

  it('reaches a bill with the orders sent, and hands in a document', async () => {
    const script = [...bashBlocks('docs/integration.md'), EPILOGUE].join('\n');
    const result = await run(script, dir, { API: stack.url });
    expect(result.code, `the guide's script failed:\n${result.stderr}\n${result.stdout}`).toBe(0);
    const out = Object.fromEntries([...result.stdout.matchAll(/^::(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const file = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

    expect(file('workers.json').results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(file('orders-1.json')).toMatchObject({ accepted: 2, duplicates: 0, updated: 0, rejected: 0 });
    expect(file('orders-2.json')).toMatchObject({ accepted: 1, rejected: 1 });
    expect(file('orders-2.json').results[1]).toMatchObject({
      status: 'rejected',
      errors: [expect.objectContaining({ path: expect.stringMatching(/^orders\.1\./) })],
    });
    expect(file('orders-replay.json')).toEqual(file('orders-1.json'));
    expect(file('orders-resent.json')).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(file('orders-updated.json')).toMatchObject({ updated: 1 });

    // The bill: the three accepted orders, once each, whatever was re-sent.
    const bill = file('declaration.json');
    expect(bill).toMatchObject({ platformId: out.PLATFORM_ID, month: out.MONTH });
    expect(bill.lines.reduce((n: number, l: { orders: number }) => n + l.orders, 0)).toBe(3);
    expect(bill.totalFen).toBeGreaterThan(0);
    const token = await stack.token({ role: 'platform', sub: 'check', platformId: out.PLATFORM_ID });
    expect((await stack.api('GET', `/v1/platforms/${out.PLATFORM_ID}/declarations/${out.MONTH}`, { token })).body).toEqual(bill);

    expect(out.CASE_ID).toMatch(/\S/);
    expect(out.STATUS).toBe('AVAILABLE');
  });
});
