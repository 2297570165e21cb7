import { CfnOutput, Duration, NestedStack, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CustomerEmail } from './customer-email.ts';
import { EventRouting } from './event-routing.ts';
import { env, eventFunctions, httpRoutes, stepFunctions } from './functions-manifest.ts';
import { RelaisHttpApi } from './http-api.ts';
import { RelaisMonitoring } from './monitoring.ts';
import { OutboxPipe } from './outbox-pipe.ts';
import { assertPermissionsCoverManifest, type Grant, grantsFor } from './permissions.ts';
import { RelaisFunction } from './relais-function.ts';
import { RelaisTables } from './tables.ts';
import { Workflow, workflowArn } from './workflow.ts';

export interface RelaisStackProps extends StackProps {
  jwtIssuer: string;
  jwtAudience: string;
  /** the address customer notifications come from (an SES identity) */
  notificationSender: string;
  /** an address subscribed to the alarm topic, if any */
  alarmEmail?: string | undefined;
}

export const workflowFiles = {
  fulfilment: 'statemachines/fulfilment.asl.json',
  return: 'statemachines/return.asl.json',
} as const;

export class RelaisStack extends Stack {
  readonly fulfilmentStateMachineName: string;
  readonly returnStateMachineName: string;
  /** the dashboard, the alarms and their topic: a nested stack of their own (see below) */
  readonly monitoringStack: NestedStack;

