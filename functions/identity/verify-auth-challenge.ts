/**
 * Workers' sign-in, step 3 of 3: the answer. Right when it equals the code (constant-time comparison) and
 * the code has not expired. The code and the answer are never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';

const sameCode = (answer: string, code: string): boolean => {
  const a = Buffer.from(answer.trim());
  const b = Buffer.from(code);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const verifyAnswer = (event: VerifyAuthChallengeResponseTriggerEvent, now: () => number): VerifyAuthChallengeResponseTriggerEvent => {
  const { code, expiresAt } = event.request.privateChallengeParameters ?? {};
  const answer = event.request.challengeAnswer;
  event.response.answerCorrect =
    !event.request.userNotFound && typeof code === 'string' && code !== '' && typeof answer === 'string' && Number(expiresAt) > now() && sameCode(answer, code);
  return event;
};

/** The Lambda entry (Lambda's second argument is its context, not a clock). */
export const handler = async (event: VerifyAuthChallengeResponseTriggerEvent): Promise<VerifyAuthChallengeResponseTriggerEvent> =>
  verifyAnswer(event, Date.now);
