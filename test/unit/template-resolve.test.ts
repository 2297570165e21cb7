// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub and ASL placeholders are written ${Name}
import { describe, expect, it } from 'vitest';
import { functionArn } from '../../local/account.ts';
import { type CfnTemplate, refOf, resolveValue, TemplateError } from '../../local/template/intrinsics.ts';
import {
  applySubstitutions,
  describeTemplate,
  listBuckets,
  listFunctions,
  listRoutes,
  listRules,
  listStateMachines,
  listTables,
} from '../../local/template/resources.ts';

const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;

/** A hand-written fragment in the shapes CDK synthesizes. */
const template: CfnTemplate = {
  Parameters: { Stage: { Type: 'String', Default: 'local' } },
  Conditions: {
    IsLocal: { 'Fn::Equals': [{ Ref: 'Stage' }, 'local'] },
    IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
  },
  Mappings: { Sizes: { Default: { Memory: 512 } } },
  Resources: {
    OrdersTable12345678: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'PK', AttributeType: 'S' },
          { AttributeName: 'SK', AttributeType: 'S' },
          { AttributeName: 'GSI1PK', AttributeType: 'S' },
          { AttributeName: 'GSI1SK', AttributeType: 'S' },
        ],
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          },
        ],
        SSESpecification: { SSEEnabled: true },
      },
    },
    IdempotencyTableABCDEF12: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      },
    },
    ProdOnlyTable: {
      Type: 'AWS::DynamoDB::Table',
      Condition: 'IsProd',
      Properties: { KeySchema: [], AttributeDefinitions: [] },
    },
    Bus45DE4339: { Type: 'AWS::Events::EventBus', Properties: { Name: 'RelaisBus' } },
    LabelsBA41E4AA: { Type: 'AWS::S3::Bucket', Properties: {} },
    Secret1234: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    DeadLetters99: { Type: 'AWS::SQS::Queue', Properties: {} },
    GetOrderFunction11F6E8EC: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: {
          S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' },
          S3Key: `${'ab'.repeat(32)}.zip`,
        },
        Handler: 'index.handler',
        Runtime: 'nodejs24.x',
        Timeout: 29,
        MemorySize: { 'Fn::FindInMap': ['Sizes', 'Default', 'Memory'] },
        Environment: {
          Variables: {
            ORDERS_TABLE: { Ref: 'OrdersTable12345678' },
            ORDERS_TABLE_ARN: { 'Fn::GetAtt': ['OrdersTable12345678', 'Arn'] },
            EVENT_BUS_NAME: { Ref: 'Bus45DE4339' },
            LABELS_BUCKET: { Ref: 'LabelsBA41E4AA' },
            SECRET_ARN: { Ref: 'Secret1234' },
            FULFILMENT_STATE_MACHINE_ARN: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':states:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':stateMachine:Relais-fulfilment',
                ],
              ],
            },
            QUEUE: { 'Fn::GetAtt': 'DeadLetters99.Arn' },
            STAGE: { 'Fn::If': ['IsLocal', 'on-this-machine', 'in-the-cloud'] },
            FIRST_ZONE: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
            TEMPLATED: {
              'Fn::Sub': [
                '${Bus45DE4339}/${Thing}/${!Literal}/${LabelsBA41E4AA.Arn}',
                { Thing: { Ref: 'Stage' } },
              ],
            },
          },
        },
      },
      Metadata: { 'aws:cdk:path': 'Relais/GetOrder/Function/Resource', 'aws:asset:path': 'asset.given' },
    },
    StepFunctionABCD1234: {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { ZipFile: 'exports.handler = async () => 1' }, Handler: 'index.handler' },
    },
    WorkflowStateMachine1: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'fulfilment']] },
        DefinitionString: {
          'Fn::Join': [
            '',
            [
              '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${StepArn}","Parameters":{"id.$":"$.id"},',
              '"Next":"B"},"B":{"Type":"Task","Resource":"',
              { 'Fn::GetAtt': ['GetOrderFunction11F6E8EC', 'Arn'] },
              '","End":true}}}',
            ],
          ],
        },
        DefinitionSubstitutions: { StepArn: { 'Fn::GetAtt': ['StepFunctionABCD1234', 'Arn'] } },
      },
    },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    GetOrderIntegration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: { Ref: 'Api' },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': ['GetOrderFunction11F6E8EC', 'Arn'] },
        PayloadFormatVersion: '2.0',
      },
    },
    HealthIntegration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: {
        ApiId: { Ref: 'Api' },
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: {
          'Fn::Join': [
            '',
            [
              'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/',
              { 'Fn::GetAtt': ['StepFunctionABCD1234', 'Arn'] },
              '/invocations',
            ],
          ],
        },
      },
    },
    GetOrderRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: 'GET /orders/{orderId}',
        AuthorizationType: 'JWT',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'GetOrderIntegration' }]] },
      },
    },
    HealthRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: 'GET /health',
        AuthorizationType: 'NONE',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'HealthIntegration' }]] },
      },
    },
    TrackingRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'Bus45DE4339' },
        EventPattern: { source: ['relais.carriers'], 'detail-type': ['CarrierTrackingEvent.v1'] },
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': ['GetOrderFunction11F6E8EC', 'Arn'] },
            Id: 'Target0',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetters99', 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
          },
        ],
      },
    },
    NightlyRule: {
      Type: 'AWS::Events::Rule',
      Properties: { ScheduleExpression: 'rate(1 day)', Targets: [] },
    },
  },
};