  constructor(scope: Construct, id: string, props: RelaisStackProps) {
    super(scope, id, props);
    assertPermissionsCoverManifest();

    const tables = new RelaisTables(this, 'Tables');
    const events = new EventRouting(this, 'Events');
    const outboxPipe = new OutboxPipe(this, 'OutboxPipe', { outbox: tables.outbox, bus: events.bus });
    const labels = new Bucket(this, 'Labels', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ id: 'expire-labels', expiration: Duration.days(400) }],
      autoDeleteObjects: false,
    });
    Validations.of(labels).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Labels are written and read only by Relais functions, whose calls CloudTrail and X-Ray already ' +
        'record; server access logs would need a second bucket with nothing to add.',
    });
    const webhookSecret = new Secret(this, 'CarrierWebhookSecret', {
      description: 'HMAC-SHA256 key that carriers sign their webhooks with (X-Relais-Signature)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key is shared with the carriers, so it is rotated with them by hand; an automatic rotation ' +
        'would break every carrier webhook until they are given the new key.',
    });

    const email = new CustomerEmail(this, 'CustomerEmail', {
      sender: props.notificationSender,
      configurationSetName: `${this.stackName}-notifications`,
    });

    this.fulfilmentStateMachineName = `${this.stackName}-fulfilment`;
    this.returnStateMachineName = `${this.stackName}-return`;
    const fulfilmentArn = workflowArn(this, this.fulfilmentStateMachineName);
    const returnArn = workflowArn(this, this.returnStateMachineName);

    // the bus rules' dead-letter queues and the outbox pipe's: the alerts review reads their depth
    const deadLetterQueues = [
      ...eventFunctions.map((spec) => events.deadLetterQueue(spec)),
      outboxPipe.deadLetters,
    ];
    const environment: Record<(typeof env)[keyof typeof env], string> = {
      [env.ordersTable]: tables.orders.tableName,
      [env.inventoryTable]: tables.inventory.tableName,
      [env.networkTable]: tables.network.tableName,
      [env.idempotencyTable]: tables.idempotency.tableName,
      [env.outboxTable]: tables.outbox.tableName,
      [env.eventBus]: events.bus.eventBusName,
      [env.fulfilmentStateMachine]: fulfilmentArn,
      [env.returnStateMachine]: returnArn,
      [env.labelsBucket]: labels.bucketName,
      [env.webhookSecretArn]: webhookSecret.secretArn,
      // literal names, not references: the local cloud reads them from the template as they are
      [env.notificationSender]: email.sender,
      [env.sesConfigurationSet]: email.configurationSetName,
      [env.deadLetterQueues]: deadLetterQueues.map((q) => q.queueUrl).join(','),
    };

    const labelObjects = `${labels.bucketArn}/*`;
    const labelObjectsFinding = `Resource::<${this.resolve((labels.node.defaultChild as CfnBucket).logicalId)}.Arn>/*`;

    const allow = (fn: RelaisFunction, actions: string[], resources: string[]): void => {
      fn.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions, resources }));
    };
    const labelAccess = (fn: RelaisFunction, objectActions: string[]): void => {
      // ListBucket turns a missing label into NoSuchKey (a 404) instead of AccessDenied.
      allow(fn, ['s3:ListBucket'], [labels.bucketArn]);
      allow(fn, objectActions, [labelObjects]);
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[${labelObjectsFinding}]`,
        reason: 'Label objects are keyed by shipment or return id, which are only known at run time.',
      });
    };
    const granters: Record<Grant, (fn: RelaisFunction) => void> = {
      'orders:read': (fn) => tables.orders.grantRead(fn.role),
      'orders:write': (fn) => tables.orders.grantReadWrite(fn.role),
      'inventory:read': (fn) => tables.inventory.grantRead(fn.role),
      'inventory:write': (fn) => tables.inventory.grantReadWrite(fn.role),
      'network:read': (fn) => tables.network.grantRead(fn.role),
      'network:write': (fn) => tables.network.grantReadWrite(fn.role),
      'idempotency:write': (fn) => tables.idempotency.grantReadWrite(fn.role),
      'labels:read': (fn) => labelAccess(fn, ['s3:GetObject']),
      'labels:write': (fn) => labelAccess(fn, ['s3:GetObject', 's3:PutObject']),
      // events are published through the outbox: written with their change, the pipe puts them on the bus
      'events:put': (fn) => tables.outbox.grantPut(fn.role),
      'webhookSecret:read': (fn) => webhookSecret.grantRead(fn.role),
      'fulfilment:start': (fn) => allow(fn, ['states:StartExecution'], [fulfilmentArn]),
      'return:start': (fn) => allow(fn, ['states:StartExecution'], [returnArn]),
      // A task token names no resource: SendTask* take no resource-level permission.
      'tasks:callback': (fn) => allow(fn, ['states:SendTaskSuccess', 'states:SendTaskFailure'], ['*']),
      'email:send': (fn) => email.grantSend(fn.role),
      'deadLetters:read': (fn) =>
        allow(
          fn,
          ['sqs:GetQueueAttributes'],
          deadLetterQueues.map((q) => q.queueArn),
        ),
    };

    const build = (id: string, entry: string, timeout: Duration): RelaisFunction => {
      const fn = new RelaisFunction(this, id, { entry, timeout, environment });
      const grants = grantsFor(id);
      for (const grant of grants) granters[grant](fn);
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: grants.includes('tasks:callback')
          ? 'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and task callbacks ' +
            '(states:SendTaskSuccess, states:SendTaskFailure) do not support resource-level permissions.'
          : 'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) does not support resource-level permissions.',
      });
      return fn;
    };

    const api = new RelaisHttpApi(this, 'Http', {
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
    });
    const routeFunctions = httpRoutes.map((spec) => {
      const fn = build(spec.id, spec.entry, Duration.seconds(29)).function;
      api.addRoute(spec, fn);
      return { name: spec.id, resource: fn };
    });

    const steps = new Map<string, IFunction>();
    const stepFunctionsByName = stepFunctions.map((spec) => {
      const fn = build(spec.id, spec.entry, Duration.seconds(60)).function;
      steps.set(spec.substitution, fn);
      return { name: spec.id, resource: fn };
    });
    const fulfilment = new Workflow(this, 'FulfilmentWorkflow', {
      definitionFile: workflowFiles.fulfilment,
      stateMachineName: this.fulfilmentStateMachineName,
      functions: steps,
    });
    const returns = new Workflow(this, 'ReturnWorkflow', {
      definitionFile: workflowFiles.return,
      stateMachineName: this.returnStateMachineName,
      functions: steps,
    });

    const eventFunctionsByName = eventFunctions.map((spec) => {
      const fn = build(spec.id, spec.entry, Duration.seconds(60)).function;
      events.route(spec, fn);
      return { name: spec.id, resource: fn };
    });

    // The alarms and the dashboard are more than a hundred resources: in a nested stack of their own,
    // the application's stack keeps room under CloudFormation's 500 resources per stack as it grows.
    this.monitoringStack = new NestedStack(this, 'MonitoringStack', {
      description: 'Relais: CloudWatch dashboard, alarms and their SNS topic',
    });
    const monitoring = new RelaisMonitoring(this.monitoringStack, 'Monitoring', {
      name: this.stackName,
      alarmEmail: props.alarmEmail,
    })
      .addBusinessMetrics()
      .addHttpApi(api.api)
      .addWorkflows([
        { name: 'Fulfilment', resource: fulfilment.stateMachine },
        { name: 'Return', resource: returns.stateMachine },
      ])
      .addFunctions('HTTP route functions', routeFunctions, false)
      .addFunctions('Workflow step functions', stepFunctionsByName, true)
      .addFunctions('Event functions', eventFunctionsByName, false)
      .addDeadLetterQueues(events.deadLetterQueues)
      .addOutboxPipe({ name: 'Outbox', pipeName: outboxPipe.pipe.ref, deadLetters: outboxPipe.deadLetters })
      .addTables([
        { name: 'Orders', resource: tables.orders.table },
        { name: 'Inventory', resource: tables.inventory.table },
        { name: 'Network', resource: tables.network.table },
        { name: 'Idempotency', resource: tables.idempotency.table },
        { name: 'Outbox', resource: tables.outbox.table },
      ]);

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the Relais HTTP API' });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: monitoring.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic (ALARM and back to OK): subscribe an on-call tool to it',
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      value: webhookSecret.secretArn,
      description: 'Give its value to each carrier to sign webhooks with',
    });
  }
}
