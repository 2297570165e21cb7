import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { defaultNotificationSender } from '../../lib/customer-email.ts';
import {
  detailTypesOf,
  env,
  eventFunctions,
  httpRoutes,
  stepFunctions,
} from '../../lib/functions-manifest.ts';
import { type Grant, grantsByFunction } from '../../lib/permissions.ts';
import type { RelaisFunction } from '../../lib/relais-function.ts';
import type { RelaisStack } from '../../lib/relais-stack.ts';

// One synth without esbuild for the whole file: the template is the same apart from asset hashes.
const { stack } = buildApp({ bundle: false });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
  context: Record<string, string>;
};

interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
}

const allFunctions = [...httpRoutes, ...stepFunctions, ...eventFunctions];

function logicalId(construct: IConstruct): string {
  return stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
}
function relaisFunction(id: string): RelaisFunction {
  return stack.node.findChild(id) as RelaisFunction;
}
function functionLogicalId(id: string): string {
  return logicalId(relaisFunction(id).function);
}
function byType(type: string): [string, CfnResourceJson][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}
function propsOf(id: string): Record<string, unknown> {
  const resource = resources[id];
  if (resource === undefined) throw new Error(`no resource ${id}`);
  return resource.Properties ?? {};
}
function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
/** Logical ids a CloudFormation value points at (Ref and Fn::GetAtt, not pseudo parameters), however nested. */
function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') return object.Ref.startsWith('AWS::') ? [] : [object.Ref];
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return [getAtt[0]];
    return Object.values(object).flatMap(referencedIds);
  }
  return [];
}
/** The literal text of a value, pseudo parameters and references dropped (enough to read an ARN's name). */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(literalText).join('');
  if (value !== null && typeof value === 'object') return Object.values(value).map(literalText).join('');
  return '';
}

