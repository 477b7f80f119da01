/** The console's pure parts: money and dates as shown, the queue's order, problems mapped to fields, session and PKCE. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { namePath, splitProblem } from './api/problem.ts';
import { loadConfig, parseConfig } from './auth/config.ts';
import { authorizeUrl, challengeOf, completeSignIn, exchangeCode, randomVerifier, refreshAccessToken } from './auth/pkce.ts';
import { claimsOf, clearSession, freshSession, loadSession, saveSession } from './auth/session.ts';
import { dateTime, shanghaiToday, yuan } from './format.ts';
import { fenOf } from './money.ts';
import { isOverdue, nearestDeadline, sortByDeadline } from './queue.ts';

class MemoryStorage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}
const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
const cognito = {
  mode: 'cognito' as const,
  domain: 'https://claims.auth.cn-north-1.amazoncognito.com/',
  clientId: 'app1',
  redirectUri: 'https://console.example.cn/callback',
  scopes: ['openid', 'email'],
};

describe('money and dates', () => {
  it('shows integer fen as 元 with two decimals and thousands separators, without floats', () => {
    expect(yuan(0)).toBe('0.00');
    expect(yuan(5)).toBe('0.05');
    expect(yuan(123_456_789)).toBe('1,234,567.89');
    expect(yuan(-80_000)).toBe('-800.00');
    expect(yuan(9_007_199_254_740_991)).toBe('90,071,992,547,409.91');
    expect(yuan(1.5)).toBe('—');
  });
  it('reads 元 as typed into integer fen from the digits', () => {
    expect(fenOf('800')).toBe(80_000);
    expect(fenOf('0.1')).toBe(10);
    expect(fenOf('19.99')).toBe(1999);
    expect(fenOf('1.005')).toBeUndefined();
    expect(fenOf('-1')).toBeUndefined();
    expect(fenOf('')).toBeUndefined();
  });
  it('shows instants in Asia/Shanghai whatever the machine zone', () => {
    expect(dateTime('2026-01-31T16:30:00Z')).toBe('2026/02/01 00:30');
    expect(shanghaiToday(new Date('2026-01-31T16:30:00Z'))).toBe('2026-02-01');
  });
});

describe('the work queue order', () => {
  const item = (caseId: string, status: string, deadlines: Record<string, { date: string; provisional: boolean }>) => ({ caseId, status, deadlines });
  it('sorts by the deadline running for the step, overdue first, cases without one last', () => {
    const items = [
      item('c-paid', 'AWAITING_APPROVAL', { applicationDue: { date: '2026-01-01', provisional: false } }),
      item('c-late', 'UNDER_REVIEW', {
        applicationDue: { date: '2026-01-01', provisional: false },
        confirmationDue: { date: '2026-02-01', provisional: false },
      }),
      item('c-soon', 'AWAITING_ASSESSMENT', {
        confirmationDue: { date: '2026-01-15', provisional: false },
        assessmentDue: { date: '2026-03-01', provisional: true },
      }),
    ];
    expect(sortByDeadline(items).map((i) => i.caseId)).toEqual(['c-late', 'c-soon', 'c-paid']);
    expect(nearestDeadline(items[2]!)).toEqual({ name: 'assessmentDue', date: '2026-03-01', provisional: true });
    expect(nearestDeadline(items[0]!)).toBeUndefined();
    expect(isOverdue(nearestDeadline(items[1]!), '2026-02-02')).toBe(true);
    expect(isOverdue(nearestDeadline(items[1]!), '2026-02-01')).toBe(false);
  });
});

describe('problems shown next to their fields', () => {
  const problem = {
    type: 'x',
    code: 'VALIDATION_FAILED',
    title: '请求参数无效',
    title_en: 'Validation failed',
    status: 400,
    detail: '请求未通过校验。',
    detail_en: '',
    errors: [
      { path: 'basis', message: '依据不属于该结论。' },
      { path: 'items.0.amountFen', message: '金额须为非负整数。' },
      { path: 'documents.MEDICAL_DIAGNOSIS', message: '缺少诊断证明。' },
    ],
  };
  it('puts each error on the field its path names, and the rest in the message', () => {
    const { fieldErrors, text } = splitProblem(problem, ['basis', 'items']);
    expect(fieldErrors).toEqual([
      { name: ['basis'], errors: ['依据不属于该结论。'] },
      { name: ['items', 0, 'amountFen'], errors: ['金额须为非负整数。'] },
    ]);
    expect(text).toBe('请求未通过校验。 缺少诊断证明。');
    expect(namePath('orders.3.acceptedAt')).toEqual(['orders', 3, 'acceptedAt']);
  });
});

describe('the session', () => {
  it('keeps a token with its claims and forgets an expired one', () => {
    const storage = new MemoryStorage();
    const token = jwt({ sub: 'handler-1', role: 'handler', provinces: ['110000'] });
    expect(saveSession(token, storage)?.claims.role).toBe('handler');
    expect(loadSession(storage)?.claims.provinces).toEqual(['110000']);
    saveSession(jwt({ sub: 'a', role: 'admin', exp: 1 }), storage);
    expect(loadSession(storage)).toBeUndefined();
    expect(claimsOf('not-a-jwt')).toBeUndefined();
    expect(claimsOf(jwt({ sub: 'u', 'cognito:groups': ['reviewer'] }))?.role).toBe('reviewer');
  });
});

describe('renewing the 5-minute access token (Cognito)', () => {
  const NOW = 1_800_000_000_000;
  const expiringIn = (seconds: number, sub = 'handler-1') => jwt({ sub, role: 'handler', exp: Math.floor(NOW / 1000) + seconds });

  it('renews a token within a minute of its expiry with the refresh token, once for requests made together', async () => {
    const storage = new MemoryStorage();
    saveSession(expiringIn(30), storage, 'rt-1');
    const asked: string[] = [];
    const refresh = async (rt: string) => {
      asked.push(rt);
      return expiringIn(300, 'handler-1-renewed');
    };
    const [a, b] = await Promise.all([freshSession(refresh, storage, NOW), freshSession(refresh, storage, NOW)]);
    expect(asked).toEqual(['rt-1']);
    expect(a?.claims.sub).toBe('handler-1-renewed');
    expect(b?.claims.sub).toBe('handler-1-renewed');
    expect(loadSession(storage)?.claims.sub).toBe('handler-1-renewed');
  });

  it('leaves a token with time left, a session without a refresh token, and keeps the token when the renewal is refused', async () => {
    const storage = new MemoryStorage();
    const never = async () => {
      throw new Error('not asked');
    };
    saveSession(expiringIn(600), storage, 'rt-1');
    expect((await freshSession(never, storage, NOW))?.claims.exp).toBe(Math.floor(NOW / 1000) + 600);
    clearSession(storage);
    saveSession(expiringIn(30), storage);
    expect((await freshSession(never, storage, NOW))?.claims.sub).toBe('handler-1');
    saveSession(expiringIn(30), storage, 'rt-revoked');
    const refused = async () => {
      throw new Error('token endpoint answered 400');
    };
    expect((await freshSession(refused, storage, NOW))?.claims.sub).toBe('handler-1');
    expect(await freshSession(undefined, storage, NOW)).toMatchObject({ claims: { sub: 'handler-1' } });
  });

  it("asks the token endpoint with grant refresh_token for the console's client", async () => {
    const sent: string[] = [];
    const fetcher = (async (_url: string, init: RequestInit) => {
      sent.push(String(init.body));
      return new Response(JSON.stringify({ access_token: 'at-2' }), { status: 200 });
    }) as typeof fetch;
    expect(await refreshAccessToken(cognito, 'rt-1', fetcher)).toBe('at-2');
    expect(Object.fromEntries(new URLSearchParams(sent[0]))).toEqual({ grant_type: 'refresh_token', client_id: 'app1', refresh_token: 'rt-1' });
    await expect(refreshAccessToken(cognito, 'rt-1', (async () => new Response('{}', { status: 400 })) as typeof fetch)).rejects.toThrow('400');
  });
});

describe('sign-in with code + PKCE', () => {
  it('derives the S256 challenge of the verifier (RFC 7636)', async () => {
    const verifier = randomVerifier();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await challengeOf(verifier)).toBe(createHash('sha256').update(verifier).digest('base64url'));
  });
  it('sends the person to the hosted UI with the challenge and state', () => {
    const url = new URL(authorizeUrl(cognito, 'st', 'ch'));
    expect(url.origin + url.pathname).toBe('https://claims.auth.cn-north-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'app1',
      redirect_uri: 'https://console.example.cn/callback',
      scope: 'openid email',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });
  it('exchanges the code with the verifier, once, and only for the state it sent', async () => {
    const storage = new MemoryStorage();
    storage.setItem('console.pkce', JSON.stringify({ verifier: 'v1', state: 's1' }));
    const sent: { url: string; body: string }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      sent.push({ url, body: String(init.body) });
      return new Response(JSON.stringify({ access_token: 'at', refresh_token: 'rt' }), { status: 200 });
    }) as typeof fetch;
    expect(await completeSignIn(cognito, '?code=c1&state=s1', storage, fetcher)).toEqual({ accessToken: 'at', refreshToken: 'rt' });
    expect(sent[0]?.url).toBe('https://claims.auth.cn-north-1.amazoncognito.com/oauth2/token');
    expect(Object.fromEntries(new URLSearchParams(sent[0]?.body))).toMatchObject({ grant_type: 'authorization_code', code: 'c1', code_verifier: 'v1' });
    await expect(completeSignIn(cognito, '?code=c1&state=s1', storage, fetcher)).rejects.toThrow('登录回调无效');
    storage.setItem('console.pkce', JSON.stringify({ verifier: 'v1', state: 's1' }));
    await expect(completeSignIn(cognito, '?code=c1&state=forged', storage, fetcher)).rejects.toThrow('登录回调无效');
    const refused = (async () => new Response('{}', { status: 400 })) as typeof fetch;
    await expect(exchangeCode(cognito, 'c', 'v', refused)).rejects.toThrow('400');
  });
});

describe('the runtime configuration (/config.json as the stack writes it)', () => {
  const deployed = {
    stage: 'prod',
    apiUrl: 'https://a1b2c3.execute-api.cn-north-1.amazonaws.com.cn',
    auth: {
      domain: 'https://claims.auth.cn-north-1.amazoncognito.com',
      clientId: 'app1',
      scopes: ['openid', 'email'],
      redirectUris: ['https://d111.cloudfront.net/callback', 'https://console.example.cn/callback'],
      logoutUris: ['https://d111.cloudfront.net/', 'https://console.example.cn/'],
    },
  };

  it("signs in through Cognito with the callback on the console's own origin", () => {
    expect(parseConfig(deployed, 'https://console.example.cn')).toEqual({
      apiUrl: deployed.apiUrl,
      auth: {
        mode: 'cognito',
        domain: deployed.auth.domain,
        clientId: 'app1',
        redirectUri: 'https://console.example.cn/callback',
        scopes: ['openid', 'email'],
      },
    });
    expect(parseConfig(deployed, 'https://elsewhere.example.cn').auth).toMatchObject({ redirectUri: 'https://d111.cloudfront.net/callback' });
  });

  it('is the development sign-in without a deployed configuration', async () => {
    expect(parseConfig({ auth: { mode: 'local' } }, 'http://127.0.0.1:3000')).toEqual({ auth: { mode: 'local' } });
    expect(parseConfig(null, 'x')).toEqual({ auth: { mode: 'local' } });
    expect(parseConfig({ auth: { ...deployed.auth, redirectUris: [] } }, 'x')).toEqual({ auth: { mode: 'local' } });
    const missing = (async () => new Response('not found', { status: 404 })) as unknown as typeof fetch;
    expect(await loadConfig(missing, 'x')).toEqual({ auth: { mode: 'local' } });
    const served = (async () => new Response(JSON.stringify(deployed), { status: 200 })) as unknown as typeof fetch;
    expect((await loadConfig(served, 'https://d111.cloudfront.net')).auth).toMatchObject({
      mode: 'cognito',
      redirectUri: 'https://d111.cloudfront.net/callback',
    });
  });
});
