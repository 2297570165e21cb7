import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../app/ports.ts';

export interface MailerSettings {
  /** the verified identity the messages come from */
  sender: () => string;
  /** the configuration set that records what happens to each message (deliveries, bounces) */
  configurationSet: () => string;
}

/** E-mail through the SES v2 API (on AWS, and the local cloud's SES emulator): one SendEmail per message. */
export function sesMailer(ses: SESv2Client, settings: MailerSettings): Mailer {
  return {
    async send(email) {
      const utf8 = (Data: string) => ({ Data, Charset: 'UTF-8' });
      const sent = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: settings.sender(),
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: settings.configurationSet(),
          Content: {
            Simple: {
              Subject: utf8(email.subject),
              Body: { Text: utf8(email.text), Html: utf8(email.html) },
            },
          },
          EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      if (!sent.MessageId) throw new Error('SES accepted the message without a message id');
      return { messageId: sent.MessageId };
    },
  };
}