describe('intrinsics', () => {
  it('resolves pseudo parameters, Join, Sub (with variables and ${!escapes}), Select, Split, If and FindInMap', () => {
    const [fn] = listFunctions(template).filter((f) => f.logicalId === 'GetOrderFunction11F6E8EC');
    expect(fn?.environment).toEqual({
      ORDERS_TABLE: 'OrdersTable12345678',
      ORDERS_TABLE_ARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/OrdersTable12345678',
      EVENT_BUS_NAME: 'RelaisBus',
      LABELS_BUCKET: 'labelsba41e4aa',
      SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:Secret1234',
      FULFILMENT_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Relais-fulfilment',
      QUEUE: 'arn:aws:sqs:eu-west-1:000000000000:DeadLetters99',
      STAGE: 'on-this-machine',
      FIRST_ZONE: 'b',
      TEMPLATED: 'RelaisBus/local/${Literal}/arn:aws:s3:::labelsba41e4aa',
    });
    expect(fn?.memoryMb).toBe(512);
  });

  it('drops AWS::NoValue from objects and lists', () => {
    expect(
      resolveValue(template, { a: 1, b: { Ref: 'AWS::NoValue' }, c: [1, { Ref: 'AWS::NoValue' }, 2] }),
    ).toEqual({
      a: 1,
      c: [1, 2],
    });
  });

  it('names each resource type as the local cloud runs it', () => {
    expect(refOf(template, 'OrdersTable12345678')).toBe('OrdersTable12345678');
    expect(refOf(template, 'LabelsBA41E4AA')).toBe('labelsba41e4aa');
    expect(refOf(template, 'Bus45DE4339')).toBe('RelaisBus');
    expect(refOf(template, 'WorkflowStateMachine1')).toBe(
      'arn:aws:states:eu-west-1:000000000000:stateMachine:Relais-fulfilment',
    );
    expect(resolveValue(template, { Ref: 'AWS::StackName' }, { stackName: 'Other' })).toBe('Other');
  });

  it('says which intrinsic or reference it cannot resolve, and where', () => {
    expect(() => resolveValue(template, { x: { 'Fn::ImportValue': 'Shared' } })).toThrow(
      /value\.x\.Fn::ImportValue: Fn::ImportValue is not supported/,
    );
    expect(() => resolveValue(template, { Ref: 'Missing' })).toThrow(TemplateError);
    expect(() => resolveValue(template, { 'Fn::GetAtt': ['Api', 'Nonsense'] })).toThrow(/Api\.Nonsense/);
  });
});

