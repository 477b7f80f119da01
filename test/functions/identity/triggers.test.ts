/**
 * The user pools' Lambda triggers (functions/identity), with events shaped as Cognito sends them: the
 * pre-token-generation trigger's V2 event (groups to override, user attributes) and the custom auth flow
 * of the workers' pool (Define / Create / Verify Auth Challenge), the SMS going out through the SNS adapter
 * of the SMS port (aws-sdk-client-mock). Nothing personal (phone, code) may reach a log line.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  CreateAuthChallengeTriggerEvent,
  DefineAuthChallengeTriggerEvent,
  PreTokenGenerationV2TriggerEvent,
  VerifyAuthChallengeResponseTriggerEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIGN_IN_CODE } from '../../../manifest/identity.ts';

vi.hoisted(() => {
  process.env.SMS_SENDER = 'sns';
  process.env.IDEMPOTENCY_TABLE = 'idempotency';
  // Every line, so that the scan for the code and the phone sees what the triggers log.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const { handler: preToken } = await import('../../../functions/identity/pre-token.ts');
const { handler: define } = await import('../../../functions/identity/define-auth-challenge.ts');
const { createChallenge, maskPhone, signInCodeMessage } = await import('../../../functions/identity/create-auth-challenge.ts');
const { verifyAnswer } = await import('../../../functions/identity/verify-auth-challenge.ts');

const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBDocumentClient);
const PHONE = '+8613912345678';
let lines: string[] = [];
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  ddb.reset();
  ddb.on(UpdateCommand).resolves({});
  lines = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
});
afterEach(() => vi.restoreAllMocks());

const common = { version: '1', region: 'cn-north-1', userPoolId: 'cn-north-1_pool', userName: 'u-1', callerContext: { awsSdkVersion: 'x', clientId: 'app' } };

/** A V2 pre-token-generation event as Cognito sends it at sign-in. */
const preTokenEvent = (groups: string[], attributes: Record<string, string>): PreTokenGenerationV2TriggerEvent =>
  ({
    ...common,
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    request: {
      userAttributes: { sub: 'sub-1', ...attributes },
      groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  }) as unknown as PreTokenGenerationV2TriggerEvent;

describe('pre-token generation (V2): the contract claims into the access token', () => {
  it("adds a staff member's role and provinces (as an array) to the access token and the ID token", async () => {
    const out = await preToken(preTokenEvent(['handler'], { 'custom:provinces': '110000, 310000' }));

    const details = out.response.claimsAndScopeOverrideDetails!;
    expect(details.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'handler', provinces: ['110000', '310000'] });
    expect(details.idTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'handler', provinces: ['110000', '310000'] });
  });

  it('gives an administrator without provinces no provinces claim (the first administrator has none)', async () => {
    const out = await preToken(preTokenEvent(['admin'], {}));

    expect(out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'admin' });
  });

  it('gives finance its provinces and a worker its workerId (and no provinces)', async () => {
    const finance = await preToken(preTokenEvent(['finance'], { 'custom:provinces': '440000' }));
    const worker = await preToken(preTokenEvent(['worker'], { 'custom:workerId': 'wkr_1', phone_number: PHONE }));

    expect(finance.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'finance', provinces: ['440000'] });
    expect(worker.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'worker', workerId: 'wkr_1' });
    expect(lines.join('')).not.toContain('13912345678');
  });

  it('refuses the sign-in without exactly one role group, with malformed provinces, or a worker without a workerId', async () => {
    const refused = [
      preTokenEvent([], { 'custom:provinces': '110000' }),
      preTokenEvent(['some-other-group'], {}),
      preTokenEvent(['handler', 'reviewer'], { 'custom:provinces': '110000' }),
      preTokenEvent(['admin'], { 'custom:provinces': '11000' }),
      preTokenEvent(['handler'], { 'custom:provinces': '110000,beijing' }),
      preTokenEvent(['worker'], {}),
      preTokenEvent(['worker'], { 'custom:workerId': 'bad id with spaces' }),
    ];
    for (const event of refused) await expect(preToken(event)).rejects.toMatchObject({ name: 'SignInRefused', message: expect.stringMatching(/角色/) });
  });
});

const session = (...results: { correct: boolean; metadata?: string }[]) =>
  results.map((r) => ({ challengeName: 'CUSTOM_CHALLENGE' as const, challengeResult: r.correct, ...(r.metadata ? { challengeMetadata: r.metadata } : {}) }));

const defineEvent = (results: ReturnType<typeof session>, attributes: Record<string, string> = { phone_number: PHONE }, userNotFound = false) =>
  ({
    ...common,
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { userAttributes: attributes, session: results, userNotFound },
    response: {},
  }) as unknown as DefineAuthChallengeTriggerEvent;

describe("workers' sign-in: Define Auth Challenge", () => {
  it('asks for the SMS code first, issues tokens after a right answer', async () => {
    expect((await define(defineEvent([]))).response).toEqual({ challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false });
    expect((await define(defineEvent(session({ correct: true })))).response).toMatchObject({ issueTokens: true, failAuthentication: false });
  });

  it(`asks again after a wrong answer, fails after ${SIGN_IN_CODE.maxAttempts}`, async () => {
    const wrong = Array.from({ length: SIGN_IN_CODE.maxAttempts }, () => ({ correct: false }));
    expect((await define(defineEvent(session(...wrong.slice(1))))).response).toMatchObject({ challengeName: 'CUSTOM_CHALLENGE', failAuthentication: false });
    expect((await define(defineEvent(session(...wrong)))).response).toEqual({ issueTokens: false, failAuthentication: true });
  });

  it('fails an unknown user or one without a phone after the first answer (the first step looks the same), and any other challenge kind', async () => {
    expect((await define(defineEvent([], {}, true))).response).toMatchObject({ challengeName: 'CUSTOM_CHALLENGE' });
    expect((await define(defineEvent(session({ correct: true }), {}, true))).response).toEqual({ issueTokens: false, failAuthentication: true });
    expect((await define(defineEvent(session({ correct: true }), {}))).response).toEqual({ issueTokens: false, failAuthentication: true });
    const srp = defineEvent([{ challengeName: 'SRP_A', challengeResult: true } as never]);
    expect((await define(srp)).response).toEqual({ issueTokens: false, failAuthentication: true });
  });
});

