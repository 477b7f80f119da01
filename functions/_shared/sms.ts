/**
 * The SMS port of worker notifications (D21) and its adapters. `SMS_SENDER` chooses one:
 *
 * - `sns` (default): Amazon SNS `Publish` to the phone number (transactional SMS). In China regions SMS
 *   needs a registered sender and templates; a Chinese SMS provider (Aliyun SMS, Tencent Cloud SMS) is
 *   added as another adapter implementing `SmsSender` and selected here (docs/events.md, "SMS").
 * - `none`: nothing is sent; the inbox still holds every notification.
 *
 * Locally the SNS endpoint of local/events records the messages instead of sending them.
 * The phone number is never logged; the text carries no personal data (core/notifications.ts).
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { config } from './config.ts';
import { traced } from './tracing.ts';

export interface SmsSender {
  readonly name: string;
  /** Sends `text` to a mainland mobile number (11 digits, or E.164). */
  send(phone: string, text: string): Promise<void>;
}

let sns: SNSClient | undefined;

/** E.164 for a mainland number given as 11 digits. */
const e164 = (phone: string): string => (phone.startsWith('+') ? phone : `+86${phone.replace(/\D/g, '')}`);

const snsSender: SmsSender = {
  name: 'sns',
  async send(phone, text) {
    sns ??= traced(new SNSClient({ maxAttempts: 3 }));
    try {
      await sns.send(
        new PublishCommand({
          PhoneNumber: e164(phone),
          Message: text,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
    } catch (error) {
      // SNS's messages may quote the phone number (InvalidParameter: "Invalid parameter: PhoneNumber … +86…"):
      // the error goes on (the event is retried) with its name only, so no log line or DLQ record carries it.
      const name = (error as Error).name;
      throw Object.assign(new Error(`SMS publish failed (${name})`), { name });
    }
  },
};

const noSender: SmsSender = { name: 'none', send: async () => undefined };

/** The adapter this function is configured with. */
export const smsSender = (): SmsSender => (config.smsSender === 'sns' ? snsSender : noSender);
