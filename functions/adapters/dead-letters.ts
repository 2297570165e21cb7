import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterQueues } from '../app/ports.ts';

/** The queue's name: the last part of its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
const queueNameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** The bus rules' dead-letter queues and the messages waiting in each (SQS's approximate count). */
export function sqsDeadLetters(sqs: SQSClient, queueUrls: () => string[]): DeadLetterQueues {
  return {
    async depths() {
      const depths = await Promise.all(
        queueUrls().map(async (url) => {
          const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          );
          return [queueNameOf(url), Number(Attributes?.ApproximateNumberOfMessages ?? 0)] as const;
        }),
      );
      return new Map(depths);
    },
  };
}
