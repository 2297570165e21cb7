import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RelaisTable } from './tables.ts';

/**
 * What the pipe keeps of the outbox table's stream: new outbox items only (TTL removals and any
 * other item are dropped). The local cloud's stream poller reads this same filter from the template.
 */
export const outboxFilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entity: { S: ['outbox'] } } },
};

/**
 * The event each outbox item becomes: its source and detail-type from the item, its detail the
 * item's JSON text put in as it is (unquoted), and its outbox id in `resources`, where consumers
 * find it to recognise a redelivery.
 */
export const outboxTarget = {
  InputTemplate: '<$.dynamodb.NewImage.detail.S>',
  EventBridgeEventBusParameters: {
    Source: '$.dynamodb.NewImage.source.S',
    DetailType: '$.dynamodb.NewImage.detailType.S',
    Resources: ['$.dynamodb.NewImage.resource.S'],
  },
};

/**
 * The delivery half of the transactional outbox (design, section 8): an EventBridge Pipe from the
 * outbox table's stream to the bus. A batch the bus refuses is retried, split to find the record
 * at fault; a record that still fails goes to an encrypted dead-letter queue (its alarms are in
 * RelaisMonitoring.addOutboxPipe).
 */
export class OutboxPipe extends Construct {
  readonly pipe: CfnPipe;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: { outbox: RelaisTable; bus: IEventBus }) {
    super(scope, id);
    const streamArn = props.outbox.table.tableStreamArn;
    if (streamArn === undefined) throw new Error('the outbox table needs a stream');

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the outbox pipe.',
    });

    // least privilege: read this one stream, put on this one bus, dead-letter to this one queue
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      inlinePolicies: {
        outbox: new PolicyDocument({
          statements: [
            new PolicyStatement({
              actions: [
                'dynamodb:DescribeStream',
                'dynamodb:GetRecords',
                'dynamodb:GetShardIterator',
                'dynamodb:ListStreams',
              ],
              resources: [streamArn],
            }),
            new PolicyStatement({ actions: ['events:PutEvents'], resources: [props.bus.eventBusArn] }),
            new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
          ],
        }),
      },
    });

    this.pipe = new CfnPipe(this, 'Pipe', {
      description: 'Outbox items to the Relais bus, at least once',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          maximumRetryAttempts: 10,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetters.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(outboxFilterPattern) }] },
      },
      target: props.bus.eventBusArn,
      targetParameters: {
        inputTemplate: outboxTarget.InputTemplate,
        eventBridgeEventBusParameters: {
          source: outboxTarget.EventBridgeEventBusParameters.Source,
          detailType: outboxTarget.EventBridgeEventBusParameters.DetailType,
          resources: outboxTarget.EventBridgeEventBusParameters.Resources,
        },
      },
    });
    this.pipe.node.addDependency(role);
  }
}
