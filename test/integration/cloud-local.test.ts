import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../../lib/functions-manifest.ts';
import { localAccount } from '../../local/account.ts';
import { describeStatusEvent, type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import type { EventBridgeEvent } from '../../local/eventbus/bus.ts';
import { defaultCdkOutDir, synthTemplate } from '../../local/synth.ts';

const apiToken = 'cloud-test-token';
const aws = { region: localAccount.region, credentials: localAccount.credentials };

class OrderInvalid extends Error {
  override name = 'OrderInvalid';
}

const tracked: unknown[] = [];
const workflowCalls: { step: string; payload: unknown }[] = [];
let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    template: await synthTemplate(),
    cdkOutDir: defaultCdkOutDir,
    inMemory: true,
    apiToken,
    webhookSecret: 'cloud-test-secret',
    // the real handlers from source, except the ones this test watches
    handlersFromSource: true,
    handlerOverrides: {
      GetReturn: (event: unknown, context: Context) => ({
        pathParameters: (event as { pathParameters?: unknown }).pathParameters,
        functionName: context.functionName,
        environment: Object.fromEntries(
          [
            ...Object.values(env),
            'AWS_ENDPOINT_URL_DYNAMODB',
            'AWS_ENDPOINT_URL_SFN',
            'AWS_ENDPOINT_URL_SECRETS_MANAGER',
          ].map((name) => [name, process.env[name]]),
        ),
      }),
      CarrierTracking: (event: unknown) => {
        tracked.push(event);
        return {};
      },
      AllocateOrder: (payload: unknown) => {
        workflowCalls.push({ step: 'AllocateOrder', payload });
        throw new OrderInvalid('no lines');
      },
      Compensate: (payload: unknown) => {
        workflowCalls.push({ step: 'Compensate', payload });
        return { compensated: true };
      },
    },
    stepFunctions: { retryIntervalMs: 5 },
    eventBus: { retryAttempts: 0, retryDelayMs: 5 },
  });
}, 180_000);

afterAll(() => cloud?.stop());

const authorized = { authorization: `Bearer ${apiToken}` };

