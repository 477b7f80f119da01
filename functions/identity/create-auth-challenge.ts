/**
 * Workers' sign-in, step 2 of 3: the code. The first challenge of a sign-in draws a random code
 * (SIGN_IN_CODE.digits digits, `crypto.randomInt`) and sends it by SMS to the user's verified phone number
 * through the project's SMS port (functions/_shared/sms.ts: SNS today, a Chinese provider as another
 * adapter); a retry after a wrong answer keeps the same code (no second SMS). The code and its expiry go
 * to Cognito as private challenge parameters (to verify-auth-challenge.ts), never to the client, never to a
 * log; the client sees the masked number only.
 *
 * For a user that does not exist (PreventUserExistenceErrors) nothing is sent and the challenge looks the same.
 *
 * At most SIGN_IN_CODE.maxPerUserPerHour codes per user and clock hour (SMS pumping: sign-ins started over and
 * over for one worker): one conditional UpdateItem on the idempotency table, `SIGNIN#{sub}#{hour}` (by `sub`,
 * never the phone), expiring with the table's TTL. Over the cap the sign-in fails with a Chinese message.
 */
import { randomInt } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { SIGN_IN_CODE } from '../../manifest/identity.ts';
import { config } from '../_shared/config.ts';
import { conditionFailed, ddb } from '../_shared/db.ts';
import { logger } from '../_shared/observability.ts';
import { smsSender } from '../_shared/sms.ts';

/** The SMS the worker reads (Chinese). Carries nothing personal. */
export const signInCodeMessage = (code: string): string =>
  `【职业伤害保障】您的登录验证码为${code}，${Math.round(SIGN_IN_CODE.ttlSeconds / 60)}分钟内有效。请勿将验证码告诉他人。`;

/** `13912345678` / `+8613912345678` → `139****5678` (the contract's mask). */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return digits.length === 11 ? `${digits.slice(0, 3)}****${digits.slice(7)}` : '****';
};

const CODE_PREFIX = 'CODE-';
const HOUR_SECONDS = 3600;

class TooManyCodes extends Error {
  override readonly name = 'TooManyCodes';
  constructor() {
    super('验证码发送过于频繁，请一小时后再试。');
  }
}

/** Counts one code for `sub` in this clock hour; TooManyCodes once the hour holds the cap. */
const countCode = async (sub: string, now: number): Promise<void> => {
  const hour = Math.floor(now / 1000 / HOUR_SECONDS);
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: config.tables.idempotency,
        Key: { id: `SIGNIN#${sub}#${hour}` },
        UpdateExpression: 'ADD n :one SET expiration = if_not_exists(expiration, :exp)',
        ConditionExpression: 'attribute_not_exists(n) OR n < :cap',
        ExpressionAttributeValues: { ':one': 1, ':cap': SIGN_IN_CODE.maxPerUserPerHour, ':exp': (hour + 2) * HOUR_SECONDS },
      }),
    );
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    logger.warn('Sign-in code refused: hourly cap reached', { sub });
    throw new TooManyCodes();
  }
};

const newCode = (): string => String(randomInt(0, 10 ** SIGN_IN_CODE.digits)).padStart(SIGN_IN_CODE.digits, '0');

export const createChallenge = async (event: CreateAuthChallengeTriggerEvent, now: () => number): Promise<CreateAuthChallengeTriggerEvent> => {
  const phone = event.request.userAttributes?.phone_number;
  const sub = event.request.userAttributes?.sub;
  const previous = [...(event.request.session ?? [])].reverse().find((result) => result.challengeMetadata?.startsWith(CODE_PREFIX));
  let code: string;
  let expiresAt: number;
  if (previous?.challengeMetadata) {
    // `CODE-{expiresAt}-{code}`: the same code for the retries of one sign-in.
    const [, at, kept] = previous.challengeMetadata.split('-');
    code = kept ?? newCode();
    expiresAt = Number(at);
  } else {
    code = newCode();
    expiresAt = now() + SIGN_IN_CODE.ttlSeconds * 1000;
    if (!event.request.userNotFound && phone && sub) {
      await countCode(sub, now());
      await smsSender().send(phone, signInCodeMessage(code));
      logger.info('Sign-in code sent', { sub });
    }
  }
  event.response.publicChallengeParameters = { channel: 'SMS', destination: phone ? maskPhone(phone) : '****' };
  event.response.privateChallengeParameters = { code, expiresAt: String(expiresAt) };
  event.response.challengeMetadata = `${CODE_PREFIX}${expiresAt}-${code}`;
  return event;
};

/** The Lambda entry (Lambda's second argument is its context, not a clock). */
export const handler = (event: CreateAuthChallengeTriggerEvent): Promise<CreateAuthChallengeTriggerEvent> => createChallenge(event, Date.now);
