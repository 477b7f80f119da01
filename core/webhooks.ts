/**
 * Platform webhooks (D21, Standard Webhooks): which receiver URLs are accepted, the retry schedule and the
 * secret's shape. Pure: the webhooks function and the sender (functions/) apply them.
 */

/** The versioned numbers of webhook delivery (docs/events.md). */
export const WEBHOOK_RULES = {
  version: '2026-12',
  /**
   * Seconds to wait before each retry after the first attempt (the Standard Webhooks schedule: 5 s, 5 min,
   * 30 min, 2 h, 5 h, 10 h, 10 h): 8 attempts over about 27.6 hours, "at least 24 hours" (contract). Each
   * wait is at most SQS's 12-hour visibility timeout. After the last attempt the delivery is DEAD.
   */
  retryScheduleSeconds: [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000],
  /** A receiver that does not answer within this is a failed attempt (contract: 10 s). */
  timeoutMs: 10_000,
  /** Random bytes of a secret (`whsec_` + base64; the contract allows 24–64). */
  secretBytes: 32,
} as const;

/**
 * The wait before the next attempt after `attempts` failed ones, divided by `compression` (≥ 1; locally
 * the schedule runs in seconds) and rounded up to whole seconds (SQS's unit): undefined when the schedule
 * is over (the delivery goes DEAD).
 */
export function retryDelaySeconds(attempts: number, compression = 1): number | undefined {
  const wait = WEBHOOK_RULES.retryScheduleSeconds[attempts - 1];
  if (attempts < 1 || wait === undefined) return undefined;
  return Math.max(1, Math.ceil(wait / Math.max(1, compression)));
}

/** Total attempts a delivery gets (the first and every retry). */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RULES.retryScheduleSeconds.length + 1;

/**
 * Where a receiver may point. Which hosts are loopback or not public is network knowledge, not a rule: the
 * functions pass their classifier (functions/_shared/network.ts, on ipaddr.js), the core stays pure.
 */
export interface WebhookUrlOptions {
  /** Locally: `http`/`https` on a loopback host is accepted. */
  readonly allowLoopbackHttp: boolean;
  readonly isLoopback: (host: string) => boolean;
  /** Private, loopback, link-local, reserved … or a name that only resolves inside a network. */
  readonly isPrivate: (host: string) => boolean;
}

export type WebhookUrlCheck =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly reason: 'NOT_A_URL' | 'CREDENTIALS' | 'SCHEME' | 'PRIVATE_ADDRESS'; readonly message: string };

/**
 * A receiver URL a platform may register (contract, v2 clarifications): absolute; no user information;
 * `https` to a public address — or, where `allowLoopbackHttp` (locally), `http`/`https` on a loopback address.
 */
export function checkWebhookUrl(value: string, options: WebhookUrlOptions): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'NOT_A_URL', message: '须为完整的 URL（如 https://hooks.example.com/claims）。' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'CREDENTIALS', message: 'URL 不得包含用户名或密码。' };
  const loopbackAllowed = options.allowLoopbackHttp && options.isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(loopbackAllowed && url.protocol === 'http:')) {
    return { ok: false, reason: 'SCHEME', message: options.allowLoopbackHttp ? '须使用 https（本地环境可用回环地址的 http）。' : '须使用 https。' };
  }
  if (!loopbackAllowed && options.isPrivate(url.hostname)) {
    return { ok: false, reason: 'PRIVATE_ADDRESS', message: '不得指向内网、回环或链路本地地址：请使用可公开访问的地址。' };
  }
  return { ok: true, url: url.toString() };
}