/** Every Allow statement of the identity policies attached to a role. */
function allowStatementsOfRole(roleLogicalId: string): Statement[] {
  const inline = asArray(propsOf(roleLogicalId).Policies as { PolicyDocument: { Statement: Statement[] } }[]);
  const attached = byType('AWS::IAM::Policy')
    .filter(([, policy]) => referencedIds(policy.Properties?.Roles).includes(roleLogicalId))
    .map(([, policy]) => policy.Properties?.PolicyDocument as { Statement: Statement[] });
  return [...inline.map((policy) => policy.PolicyDocument), ...attached]
    .flatMap((document) => document.Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

/** `action -> resources it is allowed on`, where a resource is a logical id it references or its literal ARN. */
function permissionsOf(functionId: string): Map<string, Set<string>> {
  const permissions = new Map<string, Set<string>>();
  for (const statement of allowStatementsOfRole(logicalId(relaisFunction(functionId).role))) {
    for (const action of asArray(statement.Action)) {
      const targets = permissions.get(action) ?? new Set<string>();
      for (const resource of asArray(statement.Resource)) {
        const ids = referencedIds(resource);
        for (const target of ids.length > 0 ? ids : [literalText(resource)]) targets.add(target);
      }
      permissions.set(action, targets);
    }
  }
  return permissions;
}
function can(functionId: string, action: string, resource: string): boolean {
  return permissionsOf(functionId).get(action)?.has(resource) ?? false;
}

const relais = stack as RelaisStack;
const tableIds = {
  orders: logicalId(relais.node.findChild('Tables').node.findChild('Orders').node.findChild('Table')),
  inventory: logicalId(relais.node.findChild('Tables').node.findChild('Inventory').node.findChild('Table')),
  network: logicalId(relais.node.findChild('Tables').node.findChild('Network').node.findChild('Table')),
  idempotency: logicalId(
    relais.node.findChild('Tables').node.findChild('Idempotency').node.findChild('Table'),
  ),
  outbox: logicalId(relais.node.findChild('Tables').node.findChild('Outbox').node.findChild('Table')),
};
const busId = byType('AWS::Events::EventBus')[0]?.[0] ?? '';
const queueIds = byType('AWS::SQS::Queue').map(([id]) => id);
/** The outbox pipe's dead-letter queue, and the bus rules' ones. */
const pipeDeadLetterQueueIds = queueIds.filter((id) => id.startsWith('OutboxPipe'));
const ruleDeadLetterQueueIds = queueIds.filter((id) => !id.startsWith('OutboxPipe'));
/** every dead-letter queue, the bus rules' and the outbox pipe's: the alerts review reads their depth */
const deadLetterQueueIds = [...ruleDeadLetterQueueIds, ...pipeDeadLetterQueueIds];
const bucketId = byType('AWS::S3::Bucket')[0]?.[0] ?? '';
const secretId = byType('AWS::SecretsManager::Secret')[0]?.[0] ?? '';
const fulfilmentArn = `:stateMachine:${relais.fulfilmentStateMachineName}`;
const returnArn = `:stateMachine:${relais.returnStateMachineName}`;
const readActions = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'];
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

describe('Lambda functions', () => {
  const functions = byType('AWS::Lambda::Function');

  it('are one per manifest entry, and only those', () => {
    expect(functions).toHaveLength(allFunctions.length);
    for (const spec of allFunctions)
      expect(resources[functionLogicalId(spec.id)]?.Type, spec.id).toBe('AWS::Lambda::Function');
  });

  it('run Node.js 24 on arm64 with X-Ray tracing, 1 GB, and a log group of their own', () => {
    const logGroups = new Set<string>();
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 1024,
      });
      const logGroup =
        referencedIds((fn.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup)[0] ??
        '';
      expect(resources[logGroup]?.Type).toBe('AWS::Logs::LogGroup');
      expect(propsOf(logGroup).RetentionInDays).toBeGreaterThan(0);
      logGroups.add(logGroup);
    }
    expect(logGroups.size).toBe(functions.length);
  });

  it('give an HTTP handler 29 s (the API Gateway limit) and a workflow step 60 s', () => {
    for (const spec of httpRoutes) expect(propsOf(functionLogicalId(spec.id)).Timeout).toBe(29);
    for (const spec of stepFunctions) expect(propsOf(functionLogicalId(spec.id)).Timeout).toBe(60);
  });

  it('all receive every variable of the manifest, bound to the right resource', () => {
    const fulfilment = byType('AWS::StepFunctions::StateMachine').find(
      ([, machine]) => machine.Properties?.StateMachineName === relais.fulfilmentStateMachineName,
    );
    expect(fulfilment).toBeDefined();
    for (const spec of allFunctions) {
      const variables = (
        propsOf(functionLogicalId(spec.id)).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [
          ...Object.values(env),
          'NODE_OPTIONS',
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_METRICS_NAMESPACE',
        ].sort(),
      );
      expect(variables[env.ordersTable]).toEqual({ Ref: tableIds.orders });
      expect(variables[env.inventoryTable]).toEqual({ Ref: tableIds.inventory });
      expect(variables[env.networkTable]).toEqual({ Ref: tableIds.network });
      expect(variables[env.idempotencyTable]).toEqual({ Ref: tableIds.idempotency });
      expect(variables[env.outboxTable]).toEqual({ Ref: tableIds.outbox });
      expect(variables[env.eventBus]).toEqual({ Ref: busId });
      expect(variables[env.labelsBucket]).toEqual({ Ref: bucketId });
      expect(variables[env.webhookSecretArn]).toEqual({ Ref: secretId });
      expect(literalText(variables[env.fulfilmentStateMachine])).toMatch(new RegExp(`${fulfilmentArn}$`));
      expect(literalText(variables[env.returnStateMachine])).toMatch(new RegExp(`${returnArn}$`));
      // every rule's dead-letter queue and the outbox pipe's by URL (a queue's Ref), for the alerts to read their depth
      expect(referencedIds(variables[env.deadLetterQueues]).sort()).toEqual([...deadLetterQueueIds].sort());
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'relais',
        POWERTOOLS_METRICS_NAMESPACE: 'Relais',
      });
    }
  });
});

