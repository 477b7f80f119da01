/**
 * The stage loader (lib/config/stage.ts): every stage's values come from config/stages/<name>.json,
 * validated when the app synthesizes; a bad file fails with the file and each bad field named.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../manifest/schedules.ts';
import { STAGES_DIR, StageConfigError, stageConfig, stageFromContext } from '../../lib/config/stage.ts';

const devFile = (): Record<string, unknown> => JSON.parse(readFileSync(join(STAGES_DIR, 'dev.json'), 'utf8'));
const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });

describe('stage files in the repository', () => {
  it('load for dev and prod with the values the stacks expect', () => {
    const dev = stageConfig('dev');
    expect(dev).toMatchObject({ name: 'dev', removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, logRetention: RetentionDays.ONE_MONTH });
    expect(dev.accessTokenValidity.toMinutes()).toBe(Duration.hours(1).toMinutes());
    expect(dev.env).toBeUndefined();
    const prod = stageConfig('prod');
    expect(prod).toMatchObject({
      name: 'prod',
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      cognitoPlus: true,
      logRetention: RetentionDays.ONE_YEAR,
    });
    expect(prod.deadlineSweepAt).toEqual(SCHEDULES.deadlineSweep.at);
    expect(prod.paymentRunAt).toEqual(SCHEDULES.paymentRun.at);
  });

  it('selects the stage from context (default dev) and lets context pin account, region and the PII ciphertext', () => {
    expect(stageFromContext(context({})).name).toBe('dev');
    const prod = stageFromContext(context({ stage: 'prod', account: '123456789012', region: 'cn-north-1', piiDataKeyCiphertext: 'QUJD' }));
    expect(prod.name).toBe('prod');
    expect(prod.env).toEqual({ account: '123456789012', region: 'cn-north-1' });
    expect(prod.piiDataKeyCiphertext).toBe('QUJD');
  });

  it('refuses an unknown stage, naming the stages there are', () => {
    expect(() => stageFromContext(context({ stage: 'staging' }))).toThrow(/Unknown stage "staging".*stages: dev, prod/);
    expect(() => stageFromContext(context({ stage: '../dev' }))).toThrow(StageConfigError);
    expect(() => stageFromContext(context({ stage: 'prod', piiDataKeyCiphertext: 'not base64!' }))).toThrow(/piiDataKeyCiphertext/);
  });
});

describe('a stage file of your own', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stages-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: unknown) => writeFileSync(join(dir, `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content));

  it('adds a stage without a source edit; the file pins account and region, context overrides them', () => {
    write('uat', {
      ...devFile(),
      account: '210987654321',
      region: 'cn-northwest-1',
      cognitoDomainPrefix: 'claims-uat',
      paymentRunAt: { day: 5, hour: 3, minute: 30 },
    });
    const uat = stageConfig('uat', undefined, {}, dir);
    expect(uat).toMatchObject({ name: 'uat', cognitoDomainPrefix: 'claims-uat', env: { account: '210987654321', region: 'cn-northwest-1' } });
    expect(uat.paymentRunAt).toEqual({ day: 5, hour: 3, minute: 30 });
    expect(stageFromContext(context({ stage: 'uat', region: 'cn-north-1' }), dir).env).toEqual({ account: '210987654321', region: 'cn-north-1' });
  });

  it('rejects a bad file, naming the file and every bad field', () => {
    write('bad', {
      ...devFile(),
      logRetentionDays: 31,
      cognitoDomainPrefix: 'My_Cognito',
      appCallbackUrls: ['ftp://x'],
      apiThrottle: { rateLimit: -1, burstLimit: 100 },
      paymentRunAt: { day: 31, hour: 2, minute: 0 },
      cognitoPluss: true,
    });
    let error: unknown;
    try {
      stageConfig('bad', undefined, {}, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    const message = (error as Error).message;
    expect(message).toContain(join(dir, 'bad.json'));
    for (const field of [
      'logRetentionDays',
      'cognitoDomainPrefix',
      'appCallbackUrls.0',
      'apiThrottle.rateLimit',
      'paymentRunAt.day',
      'unknown field(s) cognitoPluss',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('rejects a paying account a bank file cannot carry (D15), naming the province and the field', () => {
    const good = (devFile().payingAccounts as Record<string, Record<string, string>>)['110000']!;
    write('pay', { ...devFile(), payingAccounts: { '110000': { ...good, bankCode: 'ICBKCNBJ' }, '1100': good, '310000': { ...good, iban: 'x' } } });
    let message = '';
    try {
      stageConfig('pay', undefined, {}, dir);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('payingAccounts.110000.bankCode: must be the 12-digit CNAPS code');
    expect(message).toContain('payingAccounts.1100');
    expect(message).toContain('payingAccounts.310000: unknown field(s) iban');
    expect(stageConfig('dev').payingAccounts['110000']).toEqual(good);
  });

  it('rejects a missing field, invalid JSON and a bad stage name', () => {
    const { cognitoPlus: _dropped, ...rest } = devFile();
    write('nocog', rest);
    expect(() => stageConfig('nocog', undefined, {}, dir)).toThrow(/cognitoPlus/);
    write('broken', '{ "removalPolicy": ');
    expect(() => stageConfig('broken', undefined, {}, dir)).toThrow(/broken\.json: not valid JSON/);
    expect(() => stageConfig('Prod', undefined, {}, dir)).toThrow(/Invalid stage name/);
    expect(() => stageConfig('averyverylongname', undefined, {}, dir)).toThrow(/Invalid stage name/);
  });
});
