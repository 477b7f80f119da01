/**
 * Workers' sign-in by phone number and SMS code (custom auth flow), step 1 of 3: the sequence.
 * One CUSTOM_CHALLENGE (the code, create-auth-challenge.ts) answered right → tokens; up to
 * SIGN_IN_CODE.maxAttempts wrong answers → fail. Anything else (another challenge kind, an unknown user,
 * a user without a phone) fails. Cognito's session of the flow expires on its own (the app client's
 * `authSessionValidity`, 5 minutes).
 */
import type { DefineAuthChallengeTriggerEvent } from 'aws-lambda';
import { SIGN_IN_CODE } from '../../manifest/identity.ts';

export const handler = async (event: DefineAuthChallengeTriggerEvent): Promise<DefineAuthChallengeTriggerEvent> => {
  const session = event.request.session ?? [];
  const fail = () => {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
    return event;
  };
  if (event.request.userNotFound || !event.request.userAttributes?.phone_number) {
    // Keep the answer the same as for a user who exists until the first answer (no user enumeration).
    if (session.length === 0) return challenge(event);
    return fail();
  }
  if (session.some((result) => result.challengeName !== 'CUSTOM_CHALLENGE')) return fail();
  const last = session.at(-1);
  if (last?.challengeResult === true) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
    return event;
  }
  if (session.length >= SIGN_IN_CODE.maxAttempts) return fail();
  return challenge(event);
};

const challenge = (event: DefineAuthChallengeTriggerEvent): DefineAuthChallengeTriggerEvent => {
  event.response.challengeName = 'CUSTOM_CHALLENGE';
  event.response.issueTokens = false;
  event.response.failAuthentication = false;
  return event;
};
