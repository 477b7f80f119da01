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

const ipv4 = (host: string): number[] | undefined => {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
};

/** Loopback: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return ipv4(h)?.[0] === 127;
}

/**
 * A host that names a private, loopback, link-local or otherwise non-public address (RFC 1918, RFC 6598,
 * 127/8, 169.254/16, 0/8, ::1, fc00::/7, fe80::/10, IPv4-mapped IPv6 of those), or a name that only
 * resolves inside a network (`localhost`, `*.internal`, `*.local`). Public names are checked again after DNS
 * resolution by the sender.
 */
export function isPrivateAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopback(h) || h.endsWith('.internal') || h.endsWith('.local') || (!h.includes('.') && !h.includes(':'))) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  const v4 = ipv4(mapped ? mapped[1]! : h);
  if (v4) {
    const [a, b] = v4 as [number, number, number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (h.includes(':')) return h === '::' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
  return false;
}

export type WebhookUrlCheck =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly reason: 'NOT_A_URL' | 'CREDENTIALS' | 'SCHEME' | 'PRIVATE_ADDRESS'; readonly message: string };

/**
 * A receiver URL a platform may register (contract, v2 clarifications): absolute; no user information;
 * `https` to a public address — or, where `allowLoopbackHttp` (locally), `http`/`https` on a loopback address.
 */
export function checkWebhookUrl(value: string, options: { readonly allowLoopbackHttp: boolean }): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'NOT_A_URL', message: '须为完整的 URL（如 https://hooks.example.com/claims）。' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'CREDENTIALS', message: 'URL 不得包含用户名或密码。' };
  const loopbackAllowed = options.allowLoopbackHttp && isLoopback(url.hostname);
  if (url.protocol !== 'https:' && !(loopbackAllowed && url.protocol === 'http:')) {
    return { ok: false, reason: 'SCHEME', message: options.allowLoopbackHttp ? '须使用 https（本地环境可用回环地址的 http）。' : '须使用 https。' };
  }
  if (!loopbackAllowed && isPrivateAddress(url.hostname)) {
    return { ok: false, reason: 'PRIVATE_ADDRESS', message: '不得指向内网、回环或链路本地地址：请使用可公开访问的地址。' };
  }
  return { ok: true, url: url.toString() };
}
