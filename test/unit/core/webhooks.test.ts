import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, retryDelaySeconds, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RULES } from '../../../core/index.ts';
import { isLoopback, isPrivateAddress } from '../../../functions/_shared/network.ts';

describe('webhook retry schedule (D21, Standard Webhooks)', () => {
  it('retries for at least 24 hours, each wait within SQS’s 12-hour visibility limit', () => {
    const total = WEBHOOK_RULES.retryScheduleSeconds.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600);
    expect(Math.max(...WEBHOOK_RULES.retryScheduleSeconds)).toBeLessThanOrEqual(12 * 3600);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(8);
  });
  it('waits 5 s, 5 min … after each failed attempt, and nothing after the last (→ DEAD)', () => {
    expect(retryDelaySeconds(1)).toBe(5);
    expect(retryDelaySeconds(2)).toBe(300);
    expect(retryDelaySeconds(7)).toBe(36_000);
    expect(retryDelaySeconds(8)).toBeUndefined();
    expect(retryDelaySeconds(0)).toBeUndefined();
  });
  it('compresses the schedule locally, never below one second; the first local retry comes within 30 s', () => {
    expect(retryDelaySeconds(1, 360)).toBe(1);
    expect(retryDelaySeconds(7, 360)).toBe(100);
    expect(retryDelaySeconds(3, 0.5)).toBe(1_800);
    expect(retryDelaySeconds(1, 1)).toBeLessThanOrEqual(30);
  });
});

describe('webhook receiver URLs (contract, v2 clarifications)', () => {
  const aws = { allowLoopbackHttp: false, isLoopback, isPrivate: isPrivateAddress };
  const local = { allowLoopbackHttp: true, isLoopback, isPrivate: isPrivateAddress };
  it('accepts https to a public name', () => {
    expect(checkWebhookUrl('https://hooks.example.com/claims', aws)).toEqual({ ok: true, url: 'https://hooks.example.com/claims' });
  });
  it('refuses what is not a URL, user information, other schemes and private addresses (400)', () => {
    expect(checkWebhookUrl('hooks.example.com', aws)).toMatchObject({ ok: false, reason: 'NOT_A_URL' });
    expect(checkWebhookUrl('https://u:p@hooks.example.com/', aws)).toMatchObject({ ok: false, reason: 'CREDENTIALS' });
    expect(checkWebhookUrl('https://u@hooks.example.com/', aws)).toMatchObject({ ok: false, reason: 'CREDENTIALS' });
    expect(checkWebhookUrl('http://hooks.example.com/', aws)).toMatchObject({ ok: false, reason: 'SCHEME', message: '须使用 https。' });
    expect(checkWebhookUrl('http://127.0.0.1:8080/', aws)).toMatchObject({ ok: false, reason: 'SCHEME' });
    expect(checkWebhookUrl('https://127.0.0.1/', aws)).toMatchObject({ ok: false, reason: 'PRIVATE_ADDRESS' });
    for (const host of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[fd00::1]',
      '[fe80::1]',
      'localhost',
      'db.internal',
      'printer.local',
      'intranet',
    ]) {
      expect(checkWebhookUrl(`https://${host}/x`, aws), host).toMatchObject({ ok: false, reason: 'PRIVATE_ADDRESS' });
    }
  });
  it('accepts loopback http (and https) locally only; other private addresses stay refused locally', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', local)).toEqual({ ok: true, url: 'http://127.0.0.1:9000/hook' });
    expect(checkWebhookUrl('http://localhost:9000/hook', local)).toMatchObject({ ok: true });
    expect(checkWebhookUrl('http://hooks.example.com/', local)).toMatchObject({ ok: false, reason: 'SCHEME', message: expect.stringContaining('回环') });
    expect(checkWebhookUrl('https://10.0.0.1/', local)).toMatchObject({ ok: false, reason: 'PRIVATE_ADDRESS' });
  });
  it('classifies addresses', () => {
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('app.localhost')).toBe(true);
    expect(isLoopback('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('172.32.0.1')).toBe(false);
    expect(isPrivateAddress('224.0.0.1')).toBe(true);
    expect(isPrivateAddress('::ffff:10.0.0.1')).toBe(true);
    expect(isPrivateAddress('::ffff:8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700:4700::1111')).toBe(false);
    // Documentation, NAT64, 6to4 and IPv4-compatible forms are not public receivers.
    expect(isPrivateAddress('2001:db8::1')).toBe(true);
    expect(isPrivateAddress('64:ff9b::a9fe:a9fe')).toBe(true);
    expect(isPrivateAddress('2002:7f00:1::1')).toBe(true);
    expect(isPrivateAddress('::7f00:1')).toBe(true);
    // IPv4-mapped in the hex notation the URL parser writes ([::ffff:127.0.0.1] → [::ffff:7f00:1]).
    expect(isPrivateAddress('[::ffff:7f00:1]')).toBe(true);
    expect(isPrivateAddress('::ffff:a9fe:a9fe')).toBe(true);
    expect(isPrivateAddress('::ffff:808:808')).toBe(false);
    expect(isPrivateAddress(new URL('https://[::ffff:169.254.169.254]/').hostname)).toBe(true);
    expect(isPrivateAddress('::')).toBe(true);
    expect(isPrivateAddress('300.1.1.1')).toBe(false);
  });
});
