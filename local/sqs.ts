import { AwsError, type RunningServer, startAwsJsonServer } from './aws-json-server.ts';

/** Something that dead-letters to a queue: a bus rule's target, a pipe, or what either dead-lettered. */
interface DeadLettering {
  deadLetterArn?: string | undefined;
}

/**
 * The dead-letter queues the bus rules' targets and the pipes name (their `DeadLetterConfig`), by
 * name and ARN.
 */
export function deadLetterQueuesOf(
  rules: readonly { targets: readonly DeadLettering[] }[],
  pipes: readonly DeadLettering[] = [],
): { name: string; arn: string }[] {
  const arns = new Set(
    [...rules.flatMap((r) => r.targets), ...pipes].flatMap((t) => (t.deadLetterArn ? [t.deadLetterArn] : [])),
  );
  return [...arns].map((arn) => ({ name: arn.slice(arn.lastIndexOf(':') + 1), arn }));
}

/**
 * The SQS endpoint of the local cloud (AWS JSON 1.0, `AmazonSQS.<Operation>`), for the one thing
 * Relais asks of SQS: how many messages wait in a dead-letter queue, a bus rule's or the outbox
 * pipe's (GetQueueAttributes `ApproximateNumberOfMessages`). The local bus and the local pipes keep
 * their dead letters themselves; a queue is known by the name its URL and its ARN end with, as the
 * template names it.
 */
export function startSqsServer(
  queues: readonly { name: string; arn: string }[],
  deadLetters: () => readonly DeadLettering[],
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
