/**
 * Riders' sign-in in AWS by phone number and SMS code (issue 16; docs/security.md "Identity in AWS"): the
 * workers' user pool's custom auth flow, called straight from the phone (Cognito's hosted sign-in cannot run
 * a custom flow). Cognito's JSON API over fetch, no SDK: `InitiateAuth` (CUSTOM_AUTH) sends the code by SMS
 * (functions/identity/create-auth-challenge.ts), `RespondToAuthChallenge` answers it, `InitiateAuth`
 * (REFRESH_TOKEN_AUTH) renews the 5-minute access token. The phone number is sent to Cognito only.
 */
import type { WorkerAuth } from './config.ts';

type CognitoAnswer = {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: { AccessToken: string; RefreshToken?: string };
};

/** What Cognito's errors mean to a rider, in Chinese. */
const REFUSALS: Readonly<Record<string, string>> = {
  NotAuthorizedException: '验证码不正确或已失效，请重新获取验证码。',
  UserNotFoundException: '验证码不正确或已失效，请重新获取验证码。',
  CodeMismatchException: '验证码不正确，请重新输入。',
  ExpiredCodeException: '验证码已过期，请重新获取。',
  TooManyRequestsException: '操作过于频繁，请稍后再试。',
  LimitExceededException: '操作过于频繁，请稍后再试。',
  UserLambdaValidationException: '今天获取验证码的次数过多，请一小时后再试。',
};

export class WorkerSignInRefused extends Error {}

async function call(auth: WorkerAuth, target: 'InitiateAuth' | 'RespondToAuthChallenge', body: unknown, fetcher: typeof fetch): Promise<CognitoAnswer> {
  let response: Response;
  try {
    response = await fetcher(`https://cognito-idp.${auth.region}.amazonaws.com/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw new WorkerSignInRefused('网络错误：无法连接登录服务，请检查网络后重试。');
  }
  const answer = (await response.json().catch(() => ({}))) as CognitoAnswer & { __type?: string };
  if (!response.ok) {
    const type = (answer.__type ?? '').split('#').pop() ?? '';
    throw new WorkerSignInRefused(REFUSALS[type] ?? '登录失败，请稍后重试。');
  }
  return answer;
}

/** A mainland mobile number as the pool knows it: `+86` and 11 digits; undefined when it is not one. */
export function e164Mobile(typed: string): string | undefined {
  const digits = typed.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? `+86${digits}` : undefined;
}

export interface CodeSent {
  readonly phone: string;
  readonly session: string;
  /** The masked number the code went to (`139****5678`), as the challenge says. */
  readonly maskedPhone?: string;
}

/** Step 1: asks for a code for `phone` (sent by SMS). */
export async function requestCode(auth: WorkerAuth, phone: string, fetcher: typeof fetch = fetch): Promise<CodeSent> {
  const answer = await call(auth, 'InitiateAuth', { AuthFlow: 'CUSTOM_AUTH', ClientId: auth.clientId, AuthParameters: { USERNAME: phone } }, fetcher);
  if (answer.ChallengeName !== 'CUSTOM_CHALLENGE' || !answer.Session) throw new WorkerSignInRefused('登录失败，请稍后重试。');
  return { phone, session: answer.Session, ...(answer.ChallengeParameters?.destination ? { maskedPhone: answer.ChallengeParameters.destination } : {}) };
}

/**
 * Step 2: answers with the code. Tokens when right; a wrong code gives a new session for another try
 * (`retry`), until the pool's tries are used up (then refused).
 */
export async function answerCode(
  auth: WorkerAuth,
  sent: CodeSent,
  code: string,
  fetcher: typeof fetch = fetch,
): Promise<{ accessToken: string; refreshToken?: string } | { retry: CodeSent }> {
  const answer = await call(
    auth,
    'RespondToAuthChallenge',
    { ChallengeName: 'CUSTOM_CHALLENGE', ClientId: auth.clientId, Session: sent.session, ChallengeResponses: { USERNAME: sent.phone, ANSWER: code } },
    fetcher,
  );
  const result = answer.AuthenticationResult;
  if (result?.AccessToken) return { accessToken: result.AccessToken, ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}) };
  if (answer.ChallengeName === 'CUSTOM_CHALLENGE' && answer.Session) return { retry: { ...sent, session: answer.Session } };
  throw new WorkerSignInRefused('登录失败，请稍后重试。');
}

/** Renews a rider's access token with the refresh token (REFRESH_TOKEN_AUTH). */
export async function refreshWorkerToken(auth: WorkerAuth, refreshToken: string, fetcher: typeof fetch = fetch): Promise<string> {
  const answer = await call(
    auth,
    'InitiateAuth',
    { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: auth.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } },
    fetcher,
  );
  if (!answer.AuthenticationResult?.AccessToken) throw new WorkerSignInRefused('登录已失效，请重新登录。');
  return answer.AuthenticationResult.AccessToken;
}
