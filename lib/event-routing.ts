import { Duration, Validations } from 'aws-cdk-lib';
import { EventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { detailTypesOf, type EventFunction } from './functions-manifest.ts';

/**
 * The one custom bus (design, section 7), an archive of everything Relais publishes, and one
 * rule per event-triggered function. An event the function still fails on after the retries
 * lands in that rule's dead-letter queue, which raises an alarm (lib/monitoring.ts): nothing is lost
 * silently.
 */
export class EventRouting extends Construct {
  readonly bus: EventBus;
  /** one per event function, named after it */
  readonly deadLetterQueues: { name: string; resource: Queue }[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus');
    this.bus.archive('Archive', {
      description: 'Every Relais event, for replay after an incident',
      eventPattern: { source: Match.prefix('relais.') },
      retention: Duration.days(90),
    });
  }

  private readonly deadLetterQueueOf = new Map<string, Queue>();

  /** The dead-letter queue of an event function's rule (created on first ask, so the functions can name it). */
  deadLetterQueue(spec: EventFunction): Queue {
    const existing = this.deadLetterQueueOf.get(spec.id);
    if (existing) return existing;
    const deadLetters = new Queue(this, `${spec.id}DeadLetters`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of an EventBridge rule target.',
    });
    this.deadLetterQueueOf.set(spec.id, deadLetters);
    this.deadLetterQueues.push({ name: `${spec.id}DeadLetters`, resource: deadLetters });
    return deadLetters;
  }

  route(spec: EventFunction, target: IFunction): void {
    const deadLetters = this.deadLetterQueue(spec);

    new Rule(this, `${spec.id}Rule`, {
      eventBus: this.bus,
      description: `${spec.source} ${detailTypesOf(spec).join(', ')} to ${spec.id}`,
      eventPattern: { source: [spec.source], detailType: [...detailTypesOf(spec)] },
      targets: [
        new LambdaFunction(target, {
          deadLetterQueue: deadLetters,
          retryAttempts: 4,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    // EventBridge invokes Lambda asynchronously: the target's retries and dead-letter queue cover a
    // failed invocation, Lambda's own retries and failure destination cover an error the function
    // throws. Both end in the same queue.
    target.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
      onFailure: new SqsDestination(deadLetters),
    });
  }
}
