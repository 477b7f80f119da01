/**
 * The SMS port's Amazon SNS adapter (functions/_shared/sms.ts): the number goes to SNS in E.164, and an
 * SNS error that quotes the number is passed on with its name only (no log line or DLQ record carries it).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { smsSender } from '../../../functions/_shared/sms.ts';

const sns = mockClient(SNSClient);
afterEach(() => {
  sns.reset();
  delete process.env.SMS_SENDER;
});

describe('the SNS SMS sender', () => {
  it('publishes a transactional SMS to the number in E.164', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await smsSender().send('13800138000', '您的案件已受理。');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ PhoneNumber: '+8613800138000', Message: '您的案件已受理。' });
    expect(input.MessageAttributes?.['AWS.SNS.SMS.SMSType']?.StringValue).toBe('Transactional');
  });

  it("passes an error on without SNS's message, which may quote the number", async () => {
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error('Invalid parameter: PhoneNumber Reason: +8613800138000 is not valid to publish to'), { name: 'InvalidParameterException' }),
      );
    const error = (await smsSender()
      .send('13800138000', '您的案件已受理。')
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidParameterException');
    expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toMatch(/13800138000/);
  });

  it('sends nothing with SMS_SENDER=none (the inbox only)', async () => {
    process.env.SMS_SENDER = 'none';
    await smsSender().send('13800138000', 'x');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