const createEvent = (results: ReturnType<typeof session>, userNotFound = false) =>
  ({
    ...common,
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { userAttributes: userNotFound ? {} : { sub: 'sub-1', phone_number: PHONE }, challengeName: 'CUSTOM_CHALLENGE', session: results, userNotFound },
    response: {},
  }) as unknown as CreateAuthChallengeTriggerEvent;

describe("workers' sign-in: Create Auth Challenge (the SMS code)", () => {
  const T0 = 1_800_000_000_000;

  it('draws a 6-digit code, sends it in Chinese by SMS to the phone, and keeps it private (never in a log)', async () => {
    const out = await createChallenge(createEvent([]), () => T0);

    const { code, expiresAt } = out.response.privateChallengeParameters;
    expect(code).toMatch(/^\d{6}$/);
    expect(Number(expiresAt)).toBe(T0 + SIGN_IN_CODE.ttlSeconds * 1000);
    expect(out.response.publicChallengeParameters).toEqual({ channel: 'SMS', destination: '139****5678' });
    expect(sns).toHaveReceivedCommandExactlyOnceWith(PublishCommand, { PhoneNumber: PHONE, Message: signInCodeMessage(code!) });
    expect(signInCodeMessage(code!)).toMatch(/验证码.*5分钟内有效/);
    const logged = lines.join('');
    expect(logged).toContain('Sign-in code sent');
    expect(logged).not.toContain(code);
    expect(logged).not.toContain('13912345678');
  });

  it('keeps the same code for the retries of one sign-in (no second SMS)', async () => {
    const first = await createChallenge(createEvent([]), () => T0);
    const retry = await createChallenge(createEvent(session({ correct: false, metadata: first.response.challengeMetadata })), () => T0 + 60_000);

    expect(retry.response.privateChallengeParameters).toEqual(first.response.privateChallengeParameters);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });

  it(`counts the codes per user and hour, and refuses the sign-in past ${SIGN_IN_CODE.maxPerUserPerHour} (nothing sent)`, async () => {
    await createChallenge(createEvent([]), () => T0);
    const [count] = ddb.commandCalls(UpdateCommand);
    const input = count!.args[0].input;
    expect(input).toMatchObject({
      TableName: 'idempotency',
      Key: { id: `SIGNIN#sub-1#${Math.floor(T0 / 3_600_000)}` },
      ConditionExpression: 'attribute_not_exists(n) OR n < :cap',
      ExpressionAttributeValues: { ':one': 1, ':cap': SIGN_IN_CODE.maxPerUserPerHour },
    });
    expect(JSON.stringify(input)).not.toContain('13912345678');

    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'cap', $metadata: {} }));
    await expect(createChallenge(createEvent([]), () => T0)).rejects.toMatchObject({ name: 'TooManyCodes', message: expect.stringMatching(/过于频繁/) });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('sends nothing for a user that does not exist, and the challenge looks the same', async () => {
    const out = await createChallenge(createEvent([], true), () => T0);

    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(Object.keys(out.response.publicChallengeParameters)).toEqual(['channel', 'destination']);
  });

  it('masks phone numbers the way the contract does', () => {
    expect(maskPhone('+8613912345678')).toBe('139****5678');
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('+1 555')).toBe('****');
  });
});

const verifyEvent = (answer: string, code: string, expiresAt: number, userNotFound = false) =>
  ({
    ...common,
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: { userAttributes: {}, privateChallengeParameters: { code, expiresAt: String(expiresAt) }, challengeAnswer: answer, userNotFound },
    response: { answerCorrect: false },
  }) as unknown as VerifyAuthChallengeResponseTriggerEvent;

describe("workers' sign-in: Verify Auth Challenge", () => {
  const now = () => 1_000_000;

  it('accepts the code before it expires (surrounding spaces ignored)', () => {
    expect(verifyAnswer(verifyEvent('042137', '042137', 1_000_001), now).response.answerCorrect).toBe(true);
    expect(verifyAnswer(verifyEvent(' 042137 ', '042137', 1_000_001), now).response.answerCorrect).toBe(true);
  });

  it('refuses another code, an expired code, an empty answer and an unknown user', () => {
    expect(verifyAnswer(verifyEvent('042138', '042137', 1_000_001), now).response.answerCorrect).toBe(false);
    expect(verifyAnswer(verifyEvent('0421370', '042137', 1_000_001), now).response.answerCorrect).toBe(false);
    expect(verifyAnswer(verifyEvent('042137', '042137', 1_000_000), now).response.answerCorrect).toBe(false);
    expect(verifyAnswer(verifyEvent('', '', 1_000_001), now).response.answerCorrect).toBe(false);
    expect(verifyAnswer(verifyEvent('042137', '042137', 1_000_001, true), now).response.answerCorrect).toBe(false);
  });
});
