/**
 * What an operator has on AWS: one dashboard that shows every function, workflow, table, dead-letter
 * queue and the HTTP API, with the business figures the functions count; and alarms of each kind the
 * operator needs, every one notifying the encrypted alarm topic.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { businessMetricNames, metricsNamespace } from '../../lib/business-metrics.ts';
import { eventFunctions, httpRoutes, stepFunctions } from '../../lib/functions-manifest.ts';
import type { RelaisFunction } from '../../lib/relais-function.ts';

const synthTimeout = 120_000;
const { stack } = buildApp({ bundle: false, nag: false });
type Props = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties?: Props }>;
/** The monitoring lives in a nested stack; the application's resources in the stack itself. */
const template = Template.fromStack(stack.monitoringStack);
const root = Template.fromStack(stack).toJSON().Resources as Resources;
const resources: Resources = { ...root, ...(template.toJSON().Resources as Resources) };
/** What the stack passes the nested stack for each of its parameters (a reference to one of its resources). */
const passedToMonitoring = (Object.values(root).find((r) => r.Type === 'AWS::CloudFormation::Stack')
  ?.Properties?.Parameters ?? {}) as Record<string, unknown>;

function byType(type: string): [string, Props][] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]): [string, Props] => [id, resource.Properties ?? {}]);
}
function only(type: string): [string, Props] {
  const found = byType(type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Props];
}
function functionLogicalId(id: string): string {
  const fn = (stack.node.findChild(id) as RelaisFunction).function;
  return stack.resolve((fn.node.defaultChild as CfnElement).logicalId) as string;
}
/** Logical ids a CloudFormation value points at (Ref and Fn::GetAtt), however nested. */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') {
      if (object.Ref.startsWith('AWS::')) return [];
      // a parameter of the nested stack stands for the stack's resource it was given
      const passed = passedToMonitoring[object.Ref];
      return passed === undefined ? [object.Ref] : referencedIds(passed);
    }
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
    return Object.values(object).flatMap(referencedIds);
  }
  return [];
}

interface AlarmedMetric {
  namespace: string;
  name: string;
  stat: string;
  resources: string[];
}
interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: unknown };
  Stat: string;
}
interface AlarmProps {
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: unknown;
  Metrics?: { MetricStat?: MetricStat }[];
  AlarmDescription: string;
}
interface Alarm {
  id: string;
  props: AlarmProps;
  metrics: AlarmedMetric[];
}
/** The metrics an alarm watches, whether it names one metric or a math expression over several. */
function alarmedMetrics(props: AlarmProps): AlarmedMetric[] {
  if (props.MetricName !== undefined) {
    const stat = props.Statistic ?? props.ExtendedStatistic ?? '';
    return [
      {
        namespace: props.Namespace ?? '',
        name: props.MetricName,
        stat,
        resources: referencedIds(props.Dimensions),
      },
    ];
  }
  return (props.Metrics ?? []).flatMap(({ MetricStat: stat }) =>
    stat === undefined
      ? []
      : [
          {
            namespace: stat.Metric.Namespace,
            name: stat.Metric.MetricName,
            stat: stat.Stat,
            resources: referencedIds(stat.Metric.Dimensions),
          },
        ],
  );
}
const alarms: Alarm[] = byType('AWS::CloudWatch::Alarm').map(([id, props]) => ({
  id,
  props: props as unknown as AlarmProps,
  metrics: alarmedMetrics(props as unknown as AlarmProps),
}));

/** The one alarm on `metricName` of `namespace` for the resource with logical id `resource`. */
function alarmOn(namespace: string, metricName: string, resource: string): Alarm {
  const found = alarms.filter((alarm) =>
    alarm.metrics.some(
      (m) => m.namespace === namespace && m.name === metricName && m.resources.includes(resource),
    ),
  );
  expect(
    found.map((a) => a.id),
    `${namespace} ${metricName} alarm on ${resource}`,
  ).toHaveLength(1);
  return found[0] as Alarm;
}
const onFirst = { Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', DatapointsToAlarm: 1 };

const [topicId, topic] = only('AWS::SNS::Topic');
const allFunctions = [...httpRoutes, ...stepFunctions, ...eventFunctions];
const machines = byType('AWS::StepFunctions::StateMachine').map(([id]) => id);
const queues = byType('AWS::SQS::Queue').map(([id]) => id);
const tables = byType('AWS::DynamoDB::Table').map(([id]) => id);
const [apiId] = only('AWS::ApiGatewayV2::Api');

describe('the alarm topic', () => {
  it('is encrypted with a rotated key of its own that CloudWatch may use, and takes TLS only', () => {
    const [keyId, key] = only('AWS::KMS::Key');
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.EnableKeyRotation).toBe(true);
    expect((key.KeyPolicy as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      }),
    );
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      },
    });
  });

  it(
    'has no subscriber unless an address is given, and refuses one that is not an address',
    () => {
      expect(byType('AWS::SNS::Subscription')).toEqual([]);
      const withEmail = Template.fromStack(
        buildApp({ bundle: false, nag: false, context: { 'relais:alarmEmail': 'oncall@shop.fr' } }).stack
          .monitoringStack,
      );
      withEmail.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@shop.fr',
      });
      expect(() =>
        buildApp({ bundle: false, nag: false, context: { 'relais:alarmEmail': 'oncall' } }),
      ).toThrow(/relais:alarmEmail must be an e-mail address/);
    },
    synthTimeout,
  );
});