describe('resources', () => {
  it('lists tables as on-demand CreateTable inputs with their indexes and TTL, skipping false conditions', () => {
    const tables = listTables(template);
    expect(tables.map((t) => t.tableName)).toEqual(['OrdersTable12345678', 'IdempotencyTableABCDEF12']);
    const [orders, idempotency] = tables;
    expect(orders?.createTableInput).toEqual({
      TableName: 'OrdersTable12345678',
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: 'GSI1PK', AttributeType: 'S' },
        { AttributeName: 'GSI1SK', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'GSI1PK', KeyType: 'HASH' },
            { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(orders?.timeToLiveAttribute).toBeUndefined();
    expect(idempotency?.timeToLiveAttribute).toBe('expiration');
  });

  it('lists functions with their bundle directory, from metadata or from the asset key', () => {
    const functions = listFunctions(template);
    expect(functions.map((f) => [f.logicalId, f.arn, f.assetDir, f.handler, f.timeoutSeconds])).toEqual([
      ['GetOrderFunction11F6E8EC', fnArn('GetOrderFunction11F6E8EC'), 'asset.given', 'index.handler', 29],
      ['StepFunctionABCD1234', fnArn('StepFunctionABCD1234'), undefined, 'index.handler', 3],
    ]);
    const { Metadata: _ignored, ...withoutMetadata } = template.Resources.GetOrderFunction11F6E8EC ?? {
      Type: '',
    };
    const bare: CfnTemplate = {
      ...template,
      Resources: { ...template.Resources, GetOrderFunction11F6E8EC: withoutMetadata },
    };
    expect(listFunctions(bare)[0]?.assetDir).toBe(`asset.${'ab'.repeat(32)}`);
    expect(listFunctions(template)[0]?.constructPath).toBe('Relais/GetOrder/Function/Resource');
  });

  it('lists routes with the function behind each integration and whether an authorizer guards it', () => {
    expect(listRoutes(template)).toEqual([
      {
        logicalId: 'GetOrderRoute',
        routeKey: 'GET /orders/{orderId}',
        functionArn: fnArn('GetOrderFunction11F6E8EC'),
        authorized: true,
      },
      {
        logicalId: 'HealthRoute',
        routeKey: 'GET /health',
        functionArn: fnArn('StepFunctionABCD1234'),
        authorized: false,
      },
    ]);
  });

  it('refuses a payload format 1.0 integration rather than serve it wrongly', () => {
    const v1: CfnTemplate = structuredClone(template);
    const integration = v1.Resources.GetOrderIntegration?.Properties ?? {};
    integration.PayloadFormatVersion = '1.0';
    expect(() => listRoutes(v1)).toThrow(/payload format 1\.0/);
  });

  it('lists state machines with the substitutions applied and the definition parsed', () => {
    const [machine] = listStateMachines(template);
    expect(machine).toMatchObject({
      name: 'Relais-fulfilment',
      arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Relais-fulfilment',
      type: 'STANDARD',
    });
    expect(machine?.definition).toEqual({
      StartAt: 'A',
      States: {
        A: {
          Type: 'Task',
          Resource: fnArn('StepFunctionABCD1234'),
          Parameters: { 'id.$': '$.id' },
          Next: 'B',
        },
        B: { Type: 'Task', Resource: fnArn('GetOrderFunction11F6E8EC'), End: true },
      },
    });
  });

  it('fails on a placeholder with no substitution instead of running a literal ${Name}', () => {
    const broken: CfnTemplate = structuredClone(template);
    const props = broken.Resources.WorkflowStateMachine1?.Properties ?? {};
    props.DefinitionSubstitutions = {};
    expect(() => listStateMachines(broken)).toThrow(/\$\{StepArn\} has no substitution/);
  });

  it('substitutes only the names it is given, leaving JSONPath alone', () => {
    expect(applySubstitutions('{"a":"${X}","b.$":"$.y","c":"${Y}"}', { X: 'x' })).toBe(
      '{"a":"x","b.$":"$.y","c":"${Y}"}',
    );
  });

  it('lists pattern rules on their bus with targets, dead letters and retries; schedules are left out', () => {
    expect(listRules(template)).toEqual([
      {
        logicalId: 'TrackingRule',
        name: 'TrackingRule',
        eventBusName: 'RelaisBus',
        pattern: { source: ['relais.carriers'], 'detail-type': ['CarrierTrackingEvent.v1'] },
        enabled: true,
        targets: [
          {
            id: 'Target0',
            arn: fnArn('GetOrderFunction11F6E8EC'),
            deadLetterArn: 'arn:aws:sqs:eu-west-1:000000000000:DeadLetters99',
            maximumRetryAttempts: 4,
          },
        ],
      },
    ]);
  });

  it('names buckets by their lowercased logical id', () => {
    expect(listBuckets(template)).toEqual([{ logicalId: 'LabelsBA41E4AA', bucketName: 'labelsba41e4aa' }]);
  });

  it('describes the whole template at once', () => {
    const model = describeTemplate(template);
    expect(model.eventBuses).toEqual([
      {
        logicalId: 'Bus45DE4339',
        name: 'RelaisBus',
        arn: 'arn:aws:events:eu-west-1:000000000000:event-bus/RelaisBus',
      },
    ]);
    expect(model.secrets.map((s) => s.arn)).toEqual([
      'arn:aws:secretsmanager:eu-west-1:000000000000:secret:Secret1234',
    ]);
    expect(functionArn('X')).toBe(fnArn('X'));
  });
});
