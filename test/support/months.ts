/**
 * D19: every month is CLOSED from 00:00 Asia/Shanghai after its `closesOn` (day `contributionDueDay`, 15, of
 * the following month) and refuses new orders (MONTH_CLOSED). A test that sends orders of fixed past months
 * (e.g. August 2025, for dates it can assert on) first reopens them as an administrator would for a late
 * declaration (补报): `POST /v1/platforms/{platformId}/declarations/{month}/reopening` with a reason.
 */

/** Any client of the HTTP API (the test stack, a world's, a fetch client) and its kind of token. */
type Api<Token> = (method: string, path: string, options: { token: Token; body: unknown }) => Promise<{ status: number; body: any; text?: string }>;

/** The reason recorded on the reopening's audit record. */
const TEST_REOPEN_REASON = '测试补报：发送该月的历史订单';

/** Reopens each of `months` of the platform (each must be CLOSED: a month not yet closed answers 409). */
export const reopenMonths = async <Token>(api: Api<Token>, adminToken: Token, platformId: string, months: readonly string[]): Promise<void> => {
  for (const month of new Set(months)) {
    const res = await api('POST', `/v1/platforms/${platformId}/declarations/${month}/reopening`, { token: adminToken, body: { reason: TEST_REOPEN_REASON } });
    if (res.status !== 200 || res.body?.status !== 'REOPENED')
      throw new Error(`reopening ${platformId} ${month}: ${res.status} ${res.text ?? JSON.stringify(res.body)}`);
  }
};

/**
 * Makes sure the platform's `month` takes new orders: an administrator reopens it if it is CLOSED; a month
 * still OPEN, or already REOPENED, answers 409 MONTH_NOT_CLOSED and is left as it is. For fixtures whose
 * dates are relative to now and may fall in last month, which is open only until the 15th of this one.
 */
export const ensureMonthTakesOrders = async <Token>(api: Api<Token>, adminToken: Token, platformId: string, month: string): Promise<void> => {
  const res = await api('POST', `/v1/platforms/${platformId}/declarations/${month}/reopening`, { token: adminToken, body: { reason: TEST_REOPEN_REASON } });
  if (res.status === 200 && res.body?.status === 'REOPENED') return;
  if (res.status === 409 && res.body?.code === 'MONTH_NOT_CLOSED') return;
  throw new Error(`reopening ${platformId} ${month}: ${res.status} ${res.text ?? JSON.stringify(res.body)}`);
};
