import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  ComparisonOperator,
  GraphWidget,
  type IMetric,
  LegendPosition,
  MathExpression,
  Metric,
  Row,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import {
  DefaultDashboardFactory,
  GraphWidgetType,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { type BusinessMetricName, metricsNamespace, metricsService } from './business-metrics.ts';

/** What the account may do with the alarm topic's key: manage it, never use it to read messages. */
const keyAdministration = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/** Alarm on the first one: a count above zero in one period of 5 minutes. */
const any = { maxErrorCount: 0, datapointsToAlarm: 1 };
const anyThrottle = { maxThrottledEventsThreshold: 0, datapointsToAlarm: 1 };

/** What each alarm means and what to look at first (the README's alarm table says more). */
const runbook = {
  http5xx:
    'More than 1% of HTTP answers were 5xx for 15 minutes. Look at the Http5xx metric and the functions ' +
    'with errors on the dashboard, then their logs (level ERROR, "unexpected error").',
  latency:
    'The HTTP API p99 latency was over 2 s for 15 minutes. Look at the duration p99 of the route functions ' +
    'and at DynamoDB throttles; a cold start burst shows as a short peak only.',
  failedExecution: (name: string) =>
    `A ${name} execution failed: an order or return stopped on a fault (its stock was released by ` +
    'compensation). Open the execution in the Step Functions console: the failed state and its error name.',
  timedOutExecution: (name: string) =>
    `A ${name} execution timed out: it waited longer than the workflow allows. Open it in the Step ` +
    'Functions console; the order or return it carried needs an operator.',
  stepErrors: (name: string) =>
    `More than 10% of ${name} invocations failed for 15 minutes. Business errors are routine; a rate this ` +
    'high is usually a dependency: read the function logs for the error names.',
  functionErrors: (name: string) =>
    `${name} failed (a crash, a timeout or an out-of-memory, not a 4xx). Read its log group for the ` +
    'invocation; event functions retry, and what still fails lands in their dead-letter queue.',
  throttles: (name: string) =>
    `${name} was throttled: the account or function concurrency limit was reached. Check the ` +
    'invocations graph for a burst and the account concurrency quota.',
  deadLetters: (name: string) =>
    `${name} holds events a consumer failed on after every retry. Read a message (its error and the ` +
    'event), fix the cause, then redrive the queue to the function.',
  outboxDeadLetters:
    'The outbox pipe could not put some events on the bus after every retry: they wait in its ' +
    'dead-letter queue (each message names the stream records). The changes they report are committed; ' +
    "read the pipe's failures (EventBridge Pipes console, its log), fix the cause (the bus, its " +
    'policy, an event over 256 KB), then put the events again from the Outbox items (kept 3 days).',
  outboxPipe:
    "The outbox pipe failed to deliver a batch (ExecutionFailed): events wait in the outbox table's " +
    'stream (24 h) and are retried, then dead-lettered. Look at the pipe in the EventBridge Pipes ' +
    'console and at the bus (throttled PutEvents, a removed bus or policy).',
  table: (name: string) =>
    `The ${name} table throttled requests. An on-demand table throttles a hot partition (one item takes ` +
    'about 1,000 writes/s: a hot SKU) or a sudden doubling of traffic; its graphs show which operation.',
};

/** A monitored resource and the name it goes by on the dashboard and in its alarms' names. */
interface Named<T> {
  name: string;
  resource: T;
}

export interface RelaisMonitoringProps {
  /** dashboard name and alarm name prefix */
  name: string;
  /** an address the alarm topic sends every alarm to (it must confirm the subscription) */
  alarmEmail?: string | undefined;
}

/**
 * Every number an operator watches Relais by, and every alarm: one CloudWatch dashboard and the
 * alarms on it, all defined here (cdk-monitoring-constructs), all notifying one encrypted SNS
 * topic when they go into ALARM and when they are OK again. The thresholds are the policy:
 * - the HTTP API: more than 1% of 5xx answers, or a p99 latency over 2 s, for 3 periods of 5 min;
 * - every function: any error of an HTTP or event function (an HTTP route turns every error it
 *   knows into problem+json, so a Lambda error is a crash or a timeout), more than 10% errors of a
 *   step function for 3 periods (its business errors, OutOfStock or ShipmentRejected, are routine
 *   and caught by the workflow), and any throttle;
 * - the workflows: any failed or timed-out execution;
 * - the dead-letter queues: any message;
 * - the outbox pipe: any failed execution, any event in its dead-letter queue;
 * - the tables: any throttled read or write.
 * Add a resource through the methods below; they give it its section and its alarms.
 */
export class RelaisMonitoring extends Construct {
  readonly alarmTopic: Topic;
  private readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: RelaisMonitoringProps) {
    super(scope, id);
    // CloudWatch publishes to an encrypted topic only with a key whose policy lets it: the AWS
    // managed SNS key cannot be given to it, so the topic has a key of its own. Its policy names
    // each action rather than CDK's default `kms:*` for the account.
    const key = new Key(this, 'AlarmTopicKey', {
      description: `${props.name} alarm notifications`,
      enableKeyRotation: true,
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'AccountAdministersTheKey',
            principals: [new AccountRootPrincipal()],
            actions: keyAdministration,
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'CloudWatchPublishesAlarms',
            principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
          }),
        ],
      }),
    });
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined)
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.name,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic, onOkTopic: this.alarmTopic }),
        datapointsToAlarm: 3,
      },
      metricFactoryDefaults: { period: Duration.minutes(5) },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: props.name,
        detailDashboardRange: Duration.hours(8),
      }),
    });
  }

  /** The business figures the functions count (lib/business-metrics.ts), at the top of the dashboard. */
  addBusinessMetrics(): this {
    const count = (metricName: BusinessMetricName, label: string): Metric =>
      new Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service: metricsService },
        statistic: 'Sum',
        period: Duration.hours(1),
        label,
      });
    const kept = count('PromisesKept', 'kept');
    const broken = count('PromisesBroken', 'broken');
    const keptPct = new MathExpression({
      expression: '100 * kept / (kept + broken)',
      usingMetrics: { kept, broken },
      label: 'promises kept (%)',
      period: Duration.hours(1),
    });
    this.facade.addLargeHeader('Business (Powertools metrics, namespace Relais, per hour)').monitorCustom({
      alarmFriendlyName: 'Business',
      humanReadableName: 'Orders and deliveries',
      metricGroups: [
        {
          title: 'Orders',
          graphWidgetType: GraphWidgetType.BAR,
          metrics: [count('OrdersReceived', 'received'), count('OrdersRejected', 'rejected')],
        },
        {
          title: 'Delivery promise',
          graphWidgetType: GraphWidgetType.BAR,
          metrics: [kept, broken],
        },
        { title: 'Promise kept (%)', metrics: [keptPct] },
        {
          title: 'Incidents and location rejections',
          graphWidgetType: GraphWidgetType.BAR,
          metrics: [
            count('IncidentsOpened', 'incidents opened'),
            count('ShipmentsRejected', 'shipments rejected by a location'),
          ],
        },
      ],
    });
    return this;
  }

  addHttpApi(api: IHttpApi): this {
    this.facade.addLargeHeader('HTTP API').monitorApiGatewayV2HttpApi({
      api,
      alarmFriendlyName: 'HttpApi',
      humanReadableName: 'Relais HTTP API',
      add5xxRateAlarm: { Critical: { maxErrorRate: 0.01, alarmDescriptionOverride: runbook.http5xx } },
      addLatencyP99Alarm: {
        Critical: { maxLatency: Duration.seconds(2), alarmDescriptionOverride: runbook.latency },
      },
    });
    return this;
  }

  addWorkflows(workflows: Named<IStateMachine>[]): this {
    this.facade.addLargeHeader('Workflows');
    for (const { name, resource } of workflows) {
      this.facade.monitorStepFunction({
        stateMachine: resource,
        alarmFriendlyName: name,
        humanReadableName: name,
        addFailedExecutionCountAlarm: {
          Critical: { ...any, alarmDescriptionOverride: runbook.failedExecution(name) },
        },
        addTimedOutExecutionCountAlarm: {
          Critical: { ...any, alarmDescriptionOverride: runbook.timedOutExecution(name) },
        },
      });
    }
    return this;
  }

  /**
   * A group of functions: one row of four graphs with a line per function (invocations, errors,
   * throttles, p99 duration), which keeps the dashboard within CloudWatch's 500 widgets and the
   * template small; the alarms are per function. `routineErrors`: the functions throw errors their
   * caller handles (a step function's business errors, caught by the workflow), so only a high
   * rate of them is worth an alarm.
   */
  addFunctions(title: string, functions: Named<IFunction>[], routineErrors: boolean): this {
    for (const { name, resource } of functions) {
      this.facade.monitorLambdaFunction({
        lambdaFunction: resource,
        alarmFriendlyName: name,
        humanReadableName: name,
        addToDetailDashboard: false,
        addToSummaryDashboard: false,
        addToAlarmDashboard: false,
        ...(routineErrors
          ? {
              addFaultRateAlarm: {
                Critical: { maxErrorRate: 0.1, alarmDescriptionOverride: runbook.stepErrors(name) },
              },
            }
          : {
              addFaultCountAlarm: {
                Critical: { ...any, alarmDescriptionOverride: runbook.functionErrors(name) },
              },
            }),
        addThrottlesCountAlarm: { Critical: { ...any, alarmDescriptionOverride: runbook.throttles(name) } },
      });
    }
    const graph = (graphTitle: string, metricOf: (fn: IFunction, label: string) => IMetric) =>
      new GraphWidget({
        title: `${title}: ${graphTitle}`,
        width: 6,
        height: 8,
        left: functions.map(({ name, resource }) => metricOf(resource, name)),
        legendPosition: LegendPosition.RIGHT,
      });
    const period = Duration.minutes(5);
    this.facade.addLargeHeader(title).addWidget(
      new Row(
        graph('invocations', (fn, label) => fn.metricInvocations({ label, period, statistic: 'Sum' })),
        graph('errors', (fn, label) => fn.metricErrors({ label, period, statistic: 'Sum' })),
        graph('throttles', (fn, label) => fn.metricThrottles({ label, period, statistic: 'Sum' })),
        graph('duration p99 (ms)', (fn, label) => fn.metricDuration({ label, period, statistic: 'p99' })),
      ),
    );
    return this;
  }

  addDeadLetterQueues(queues: Named<IQueue>[]): this {
    this.facade.addLargeHeader('Dead-letter queues (events a consumer failed on after every retry)');
    for (const { name, resource } of queues) {
      this.facade.monitorSqsQueue({
        queue: resource,
        alarmFriendlyName: name,
        humanReadableName: name,
        addQueueMaxSizeAlarm: {
          Critical: {
            maxMessageCount: 0,
            datapointsToAlarm: 1,
            alarmDescriptionOverride: runbook.deadLetters(name),
          },
        },
      });
    }
    return this;
  }

  /**
   * The delivery half of the transactional outbox: any failed execution of the pipe, and any event
   * in its dead-letter queue (an event committed with its change that never reached the bus).
   */
  addOutboxPipe(pipe: { name: string; pipeName: string; deadLetters: IQueue }): this {
    const pipeSum = (metricName: string, label: string) =>
      new Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName,
        dimensionsMap: { PipeName: pipe.pipeName },
        statistic: 'Sum',
        period: Duration.minutes(5),
        label,
      });
    const failures = pipeSum('ExecutionFailed', 'failed executions');
    const delivered = pipeSum('EventCount', 'events');
    this.facade
      .addLargeHeader('Outbox (events committed with their change, piped to the bus)')
      .monitorCustom({
        alarmFriendlyName: pipe.name,
        humanReadableName: `${pipe.name} pipe`,
        metricGroups: [
          { title: 'Events through the pipe', metrics: [delivered] },
          {
            title: 'Failed executions',
            metrics: [
              {
                metric: failures,
                alarmFriendlyName: `${pipe.name}ExecutionFailed`,
                addAlarm: {
                  Critical: {
                    threshold: 0,
                    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                    datapointsToAlarm: 1,
                    alarmDescriptionOverride: runbook.outboxPipe,
                  },
                },
              },
            ],
          },
        ],
      });
    this.facade.monitorSqsQueue({
      queue: pipe.deadLetters,
      alarmFriendlyName: `${pipe.name}DeadLetters`,
      humanReadableName: `${pipe.name} pipe dead letters`,
      addQueueMaxSizeAlarm: {
        Critical: {
          maxMessageCount: 0,
          datapointsToAlarm: 1,
          alarmDescriptionOverride: runbook.outboxDeadLetters,
        },
      },
    });
    return this;
  }

  addTables(tables: Named<ITable>[]): this {
    this.facade.addLargeHeader('DynamoDB tables');
    for (const { name, resource } of tables) {
      this.facade.monitorDynamoTable({
        table: resource,
        alarmFriendlyName: name,
        humanReadableName: name,
        addReadThrottledEventsCountAlarm: {
          Critical: { ...anyThrottle, alarmDescriptionOverride: runbook.table(name) },
        },
        addWriteThrottledEventsCountAlarm: {
          Critical: { ...anyThrottle, alarmDescriptionOverride: runbook.table(name) },
        },
      });
    }
    return this;
  }
}
