import { beforeAll, describe, expect, it } from 'vitest';
import { defaultNotificationSender } from '../../lib/customer-email.ts';
import {
  detailTypesOf,
  env,
  eventFunctions,
  httpRoutes,
  stepFunctions,
} from '../../lib/functions-manifest.ts';
import { manifestIdsByLogicalId } from '../../local/cloud.ts';
import { synthTemplate } from '../../local/synth.ts';
import type { CfnTemplate } from '../../local/template/intrinsics.ts';
import { describeTemplate, type LocalCloudModel } from '../../local/template/resources.ts';

// The real stack, synthesized without bundling: what the local cloud will read from cdk.out.
let template: CfnTemplate;
let model: LocalCloudModel;

beforeAll(async () => {
  template = await synthTemplate();
  model = describeTemplate(template);
}, 180_000);

const tableNamed = (fragment: string) => {
  const table = model.tables.find((t) => t.logicalId.includes(fragment));
  if (table === undefined) throw new Error(`no ${fragment} table`);
  return table;
};

describe('the synthesized Relais stack, as the local cloud reads it', () => {
  it('has the five tables with their keys, the orders GSI, the idempotency TTL and the outbox stream', () => {
    expect(model.tables).toHaveLength(5);
    const orders = tableNamed('Orders');
    expect(orders.createTableInput.KeySchema).toEqual([
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ]);
    expect(orders.createTableInput.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    for (const name of ['Inventory', 'Network']) {
      expect(tableNamed(name).createTableInput.KeySchema?.map((k) => k.AttributeName)).toEqual(['PK', 'SK']);
    }
    const idempotency = tableNamed('Idempotency');
    expect(idempotency.createTableInput.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(idempotency.timeToLiveAttribute).toBe('expiration');
    const outbox = tableNamed('Outbox');
    expect(outbox.createTableInput.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_IMAGE',
    });
    expect(outbox.timeToLiveAttribute).toBe('expiresAt');
    expect(model.tables.filter((t) => t.streamViewType !== undefined)).toEqual([outbox]);
  });

  it('serves every manifest route, integrated with that entry’s function, authorized as the manifest says', () => {
    const byLogicalId = manifestIdsByLogicalId(model.functions);
    for (const spec of httpRoutes) {
      const route = model.routes.find((r) => r.routeKey === spec.route);
      expect(route, spec.route).toBeDefined();
      expect(route?.authorized, spec.route).toBe(spec.authorized);
      const fn = model.functions.find((f) => f.arn === route?.functionArn);
      expect(fn && byLogicalId.get(fn.logicalId)?.id, spec.route).toBe(spec.id);
    }
    expect(model.routes).toHaveLength(httpRoutes.length);
  });

  it('runs the outbox pipe from the outbox stream to the bus, with its filter and target', () => {
    expect(model.pipes).toEqual([
      expect.objectContaining({
        tableName: tableNamed('Outbox').tableName,
        eventBusName: model.eventBuses[0]?.name,
        filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['outbox'] } } } }],
        startingPosition: 'TRIM_HORIZON',
        inputTemplate: '<$.dynamodb.NewImage.detail.S>',
        source: '$.dynamodb.NewImage.source.S',
        detailType: '$.dynamodb.NewImage.detailType.S',
        resources: ['$.dynamodb.NewImage.resource.S'],
        deadLetterArn: expect.stringContaining(':sqs:'),
      }),
    ]);
  });

  it('maps every function of the template to its manifest entry', () => {
    const ids = [...manifestIdsByLogicalId(model.functions).values()].map((entry) => entry.id).sort();
    const manifest = [...httpRoutes, ...stepFunctions, ...eventFunctions].map((entry) => entry.id).sort();
    expect(ids).toEqual(manifest);
  });

  it('gives every function the same resolved configuration, pointing at resources that exist locally', () => {
    const [first, ...rest] = model.functions;
    const environment = first?.environment ?? {};
    const [fulfilment, returns] = ['Relais-fulfilment', 'Relais-return'].map(
      (name) => model.stateMachines.find((machine) => machine.name === name)?.arn,
    );
    expect(model.eventBuses).toHaveLength(1);
    expect(model.buckets).toHaveLength(1);
    expect(model.secrets).toHaveLength(1);
    const expected: Record<string, string | undefined> = {
      [env.ordersTable]: tableNamed('Orders').tableName,
      [env.inventoryTable]: tableNamed('Inventory').tableName,
      [env.networkTable]: tableNamed('Network').tableName,
      [env.idempotencyTable]: tableNamed('Idempotency').tableName,
      [env.outboxTable]: tableNamed('Outbox').tableName,
      [env.eventBus]: model.eventBuses[0]?.name,
      [env.fulfilmentStateMachine]: fulfilment,
      [env.returnStateMachine]: returns,
      [env.labelsBucket]: model.buckets[0]?.bucketName,
      [env.webhookSecretArn]: model.secrets[0]?.arn,
      [env.notificationSender]: defaultNotificationSender,
      [env.sesConfigurationSet]: 'Relais-notifications',
      // each bus rule's dead-letter queue and the outbox pipe's by local URL (the queue's Ref), for the alerts
      [env.deadLetterQueues]: [
        ...model.rules.flatMap((rule) =>
          rule.targets.flatMap((t) => (t.deadLetterArn ? [t.deadLetterArn] : [])),
        ),
        ...model.pipes.flatMap((pipe) => (pipe.deadLetterArn ? [pipe.deadLetterArn] : [])),
      ]
        .map((arn) => `http://sqs.eu-west-1.localhost/000000000000/${arn.slice(arn.lastIndexOf(':') + 1)}`)
        .sort()
        .join(','),
    };
    for (const value of Object.values(expected)) expect(value).toEqual(expect.stringMatching(/\S/));
    const inOrder = (name: string, value: string | undefined) =>
      name === env.deadLetterQueues ? value?.split(',').sort().join(',') : value;
    for (const name of Object.values(env))
      expect(inOrder(name, environment[name]), name).toBe(expected[name]);
    expect(expected[env.deadLetterQueues]?.split(',')).toHaveLength(
      eventFunctions.length + model.pipes.length,
    );
    expect(model.pipes).toHaveLength(1);
    for (const fn of rest) {
      for (const name of Object.values(env))
        expect(fn.environment[name], `${fn.logicalId} ${name}`).toBe(environment[name]);
    }
  });

  it('runs both workflows with every Lambda resource resolved to a function of the stack', () => {
    expect(model.stateMachines.map((m) => m.name).sort()).toEqual(['Relais-fulfilment', 'Relais-return']);
    const arns = new Set(model.functions.map((f) => f.arn));
    for (const machine of model.stateMachines) {
      const text = JSON.stringify(machine.definition);
      expect(text).not.toMatch(/\$\{[A-Za-z0-9_]+\}/);
      const lambdaArns = [...text.matchAll(/arn:aws:lambda:[^"]+/g)].map((m) => m[0]);
      expect(lambdaArns.length, machine.name).toBeGreaterThan(0);
      for (const arn of lambdaArns) expect(arns.has(arn), `${machine.name} → ${arn}`).toBe(true);
    }
  });

  it('routes each event function’s events on the custom bus to that function, with a dead-letter queue', () => {
    const byLogicalId = manifestIdsByLogicalId(model.functions);
    for (const spec of eventFunctions) {
      const types = detailTypesOf(spec);
      const rule = model.rules.find(
        (r) =>
          JSON.stringify((r.pattern as Record<string, unknown>)['detail-type']) === JSON.stringify(types),
      );
      expect(rule, types.join()).toBeDefined();
      expect(rule?.eventBusName).toBe(model.eventBuses[0]?.name);
      expect(rule?.pattern).toEqual({ source: [spec.source], 'detail-type': types });
      const [target] = rule?.targets ?? [];
      const fn = model.functions.find((f) => f.arn === target?.arn);
      expect(fn && byLogicalId.get(fn.logicalId)?.id).toBe(spec.id);
      expect(target?.deadLetterArn).toMatch(/^arn:aws:sqs:/);
    }
  });
});