describe('the local cloud, started from the synthesized template', () => {
  it('serves the real health handler from source, without a token', async () => {
    const response = await fetch(`${cloud.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('guards authorized routes with the bearer token and passes path parameters to the function', async () => {
    expect((await fetch(`${cloud.url}/returns/r-1`)).status).toBe(401);
    const response = await fetch(`${cloud.url}/returns/r-1`, { headers: authorized });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      pathParameters: unknown;
      functionName: string;
      environment: Record<string, string | undefined>;
    };
    expect(body.pathParameters).toEqual({ returnId: 'r-1' });
    expect(body.functionName).toBe(cloud.functionArn('GetReturn').split(':function:')[1]);
    // the template's configuration, resolved to local names, and the local endpoints
    const table = cloud.model.tables.find((t) => t.logicalId.includes('Orders'))?.tableName;
    expect(body.environment).toMatchObject({
      [env.ordersTable]: table,
      [env.eventBus]: cloud.model.eventBuses[0]?.name,
      [env.labelsBucket]: cloud.model.buckets[0]?.bucketName,
      AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: cloud.endpoints.stepfunctions,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoints.secretsmanager,
      [env.webhookSecretArn]: cloud.model.secrets[0]?.arn,
    });
    // the secret itself is not handed to the functions: they read it from Secrets Manager
    expect(JSON.stringify(cloud.runtime.sharedEnvironment())).not.toContain('cloud-test-secret');
  });

  it('answers Secrets Manager’s GetSecretValue for the webhook secret the functions are given', async () => {
    const { secretsmanager } = (await (
      await fetch(`${cloud.url}/_local/endpoints`)
    ).json()) as LocalCloud['endpoints'];
    const secrets = new SecretsManagerClient({ ...aws, endpoint: secretsmanager });
    const arn = cloud.runtime.sharedEnvironment()[env.webhookSecretArn] ?? '';
    expect(arn).toMatch(/^arn:aws:secretsmanager:eu-west-1:000000000000:secret:CarrierWebhookSecret/);
    const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    expect(byArn).toMatchObject({
      ARN: arn,
      SecretString: 'cloud-test-secret',
      VersionStages: ['AWSCURRENT'],
      VersionId: expect.any(String),
    });
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    // by name, and by its current version
    const name = byArn.Name ?? '';
    expect(arn.endsWith(`:secret:${name}`)).toBe(true);
    const byName = await secrets.send(
      new GetSecretValueCommand({ SecretId: name, VersionId: byArn.VersionId, VersionStage: 'AWSCURRENT' }),
    );
    expect(byName.SecretString).toBe('cloud-test-secret');
    for (const input of [
      { SecretId: `${arn}-gone` },
      { SecretId: arn, VersionStage: 'AWSPREVIOUS' },
      { SecretId: arn, VersionId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      await expect(
        secrets.send(new GetSecretValueCommand(input)),
        JSON.stringify(input),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    secrets.destroy();
  });

  it('answers GET /_local/endpoints with endpoints the AWS SDK can use', async () => {
    const response = await fetch(`${cloud.url}/_local/endpoints`);
    const endpoints = (await response.json()) as LocalCloud['endpoints'];
    expect(endpoints).toEqual(cloud.endpoints);

    const dynamodb = new DynamoDBClient({ ...aws, endpoint: endpoints.dynamodb });
    const tables = await dynamodb.send(new ListTablesCommand({}));
    expect(tables.TableNames?.sort()).toEqual(cloud.model.tables.map((t) => t.tableName).sort());
    dynamodb.destroy();

    const sfn = new SFNClient({ ...aws, endpoint: endpoints.stepfunctions });
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.name).sort()).toEqual(['Relais-fulfilment', 'Relais-return']);
    sfn.destroy();
  });

  it('stores label objects in the template’s bucket, readable through a presigned URL', async () => {
    const s3 = new S3Client({
      ...aws,
      endpoint: cloud.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const Bucket = cloud.model.buckets[0]?.bucketName;
    const pdf = Buffer.from('%PDF-1.7\n label \u00ff');
    await s3.send(
      new PutObjectCommand({ Bucket, Key: 'labels/s-1.pdf', Body: pdf, ContentType: 'application/pdf' }),
    );
    const object = await s3.send(new GetObjectCommand({ Bucket, Key: 'labels/s-1.pdf' }));
    expect(
      Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))),
    ).toEqual(pdf);
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'labels/s-1.pdf' }), {
      expiresIn: 300,
    });
    const viaUrl = await fetch(url);
    expect(viaUrl.status).toBe(200);
    expect(Buffer.from(await viaUrl.arrayBuffer())).toEqual(pdf);
    s3.destroy();
  });

  it('delivers an event put on the bus to the function its rule targets', async () => {
    const events = new EventBridgeClient({ ...aws, endpoint: cloud.endpoints.eventbridge });
    const detail = { carrierId: 'colissimo', eventId: 'e-1', trackingNumber: 'T1', status: 'IN_TRANSIT' };
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: cloud.model.eventBuses[0]?.name,
            Source: 'relais.carriers',
            DetailType: 'CarrierTrackingEvent.v1',
            Detail: JSON.stringify(detail),
          },
          // no rule matches this one
          {
            EventBusName: cloud.model.eventBuses[0]?.name,
            Source: 'relais.orders',
            DetailType: 'Other.v1',
            Detail: '{}',
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await cloud.idle();
    expect(tracked).toHaveLength(1);
    expect(tracked[0]).toMatchObject({
      source: 'relais.carriers',
      'detail-type': 'CarrierTrackingEvent.v1',
      detail,
    });
    events.destroy();
  });

  it('runs the fulfilment workflow’s tasks on the functions, error names reaching the Catch', async () => {
    const machine = cloud.model.stateMachines.find((m) => m.name === 'Relais-fulfilment');
    const { executionArn } = cloud.stepFunctions.startExecution({
      stateMachineArn: machine?.arn,
      name: 'o-cloud-1',
      input: JSON.stringify({ orderId: 'o-cloud-1' }),
    });
    await cloud.stepFunctions.waitForExecution(executionArn ?? '');
    expect(workflowCalls.map((call) => call.step)).toEqual(['AllocateOrder', 'Compensate']);
    expect(workflowCalls[0]?.payload).toEqual({ orderId: 'o-cloud-1' });
    expect(JSON.stringify(workflowCalls[1]?.payload)).toContain('OrderInvalid');
  });
});

describe('status lines for a person watching orders move', () => {
  const event = (type: string, detail: object): EventBridgeEvent => ({
    version: '0',
    id: '1',
    'detail-type': type,
    source: 'relais.orders',
    account: '000000000000',
    time: '2026-03-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  });

  it('names the order, its new status and what changed', () => {
    const shipment = describeStatusEvent(
      event('ShipmentStatusChanged.v1', {
        orderId: 'o-1',
        shipmentId: 'o-1-S1',
        locationId: 'PAR-1',
        status: 'DISPATCHED',
        orderStatus: 'SHIPPED',
        at: '2026-03-01T10:00:00Z',
      }),
    );
    expect(shipment).toMatch(/o-1 +shipment DISPATCHED +S1, at PAR-1, order SHIPPED$/);
    expect(
      describeStatusEvent(event('OrderAllocated.v1', { orderId: 'o-2', cost: 7.5, shipments: [{}, {}] })),
    ).toMatch(/o-2 +ALLOCATED +2 shipments, cost 7\.50 EUR$/);
    expect(describeStatusEvent(event('OrderRejected.v1', { orderId: 'o-3', reason: 'no stock' }))).toMatch(
      /o-3 +REJECTED +reason: no stock$/,
    );
    expect(describeStatusEvent(event('ReturnReceived.v1', { orderId: 'o-4', returnId: 'r-1' }))).toMatch(
      /o-4 +RETURN_RECEIVED +return r-1$/,
    );
    expect(describeStatusEvent(event('StockChanged.v1', { sku: 'A' }))).toBeUndefined();
  });
});