describe('IAM', () => {
  it('allows no wildcard action in any policy, identity or resource', () => {
    const offenders: string[] = [];
    const visit = (where: string, value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(where, item);
      } else if (value !== null && typeof value === 'object') {
        const statement = value as Partial<Statement>;
        if (statement.Effect === 'Allow' && statement.Action !== undefined) {
          for (const action of asArray(statement.Action))
            if (action.includes('*')) offenders.push(`${where}: ${action}`);
        }
        for (const child of Object.values(value)) visit(where, child);
      }
    };
    for (const [id, resource] of Object.entries(resources)) visit(id, resource.Properties);
    expect(offenders).toEqual([]);
  });

  it('attaches no managed policy to any role (AWSLambdaBasicExecutionRole reaches every log group)', () => {
    for (const [, role] of byType('AWS::IAM::Role'))
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('lets CreateOrder start the fulfilment workflow, and only that one', () => {
    const starts = [...(permissionsOf('CreateOrder').get('states:StartExecution') ?? [])];
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatch(new RegExp(`${fulfilmentArn}$`));
  });

  it('gives GetOrder reads of the orders table and no write at all', () => {
    expect(can('GetOrder', 'dynamodb:GetItem', tableIds.orders)).toBe(true);
    expect(can('GetOrder', 'dynamodb:Query', tableIds.orders)).toBe(true);
    const actions = [...permissionsOf('GetOrder').keys()];
    for (const action of writeActions) expect(actions).not.toContain(action);
  });

  it('lets PUT /carriers write the network table, and the GET carrier routes only read it', () => {
    expect(can('PutCarrier', 'dynamodb:PutItem', tableIds.network)).toBe(true);
    expect(can('PutCarrier', 'dynamodb:PutItem', tableIds.orders)).toBe(false);
    for (const id of ['ListCarriers', 'GetCarrier']) {
      expect(can(id, 'dynamodb:Query', tableIds.network)).toBe(true);
      for (const action of writeActions) expect(can(id, action, tableIds.network)).toBe(false);
    }
  });

  it('lets DeliveryOutcome count deliveries in the network table, read orders and never write them', () => {
    expect(can('DeliveryOutcome', 'dynamodb:UpdateItem', tableIds.network)).toBe(true);
    expect(can('DeliveryOutcome', 'dynamodb:GetItem', tableIds.orders)).toBe(true);
    for (const action of writeActions) expect(can('DeliveryOutcome', action, tableIds.orders)).toBe(false);
    expect(can('DeliveryOutcome', 'dynamodb:PutItem', tableIds.outbox)).toBe(true);
  });

  it('lets the analytics routes read the order history and nothing else, and GET /alerts review the network', () => {
    for (const id of ['GetKpis', 'ExportOrders']) {
      expect(can(id, 'dynamodb:Query', tableIds.orders)).toBe(true);
      for (const action of writeActions) expect(can(id, action, tableIds.orders)).toBe(false);
      expect(can(id, 'dynamodb:Scan', tableIds.inventory)).toBe(false);
      expect(can(id, 'events:PutEvents', busId)).toBe(false);
    }
    // the open alerts live in the orders table; stock is scanned, carrier counters read, AlertRaised.v1 put
    expect(can('GetAlerts', 'dynamodb:PutItem', tableIds.orders)).toBe(true);
    expect(can('GetAlerts', 'dynamodb:DeleteItem', tableIds.orders)).toBe(true);
    expect(can('GetAlerts', 'dynamodb:Scan', tableIds.inventory)).toBe(true);
    for (const action of writeActions) expect(can('GetAlerts', action, tableIds.inventory)).toBe(false);
    expect(can('GetAlerts', 'dynamodb:Query', tableIds.network)).toBe(true);
    expect(can('GetAlerts', 'dynamodb:PutItem', tableIds.outbox)).toBe(true);
    expect(can('GetAlerts', 'events:PutEvents', busId)).toBe(false);
    expect(ruleDeadLetterQueueIds).toHaveLength(eventFunctions.length);
    expect(pipeDeadLetterQueueIds).toHaveLength(1);
    expect(permissionsOf('GetAlerts').get('sqs:GetQueueAttributes')).toEqual(new Set(deadLetterQueueIds));
  });

  it('lets the query index be read by name, not through index/*', () => {
    const ordersReaders = permissionsOf('GetOrder').get('dynamodb:Query') ?? new Set();
    expect(ordersReaders.has(tableIds.orders)).toBe(true);
    const statement = allowStatementsOfRole(logicalId(relaisFunction('GetOrder').role)).find((s) =>
      asArray(s.Action).includes('dynamodb:Query'),
    );
    const arns = asArray(statement?.Resource).map(literalText);
    expect(arns.some((arn) => arn.endsWith('/index/GSI1'))).toBe(true);
    expect(arns.some((arn) => arn.includes('*'))).toBe(false);
  });

  // The roles, read back from the template, must be exactly the table in lib/permissions.ts.
  describe.each(allFunctions.map((spec) => spec.id))('%s', (id) => {
    const grants = new Set<Grant>(grantsByFunction[id] ?? []);
    const tables: [keyof typeof tableIds, Grant, Grant | undefined][] = [
      ['orders', 'orders:read', 'orders:write'],
      ['inventory', 'inventory:read', 'inventory:write'],
      ['network', 'network:read', 'network:write'],
      ['idempotency', 'idempotency:write', 'idempotency:write'],
    ];

    it.each(tables)('reads and writes the %s table exactly as granted', (table, read, write) => {
      const mayWrite = write !== undefined && grants.has(write);
      const mayRead = grants.has(read) || mayWrite;
      for (const action of readActions) expect(can(id, action, tableIds[table])).toBe(mayRead);
      for (const action of writeActions) expect(can(id, action, tableIds[table])).toBe(mayWrite);
    });

    it('publishes events, starts workflows, completes tasks and reads labels and secrets only as granted', () => {
      // events leave through the outbox: new items in its table, never a read or a change, never the bus
      expect(can(id, 'dynamodb:PutItem', tableIds.outbox)).toBe(grants.has('events:put'));
      for (const action of [...readActions, ...writeActions].filter((a) => a !== 'dynamodb:PutItem'))
        expect(can(id, action, tableIds.outbox)).toBe(false);
      expect(can(id, 'events:PutEvents', busId)).toBe(false);
      const starts = [...(permissionsOf(id).get('states:StartExecution') ?? [])];
      expect(starts.some((arn) => arn.endsWith(fulfilmentArn))).toBe(grants.has('fulfilment:start'));
      expect(starts.some((arn) => arn.endsWith(returnArn))).toBe(grants.has('return:start'));
      expect(permissionsOf(id).has('states:SendTaskSuccess')).toBe(grants.has('tasks:callback'));
      expect(permissionsOf(id).has('states:SendTaskFailure')).toBe(grants.has('tasks:callback'));
      expect(can(id, 's3:GetObject', bucketId)).toBe(grants.has('labels:read') || grants.has('labels:write'));
      expect(can(id, 's3:PutObject', bucketId)).toBe(grants.has('labels:write'));
      expect(can(id, 'secretsmanager:GetSecretValue', secretId)).toBe(grants.has('webhookSecret:read'));
      // an event function may ask about its own dead-letter queue (its failure destination's grant), no other
      const readable = deadLetterQueueIds.filter((queueId) => can(id, 'sqs:GetQueueAttributes', queueId));
      if (grants.has('deadLetters:read')) expect(readable).toEqual(deadLetterQueueIds);
      else expect(readable.length).toBeLessThanOrEqual(eventFunctions.some((f) => f.id === id) ? 1 : 0);
    });
  });

  it('gives Health nothing beyond its own logs and X-Ray', () => {
    expect([...permissionsOf('Health').keys()].sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });
});

describe('DynamoDB tables', () => {
  const tables = byType('AWS::DynamoDB::Table');

  it('are the five tables, on demand, with point-in-time recovery, encrypted, kept on stack deletion', () => {
    expect(tables).toHaveLength(5);
    for (const [, table] of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
      expect(table.Properties?.TableName).toBeUndefined();
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('key the single-table designs on PK/SK, with GSI1 on the orders table', () => {
    for (const table of ['orders', 'inventory', 'network'] as const) {
      expect(propsOf(tableIds[table]).KeySchema).toEqual([
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ]);
    }
    expect(propsOf(tableIds.orders).GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
  });

  it('expire the orders and inventory items that carry an expiresAt (undo ledgers, daily counters)', () => {
    for (const table of ['orders', 'inventory'] as const)
      expect(propsOf(tableIds[table]).TimeToLiveSpecification).toEqual({
        AttributeName: 'expiresAt',
        Enabled: true,
      });
    expect(propsOf(tableIds.network).TimeToLiveSpecification).toBeUndefined();
  });

  it('lay the idempotency table out as Powertools expects, expiring records by TTL', () => {
    expect(propsOf(tableIds.idempotency)).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
  });
});

describe('HTTP API', () => {
  const routes = byType('AWS::ApiGatewayV2::Route');
  const routeFor = (route: string) => {
    const found = routes.find(([, r]) => r.Properties?.RouteKey === route);
    if (found === undefined) throw new Error(`no route ${route}`);
    return found[1].Properties ?? {};
  };

  it('has one route per manifest entry', () => {
    expect(routes.map(([, r]) => r.Properties?.RouteKey).sort()).toEqual(
      httpRoutes.map((r) => r.route).sort(),
    );
  });

  it('puts every authorized route behind the JWT authorizer, and only those', () => {
    const [authorizerId, authorizer] = byType('AWS::ApiGatewayV2::Authorizer')[0] ?? [];
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: cdkJson.context['relais:jwtIssuer'],
        Audience: [cdkJson.context['relais:jwtAudience']],
      },
    });
    for (const spec of httpRoutes) {
      const route = routeFor(spec.route);
      if (spec.authorized) {
        expect(route.AuthorizationType, spec.route).toBe('JWT');
        expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route.AuthorizationType, spec.route).toBe('NONE');
      }
    }
    for (const operators of ['GET /analytics/kpis', 'GET /analytics/orders', 'GET /alerts'])
      expect(routeFor(operators).AuthorizationType).toBe('JWT');
    expect(routeFor('GET /health').AuthorizationType).toBe('NONE');
    expect(routeFor('POST /webhooks/carriers/{carrierId}').AuthorizationType).toBe('NONE');
  });

  it("sends each route to its own function's Lambda proxy integration, payload format 2.0", () => {
    for (const spec of httpRoutes) {
      const [integrationId] = referencedIds(routeFor(spec.route).Target);
      expect(propsOf(integrationId ?? '')).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionLogicalId(spec.id), 'Arn'] },
      });
    }
  });

  it('logs every request of the $default stage and throttles it', () => {
    const [, stage] = byType('AWS::ApiGatewayV2::Stage')[0] ?? [];
    expect(stage?.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
      },
    });
    const logs = stage?.Properties?.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(resources[referencedIds(logs.DestinationArn)[0] ?? '']?.Type).toBe('AWS::Logs::LogGroup');
    expect(logs.Format).toContain('$context.requestId');
    template.hasOutput('ApiUrl', {});
  });
});