describe('alarms', () => {
  it('all notify the alarm topic, when they fire and when they are OK again', () => {
    expect(alarms.length).toBeGreaterThan(allFunctions.length);
    for (const { id, props } of alarms) {
      expect(props, id).toMatchObject({
        ActionsEnabled: true,
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
      expect(props.AlarmDescription.length, id).toBeGreaterThan(60);
    }
  });

  it('watch the HTTP API: 5xx above 1% of answers and p99 latency above 2 s, for 3 periods of 5 min', () => {
    expect(alarmOn('AWS/ApiGateway', '5xx', apiId).props).toMatchObject({
      Threshold: 0.01,
      ComparisonOperator: 'GreaterThanThreshold',
      DatapointsToAlarm: 3,
    });
    expect(alarmOn('AWS/ApiGateway', '5xx', apiId).metrics[0]?.stat).toBe('Average');
    const latency = alarmOn('AWS/ApiGateway', 'Latency', apiId);
    expect(latency.metrics[0]?.stat).toBe('p99');
    expect(latency.props).toMatchObject({ Threshold: 2000, DatapointsToAlarm: 3 });
  });

  it('fire on any error of an HTTP or event function, and on a step function failing more than 10%', () => {
    for (const spec of [...httpRoutes, ...eventFunctions]) {
      const alarm = alarmOn('AWS/Lambda', 'Errors', functionLogicalId(spec.id));
      expect(alarm.metrics[0]?.stat, spec.id).toBe('Sum');
      expect(alarm.props, spec.id).toMatchObject(onFirst);
    }
    for (const spec of stepFunctions) {
      const alarm = alarmOn('AWS/Lambda', 'Errors', functionLogicalId(spec.id));
      expect(alarm.metrics[0]?.stat, spec.id).toBe('Average');
      expect(alarm.props, spec.id).toMatchObject({ Threshold: 0.1, DatapointsToAlarm: 3 });
    }
  });

  it('fire on any throttled invocation of any function', () => {
    for (const spec of allFunctions) {
      expect(alarmOn('AWS/Lambda', 'Throttles', functionLogicalId(spec.id)).props, spec.id).toMatchObject(
        onFirst,
      );
    }
  });

  it('fire on any failed or timed-out workflow execution', () => {
    expect(machines).toHaveLength(2);
    for (const machine of machines) {
      expect(alarmOn('AWS/States', 'ExecutionsFailed', machine).props).toMatchObject(onFirst);
      expect(alarmOn('AWS/States', 'ExecutionsTimedOut', machine).props).toMatchObject(onFirst);
    }
  });

  it("fire on any message in a dead-letter queue (each event function's, and the outbox pipe's)", () => {
    expect(queues).toHaveLength(eventFunctions.length + 1);
    for (const queue of queues) {
      const alarm = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue);
      expect(alarm.metrics[0]?.stat).toBe('Maximum');
      expect(alarm.props).toMatchObject(onFirst);
    }
  });

  it('fire on any failed execution of the outbox pipe, the one that carries every event to the bus', () => {
    const [pipeId] = only('AWS::Pipes::Pipe');
    const alarm = alarmOn('AWS/EventBridge/Pipes', 'ExecutionFailed', pipeId);
    expect(alarm.metrics[0]?.stat).toBe('Sum');
    expect(alarm.props).toMatchObject(onFirst);
  });

  it('fire on any throttled read or write of any table', () => {
    expect(tables).toHaveLength(5);
    for (const table of tables) {
      expect(alarmOn('AWS/DynamoDB', 'ReadThrottleEvents', table).props).toMatchObject(onFirst);
      expect(alarmOn('AWS/DynamoDB', 'WriteThrottleEvents', table).props).toMatchObject(onFirst);
    }
  });
});

describe('the dashboard', () => {
  const [, dashboard] = only('AWS::CloudWatch::Dashboard');
  const shown = new Set(referencedIds(dashboard.DashboardBody));
  /** The body with every reference replaced by its logical id: the widgets as CloudWatch gets them. */
  const body = JSON.parse(
    (dashboard.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : (referencedIds(part)[0] ?? 'pseudo')))
      .join(''),
  ) as { widgets: { type: string; properties: { metrics?: unknown[][]; markdown?: string } }[] };
  const metricLines = body.widgets.flatMap((w) => w.properties.metrics ?? []);

  it('is named after the stack and stays within CloudWatch limits (500 widgets)', () => {
    expect(dashboard.DashboardName).toBe(stack.stackName);
    expect(body.widgets.length).toBeLessThanOrEqual(500);
  });

  it('shows every function, both workflows, every table, every dead-letter queue and the HTTP API', () => {
    for (const spec of allFunctions) expect(shown, spec.id).toContain(functionLogicalId(spec.id));
    for (const id of [...machines, ...tables, ...queues, apiId]) expect(shown, id).toContain(id);
    expect(shown).toContain(only('AWS::Pipes::Pipe')[0]);
  });

  it('has a business section with every business metric the functions count, in their namespace', () => {
    expect(body.widgets.some((w) => w.properties.markdown?.startsWith('# Business'))).toBe(true);
    for (const name of businessMetricNames) {
      expect(
        metricLines.some(
          (line) => line[0] === metricsNamespace && line[1] === name && line.includes('service'),
        ),
        name,
      ).toBe(true);
    }
  });
});
