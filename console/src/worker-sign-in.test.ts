/** Riders' sign-in by phone and SMS code against the workers' pool (auth/worker-sign-in.ts), over a fake Cognito. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './auth/config.ts';
import { answerCode, e164Mobile, refreshWorkerToken, requestCode, WorkerSignInRefused } from './auth/worker-sign-in.ts';

const auth = { region: 'cn-north-1', clientId: 'worker-app' };

type Sent = { AuthFlow?: string; ChallengeName?: string; ChallengeResponses?: { ANSWER?: string } } & Record<string, unknown>;

/** A fake Cognito JSON API: answers by target, records what it was sent. */
function cognito(answers: Record<string, (body: Sent) => { status?: number; body: unknown }>) {
  const sent: { url: string; target: string; body: Sent }[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    const target = String((init.headers as Record<string, string>)['x-amz-target'])
      .split('.')
      .pop()!;
    const body = JSON.parse(String(init.body)) as Sent;
    sent.push({ url, target, body });
    const answer = answers[`${target}:${body.AuthFlow ?? body.ChallengeName}`]!(body);
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  }) as typeof fetch;
  return { sent, fetcher };
}

describe('riders sign in with their phone number and an SMS code', () => {
  it('takes a mainland mobile number in the usual ways, as +86 and 11 digits', () => {
    expect(e164Mobile('138 0013 8000')).toBe('+8613800138000');
    expect(e164Mobile('+86 13800138000')).toBe('+8613800138000');
    expect(e164Mobile('8613800138000')).toBe('+8613800138000');
    expect(e164Mobile('12800138000')).toBeUndefined();
    expect(e164Mobile('1380013800')).toBeUndefined();
  });

  it('asks the workers’ pool for a code (custom auth), then answers it: tokens on the right code', async () => {
    const { sent, fetcher } = cognito({
      'InitiateAuth:CUSTOM_AUTH': () => ({
        body: { ChallengeName: 'CUSTOM_CHALLENGE', Session: 's1', ChallengeParameters: { channel: 'SMS', destination: '138****8000' } },
      }),
      'RespondToAuthChallenge:CUSTOM_CHALLENGE': (b) =>
        b.ChallengeResponses?.ANSWER === '123456'
          ? { body: { AuthenticationResult: { AccessToken: 'at', RefreshToken: 'rt' } } }
          : { body: { ChallengeName: 'CUSTOM_CHALLENGE', Session: 's2', ChallengeParameters: {} } },
    });
    const code = await requestCode(auth, '+8613800138000', fetcher);
    expect(code).toEqual({ phone: '+8613800138000', session: 's1', maskedPhone: '138****8000' });
    expect(sent[0]).toMatchObject({
      url: 'https://cognito-idp.cn-north-1.amazonaws.com/',
      target: 'InitiateAuth',
      body: { AuthFlow: 'CUSTOM_AUTH', ClientId: 'worker-app', AuthParameters: { USERNAME: '+8613800138000' } },
    });
    // A wrong code: another try with the new session.
    const wrong = await answerCode(auth, code, '000000', fetcher);
    expect(wrong).toEqual({ retry: { ...code, session: 's2' } });
    expect(await answerCode(auth, (wrong as { retry: typeof code }).retry, '123456', fetcher)).toEqual({ accessToken: 'at', refreshToken: 'rt' });
    expect(sent[2]!.body).toEqual({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ClientId: 'worker-app',
      Session: 's2',
      ChallengeResponses: { USERNAME: '+8613800138000', ANSWER: '123456' },
    });
  });

  it('says in Chinese why Cognito refused (tries used up, too many codes), never in its English', async () => {
    const refusing = (type: string) =>
      cognito({
        'RespondToAuthChallenge:CUSTOM_CHALLENGE': () => ({
          status: 400,
          body: { __type: `com.amazonaws#${type}`, message: 'Incorrect username or password.' },
        }),
        'InitiateAuth:CUSTOM_AUTH': () => ({ status: 400, body: { __type: type, message: 'x' } }),
      }).fetcher;
    const sent = { phone: '+8613800138000', session: 's' };
    await expect(answerCode(auth, sent, '000000', refusing('NotAuthorizedException'))).rejects.toThrow('验证码不正确或已失效，请重新获取验证码。');
    await expect(requestCode(auth, '+8613800138000', refusing('UserLambdaValidationException'))).rejects.toThrow('一小时后再试');
    await expect(requestCode(auth, '+8613800138000', refusing('SomethingNew'))).rejects.toBeInstanceOf(WorkerSignInRefused);
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(requestCode(auth, '+8613800138000', offline)).rejects.toThrow('网络错误');
  });

  it('renews the access token with the refresh token (REFRESH_TOKEN_AUTH)', async () => {
    const { sent, fetcher } = cognito({ 'InitiateAuth:REFRESH_TOKEN_AUTH': () => ({ body: { AuthenticationResult: { AccessToken: 'at-2' } } }) });
    expect(await refreshWorkerToken(auth, 'rt', fetcher)).toBe('at-2');
    expect(sent[0]!.body).toEqual({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: 'worker-app', AuthParameters: { REFRESH_TOKEN: 'rt' } });
  });

  it('reads the workers’ pool from config.json, and ignores a malformed one', () => {
    const deployed = {
      apiUrl: 'https://api.example.cn',
      auth: {
        domain: 'https://claims.auth.cn-north-1.amazoncognito.com',
        clientId: 'app1',
        scopes: ['openid'],
        redirectUris: ['https://c.example.cn/callback'],
      },
    };
    expect(parseConfig({ ...deployed, workerAuth: auth }, 'https://c.example.cn').workerAuth).toEqual(auth);
    expect(parseConfig({ ...deployed, workerAuth: { region: 'evil.example.com/', clientId: 'x' } }, 'https://c.example.cn').workerAuth).toBeUndefined();
    expect(parseConfig({ ...deployed }, 'https://c.example.cn').workerAuth).toBeUndefined();
  });
});