describe('events', () => {
  const rules = byType('AWS::Events::Rule');

  it('route each event function from the custom bus, with retries and a dead-letter queue', () => {
    expect(rules).toHaveLength(eventFunctions.length);
    for (const spec of eventFunctions) {
      const types = detailTypesOf(spec);
      const rule = rules.find(
        ([, r]) =>
          JSON.stringify(
            (r.Properties?.EventPattern as Record<string, unknown> | undefined)?.['detail-type'],
          ) === JSON.stringify(types),
      );
      expect(rule?.[1].Properties).toMatchObject({
        EventBusName: { Ref: busId },
        EventPattern: { source: [spec.source], 'detail-type': types },
        State: 'ENABLED',
      });
      const targets = rule?.[1].Properties?.Targets as Record<string, unknown>[];
      expect(targets).toHaveLength(1);
      expect(targets[0]).toMatchObject({
        Arn: { 'Fn::GetAtt': [functionLogicalId(spec.id), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: expect.any(Number) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      const queueId = referencedIds(targets[0]?.DeadLetterConfig)[0] ?? '';
      expect(resources[queueId]?.Type).toBe('AWS::SQS::Queue');
      expect(propsOf(queueId).SqsManagedSseEnabled).toBe(true);
    }
  });

  it('send an event the function still fails on after Lambda’s own retries to the same dead-letter queue', () => {
    const configs = byType('AWS::Lambda::EventInvokeConfig');
    expect(configs).toHaveLength(eventFunctions.length);
    for (const spec of eventFunctions) {
      const rule = rules.find(([, r]) =>
        referencedIds(r.Properties?.Targets).includes(functionLogicalId(spec.id)),
      );
      const targets = (rule?.[1].Properties?.Targets ?? []) as Record<string, unknown>[];
      const queueId = referencedIds(targets[0]?.DeadLetterConfig)[0];
      expect(queueId).toBeDefined();
      const config = configs.find(([, c]) =>
        referencedIds(c.Properties?.FunctionName).includes(functionLogicalId(spec.id)),
      );
      expect(config?.[1].Properties).toMatchObject({ MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
      expect(referencedIds(config?.[1].Properties?.DestinationConfig)).toEqual([queueId]);
    }
  });

  it('archive what Relais publishes', () => {
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] } });
  });
});

describe('customer e-mail', () => {
  const [identityId, identity] = byType('AWS::SES::EmailIdentity')[0] ?? [];
  const [configurationSetId, configurationSet] = byType('AWS::SES::ConfigurationSet')[0] ?? [];

  it('verifies the sender as an SES identity sending through a configuration set that requires TLS', () => {
    expect(byType('AWS::SES::EmailIdentity')).toHaveLength(1);
    expect(identity?.Properties).toMatchObject({
      EmailIdentity: defaultNotificationSender,
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSetId } },
    });
    expect(configurationSet?.Properties).toMatchObject({
      Name: 'Relais-notifications',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('tells every function the sender and the configuration set by their literal names', () => {
    for (const spec of allFunctions) {
      const variables = (
        propsOf(functionLogicalId(spec.id)).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(variables[env.notificationSender]).toBe(identity?.Properties?.EmailIdentity);
      expect(variables[env.sesConfigurationSet]).toBe(configurationSet?.Properties?.Name);
    }
  });

  it('lets only NotifyCustomer send, from that identity through that configuration set', () => {
    for (const spec of allFunctions) {
      const targets = [...(permissionsOf(spec.id).get('ses:SendEmail') ?? [])];
      if (spec.id !== 'NotifyCustomer') {
        expect(targets, spec.id).toEqual([]);
        continue;
      }
      expect(targets.sort()).toEqual([identityId, configurationSetId].sort());
      expect(permissionsOf(spec.id).has('ses:SendRawEmail')).toBe(false);
    }
  });

  it('takes the sender from the CDK context, and refuses one that is not an address', () => {
    const custom = Template.fromStack(
      buildApp({ bundle: false, nag: false, context: { 'relais:notificationSender': 'orders@shop.fr' } })
        .stack,
    );
    custom.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'orders@shop.fr' });
    expect(() =>
      buildApp({ bundle: false, nag: false, context: { 'relais:notificationSender': 'not an address' } }),
    ).toThrow(/relais:notificationSender must be an e-mail address/);
  }, 60_000);
});

describe('the transactional outbox', () => {
  const [pipeId, pipe] = byType('AWS::Pipes::Pipe')[0] ?? [];
  const props = pipe?.Properties ?? {};
  const parameters = props.SourceParameters as Record<string, Record<string, unknown>>;
  const streamParameters = parameters.DynamoDBStreamParameters ?? {};

  it('streams the new image of each outbox item, which TTL removes once delivered', () => {
    expect(propsOf(tableIds.outbox).StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(propsOf(tableIds.outbox).TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    for (const table of ['orders', 'inventory', 'network', 'idempotency'] as const)
      expect(propsOf(tableIds[table]).StreamSpecification).toBeUndefined();
  });

  it('is one pipe from the outbox stream to the custom bus', () => {
    expect(byType('AWS::Pipes::Pipe')).toHaveLength(1);
    expect(props.Source).toEqual({ 'Fn::GetAtt': [tableIds.outbox, 'StreamArn'] });
    expect(props.Target).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
    expect(streamParameters.StartingPosition).toBe('TRIM_HORIZON');
  });

  it('keeps only new outbox items, and makes each the event it holds', () => {
    const filters = (parameters.FilterCriteria?.Filters ?? []) as { Pattern: string }[];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['outbox'] } } } },
    ]);
    expect(props.TargetParameters).toEqual({
      InputTemplate: '<$.dynamodb.NewImage.detail.S>',
      EventBridgeEventBusParameters: {
        Source: '$.dynamodb.NewImage.source.S',
        DetailType: '$.dynamodb.NewImage.detailType.S',
        Resources: ['$.dynamodb.NewImage.resource.S'],
      },
    });
  });

  it('sends what the bus keeps refusing to an encrypted dead-letter queue', () => {
    const deadLetter = (streamParameters.DeadLetterConfig as { Arn: unknown } | undefined)?.Arn;
    const [queueId] = referencedIds(deadLetter);
    expect(queueId).toBeDefined();
    expect(resources[queueId ?? '']?.Type).toBe('AWS::SQS::Queue');
    expect(propsOf(queueId ?? '').SqsManagedSseEnabled).toBe(true);
    expect(streamParameters.OnPartialBatchItemFailure).toBe('AUTOMATIC_BISECT');
  });

  it('runs under a role that reads this stream, puts on this bus and dead-letters to this queue, nothing else', () => {
    const roleId = referencedIds(props.RoleArn)[0] ?? '';
    expect(resources[roleId]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [{ Principal: { Service: 'pipes.amazonaws.com' } }],
    });
    const granted = allowStatementsOfRole(roleId).flatMap((statement) =>
      asArray(statement.Action).flatMap((action) =>
        asArray(statement.Resource).map((resource) => `${action} ${JSON.stringify(resource)}`),
      ),
    );
    const stream = JSON.stringify({ 'Fn::GetAtt': [tableIds.outbox, 'StreamArn'] });
    const queueId = referencedIds((streamParameters.DeadLetterConfig as { Arn: unknown }).Arn)[0];
    expect(granted.sort()).toEqual(
      [
        `dynamodb:DescribeStream ${stream}`,
        `dynamodb:GetRecords ${stream}`,
        `dynamodb:GetShardIterator ${stream}`,
        `dynamodb:ListStreams ${stream}`,
        `events:PutEvents ${JSON.stringify({ 'Fn::GetAtt': [busId, 'Arn'] })}`,
        `sqs:SendMessage ${JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] })}`,
      ].sort(),
    );
    expect(pipeId).toBeDefined();
  });
});

describe('labels bucket and webhook secret', () => {
  it('keep labels private, encrypted, TLS-only, and expire them', () => {
    expect(propsOf(bucketId)).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 400, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
      },
    });
    expect(byType('Custom::S3AutoDeleteObjects')).toHaveLength(0);
  });

  it('generates the webhook HMAC key rather than taking it from the template', () => {
    expect(propsOf(secretId).GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(propsOf(secretId).SecretString).toBeUndefined();
  });
});
