/**
 * The local cloud started with RELAIS_API_TOKEN: every route needs the bearer token except
 * /health, the carrier webhooks (they carry their own signature) and the local-only endpoints.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { localAccount } from '../../local/account.ts';
import { sentEmails } from '../../local/ses.ts';
import { type ApiAnswer, apiClient, testWebhookSecret } from '../support/cloud.ts';
import { useTestCloud } from '../support/fixture.ts';
import { postCarrierEvent } from '../support/journey.ts';

const token = 'secret-token';
const local = useTestCloud({ apiToken: token });
const anonymous = local.api;
const impostor = apiClient(() => local.cloud.url, 'not-the-token');
const client = apiClient(() => local.cloud.url, token);

function expectUnauthorized(answer: ApiAnswer) {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(answer.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: 401,
    detail: expect.any(String),
  });
}

const location = { name: 'Bordeaux', type: 'warehouse', lat: 44.84, lon: -0.58, capabilities: ['ship'] };

describe('with RELAIS_API_TOKEN set', () => {
  it('answers 401 problem+json without the token, or with a wrong one, and writes nothing', async () => {
    for (const caller of [anonymous, impostor]) {
      expectUnauthorized(await caller.get('/orders'));
      expectUnauthorized(await caller.get('/locations'));
      expectUnauthorized(await caller.get('/locations/au-WH'));
      expectUnauthorized(await caller.put('/locations/au-WH', location));
      expectUnauthorized(await caller.placeOrder({}));
      expectUnauthorized(await caller.get('/orders/whatever'));
      expectUnauthorized(await caller.get('/inventory/whatever'));
    }
    expectUnauthorized(await anonymous.call('GET', '/orders', undefined, { authorization: token }));
    expectUnauthorized(
      await anonymous.call('GET', '/orders', undefined, { authorization: `Basic ${token}` }),
    );
    expect((await client.get('/locations/au-WH')).status).toBe(404);
  });

  it('lets the token through: 200 on /orders and /locations', async () => {
    expect((await client.put('/locations/au-WH', location)).status).toBe(200);
    const listed = await client.get('/locations');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((l: { locationId: string }) => l.locationId)).toContain('au-WH');
    expect((await client.get('/locations/au-WH')).body).toMatchObject({ locationId: 'au-WH', ...location });
    // (with a query string: GET /orders without one is a separate failure, see http-orders.test.ts)
    const orders = await client.get('/orders?limit=20');
    expect(orders.status).toBe(200);
    expect(orders.body.items).toEqual([]);
    // past the token, the order route does its own checks
    expect((await client.placeOrder({})).status).toBe(400);
  });

  it('needs no token on /health', async () => {
    const health = await anonymous.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
  });

  it('needs no token on /webhooks/carriers/{carrierId}: the signature is checked instead', async () => {
    const signed = await postCarrierEvent(local.cloud.url, 'colis-standard', {
      trackingNumber: 'XX00000000000000FR',
      status: 'IN_TRANSIT',
    });
    // past the (absent) bearer token and the signature: the parcel is unknown
    expect(signed.status).toBe(404);
    const unsigned = await postCarrierEvent(
      local.cloud.url,
      'colis-standard',
      { trackingNumber: 'XX00000000000000FR', status: 'IN_TRANSIT' },
      { signature: null },
    );
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('www-authenticate')).toBeNull();
  });

  it('answers GET /_local/endpoints without a token, with working AWS endpoints', async () => {
    const answer = await anonymous.get('/_local/endpoints');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      dynamodb: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      stepfunctions: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      eventbridge: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      s3: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      secretsmanager: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      ses: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      sqs: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamodb = new DynamoDBClient({ endpoint: answer.body.dynamodb, region: 'eu-west-1', credentials });
    const sfn = new SFNClient({ endpoint: answer.body.stepfunctions, region: 'eu-west-1', credentials });
    const secrets = new SecretsManagerClient({
      endpoint: answer.body.secretsmanager,
      region: 'eu-west-1',
      credentials,
    });
    const eventBridge = new EventBridgeClient({
      endpoint: answer.body.eventbridge,
      region: 'eu-west-1',
      credentials,
    });
    const s3 = new S3Client({
      endpoint: answer.body.s3,
      region: 'eu-west-1',
      credentials: localAccount.credentials,
      forcePathStyle: true,
    });
    const ses = new SESv2Client({ endpoint: answer.body.ses, region: 'eu-west-1', credentials });
    try {
      expect((await dynamodb.send(new ListTablesCommand({}))).TableNames?.length).toBeGreaterThan(0);
      const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
      expect(machines.map((m) => m.name).some((name) => /fulfil/i.test(name ?? ''))).toBe(true);
      const secretId = local.cloud.model.secrets[0]?.arn;
      expect((await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString).toBe(
        testWebhookSecret,
      );
      const put = await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: local.cloud.model.eventBuses[0]?.name,
              Source: 'relais.test',
              DetailType: 'Ping',
              Detail: '{}',
            },
          ],
        }),
      );
      expect(put.FailedEntryCount).toBe(0);
      const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
      expect(buckets.length).toBeGreaterThan(0);
      const mail = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'from@example.com',
          Destination: { ToAddresses: ['endpoints-check@example.com'] },
          Content: { Simple: { Subject: { Data: 'ping' }, Body: { Text: { Data: 'ping' } } } },
        }),
      );
      const stored = await sentEmails(answer.body.ses);
      expect(stored.find((m) => m.messageId === mail.MessageId)?.subject).toBe('ping');
    } finally {
      ses.destroy();
      dynamodb.destroy();
      sfn.destroy();
      secrets.destroy();
      eventBridge.destroy();
      s3.destroy();
    }
  });
});
