import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../shared/powertools.ts';

/**
 * One traced client per AWS service, built on first use and kept for the life of the container, so
 * that X-Ray shows every AWS call under the handler that made it. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, which is how the local cloud is reached.
 */
export interface AwsClients {
  dynamodb: DynamoDBDocumentClient;
  sfn: SFNClient;
  eventBridge: EventBridgeClient;
  s3: S3Client;
  secrets: SecretsManagerClient;
  ses: SESv2Client;
  sqs: SQSClient;
}

const builders: { [K in keyof AwsClients]: () => AwsClients[K] } = {
  dynamodb: () =>
    DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  sfn: () => tracer.captureAWSv3Client(new SFNClient({})),
  eventBridge: () => tracer.captureAWSv3Client(new EventBridgeClient({})),
  s3: () => tracer.captureAWSv3Client(new S3Client({})),
  secrets: () => tracer.captureAWSv3Client(new SecretsManagerClient({})),
  ses: () => tracer.captureAWSv3Client(new SESv2Client({})),
  // the endpoint, not the queue URL's host: locally the URL names the queue, the endpoint is the cloud's
  sqs: () => tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false })),
};

const built: Partial<AwsClients> = {};

function client<K extends keyof AwsClients>(name: K): AwsClients[K] {
  built[name] ??= builders[name]();
  return built[name] as AwsClients[K];
}

/** The clients of this container, each built once, when first asked for. */
export const awsClients: AwsClients = {
  get dynamodb() {
    return client('dynamodb');
  },
  get sfn() {
    return client('sfn');
  },
  get eventBridge() {
    return client('eventBridge');
  },
  get s3() {
    return client('s3');
  },
  get secrets() {
    return client('secrets');
  },
  get ses() {
    return client('ses');
  },
  get sqs() {
    return client('sqs');
  },
};
