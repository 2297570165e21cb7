import { AwsError, type RunningServer, startAwsJsonServer } from './aws-json-server.ts';
import type { DeadLetter } from './eventbus/bus.ts';

/** The dead-letter queues the bus rules name (their targets' `DeadLetterConfig`), by name and ARN. */
export function deadLetterQueuesOf(
  rules: readonly { targets: readonly { deadLetterArn?: string | undefined }[] }[],
): { name: string; arn: string }[] {
  const arns = new Set(
    rules.flatMap((r) => r.targets.flatMap((t) => (t.deadLetterArn ? [t.deadLetterArn] : []))),
  );
  return [...arns].map((arn) => ({ name: arn.slice(arn.lastIndexOf(':') + 1), arn }));
}

/**
 * The SQS endpoint of the local cloud (AWS JSON 1.0, `AmazonSQS.<Operation>`), for the one thing
 * Relais asks of SQS: how many messages wait in a bus rule's dead-letter queue
 * (GetQueueAttributes `ApproximateNumberOfMessages`). The local bus keeps its dead letters itself;
 * a queue is known by the name its URL and its ARN end with, as the template names it.
 */
export function startSqsServer(
  queues: readonly { name: string; arn: string }[],
  deadLetters: () => readonly DeadLetter[],
  options: { port?: number } = {},
): Promise<RunningServer> {
  return startAwsJsonServer({
    targetPrefix: 'AmazonSQS',
    jsonVersion: '1.0',
    port: options.port,
    operations: {
      GetQueueAttributes: (input: { QueueUrl?: string }) => {
        const name = (input.QueueUrl ?? '').slice((input.QueueUrl ?? '').lastIndexOf('/') + 1);
        const queue = queues.find((q) => q.name === name);
        if (!queue)
          throw new AwsError(
            'AWS.SimpleQueueService.NonExistentQueue',
            'The specified queue does not exist.',
          );
        const waiting = deadLetters().filter((d) => d.deadLetterArn === queue.arn).length;
        return { Attributes: { ApproximateNumberOfMessages: String(waiting) } };
      },
    },
  });
}
