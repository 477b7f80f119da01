/**
 * Riders' sign-in in AWS by phone number and SMS code (issue 16), in chromium on a 375 px phone. The console
 * runs as deployed (`/config.json` with the hosted sign-in and the workers' pool) against the local API; the
 * workers' pool itself is played by the test at the network layer (Cognito's JSON API: InitiateAuth
 * CUSTOM_AUTH → the code's challenge; RespondToAuthChallenge → another try on a wrong code, tokens on the
 * right one). The access token it hands out is a local token for the rider, so the rider's pages then work
 * against the local API. The page's CSP gets the Cognito endpoint the stack's CSP names in AWS
 * (lib/stacks/stateless-stack.ts connect-src).
 */
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { registerWorker, setUpWorld, type World } from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { launch } from './browser.ts';
import { checkedPhone, openPhone } from './rider-helpers.ts';

const COGNITO = 'https://cognito-idp.cn-north-1.amazonaws.com/';
const CODE = '246810';

let stack: TestStack;
let world: World;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 })] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a rider signs in with the phone number and an SMS code (AWS)', () => {
  it('asks for a code, is told in Chinese when it is wrong, signs in with the right one and sees their cases', async () => {
    const worker = await registerWorker(world);
    const accessToken = await stack.token({ role: 'worker', sub: `worker-sub-${worker.workerId}`, workerId: worker.workerId });
    const w = await openPhone(browser, stack.url);
    const { page } = w;
    const calls: { target: string; body: Record<string, any> }[] = [];

    await page.route('**/config.json', (route) =>
      route.fulfill({
        json: {
          stage: 'test',
          apiUrl: stack.url,
          auth: {
            domain: 'https://claims.auth.cn-north-1.amazoncognito.com',
            clientId: 'staff-app',
            scopes: ['openid'],
            redirectUris: [`${stack.url}/callback`],
          },
          workerAuth: { region: 'cn-north-1', clientId: 'worker-app' },
        },
      }),
    );
    // The page as deployed: its CSP lets it reach the region's Cognito endpoint.
    await page.route(`${stack.url}/sign-in`, async (route: Route) => {
      const response = await route.fetch();
      const headers = response.headers();
      headers['content-security-policy'] = (headers['content-security-policy'] ?? '').replace(
        "connect-src 'self'",
        `connect-src 'self' ${COGNITO.slice(0, -1)}`,
      );
      await route.fulfill({ response, headers });
    });
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, x-amz-target', 'access-control-allow-methods': 'POST' };
    await page.route(COGNITO, async (route: Route) => {
      if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      const target = String(route.request().headers()['x-amz-target']).split('.').pop()!;
      const body = route.request().postDataJSON() as Record<string, any>;
      calls.push({ target, body });
      const json =
        target === 'InitiateAuth'
          ? { ChallengeName: 'CUSTOM_CHALLENGE', Session: 'session-1', ChallengeParameters: { channel: 'SMS', destination: '138****8000' } }
          : body.ChallengeResponses.ANSWER === CODE
            ? { AuthenticationResult: { AccessToken: accessToken, RefreshToken: 'refresh-1', ExpiresIn: 300, TokenType: 'Bearer' } }
            : { ChallengeName: 'CUSTOM_CHALLENGE', Session: 'session-2', ChallengeParameters: { channel: 'SMS', destination: '138****8000' } };
      return route.fulfill({ status: 200, headers: { ...cors, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(json) });
    });

    await page.goto('/sign-in');
    const card = page.locator('form[id="phone-sign-in"], form[name="phone-sign-in"]').first();
    await page.getByRole('heading', { name: '骑手登录（手机验证码）' }).waitFor();
    // Not a mobile number: said under the field, nothing sent.
    await page.getByLabel('手机号码').fill('12345');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await card.getByText('请输入 11 位手机号码').waitFor();
    expect(calls).toEqual([]);
    await page.getByLabel('手机号码').fill('138 0013 8000');
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('验证码已发送至 138****8000').waitFor();
    // The number is now right: its error is gone.
    await card.getByText('请输入 11 位手机号码').waitFor({ state: 'detached' });
    expect(calls[0]).toEqual({
      target: 'InitiateAuth',
      body: { AuthFlow: 'CUSTOM_AUTH', ClientId: 'worker-app', AuthParameters: { USERNAME: '+8613800138000' } },
    });
    await checkedPhone(w, '00-phone-sign-in');

    // A wrong code: another try, said in Chinese next to the field.
    await page.getByLabel('短信验证码').fill('111111');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await card.getByText('验证码不正确，请重新输入').waitFor();
    await page.getByLabel('短信验证码').fill(CODE);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '我的案件' }).waitFor();
    expect(calls.map((c) => c.target)).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
    expect(calls[2]!.body).toMatchObject({ Session: 'session-2', ChallengeResponses: { USERNAME: '+8613800138000', ANSWER: CODE } });
    // Signed in as that rider: the session holds the token (and the refresh token for its renewal), the API answers it.
    const stored = await page.evaluate(() => {
      const s = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
      return { token: s.getItem('console.session'), refresh: s.getItem('console.refresh') };
    });
    expect(stored).toEqual({ token: accessToken, refresh: 'refresh-1' });
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '消息' }).click();
    await page.getByRole('heading', { level: 1, name: '消息' }).waitFor();
    await checkedPhone(w, '00-phone-signed-in');
    await w.close();
  });
});
