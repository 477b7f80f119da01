/**
 * Settings the functions read from their environment (functions/_shared/config.ts): the webhook receiver's
 * timeout comes from the rule table (WEBHOOK_RULES, the contract's 10 s); a stage may shorten it, never
 * lengthen it, and a setting that is not a number is a configuration error naming it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_RULES } from '../../../core/index.ts';
import { config } from '../../../functions/_shared/config.ts';

const saved = process.env.WEBHOOK_TIMEOUT_MS;
afterEach(() => {
  if (saved === undefined) delete process.env.WEBHOOK_TIMEOUT_MS;
  else process.env.WEBHOOK_TIMEOUT_MS = saved;
});

describe('the webhook timeout', () => {
  it("is the rule table's when the stage sets none", () => {
    delete process.env.WEBHOOK_TIMEOUT_MS;
    expect(WEBHOOK_RULES.timeoutMs).toBe(10_000);
    expect(config.webhooks.timeoutMs).toBe(WEBHOOK_RULES.timeoutMs);
  });

  it('may be shortened by the stage', () => {
    process.env.WEBHOOK_TIMEOUT_MS = '2500';
    expect(config.webhooks.timeoutMs).toBe(2500);
  });

  it.each([String(WEBHOOK_RULES.timeoutMs + 1), '60000', 'ten', '50'])('refuses %s (longer than the rule, not a number, or too short)', (value) => {
    process.env.WEBHOOK_TIMEOUT_MS = value;
    expect(() => config.webhooks.timeoutMs).toThrow(/Configuration error: WEBHOOK_TIMEOUT_MS/);
  });
});
