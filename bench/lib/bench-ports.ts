import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsPorts } from '../../functions/adapters/aws-ports.ts';
import type { AwsClients } from '../../functions/adapters/clients.ts';
import type { Tables } from '../../functions/adapters/dynamo-tables.ts';
import type {
  AppPorts,
  BusinessMetrics,
  Clock,
  EventPublisher,
  Labels,
  Workflows,
} from '../../functions/app/ports.ts';
import { eventSchemas } from '../../functions/shared/events.ts';
import { localAccount } from '../../local/account.ts';
import { PortMeter } from './port-meter.ts';

/**
 * The use cases' ports as a handler builds them (`awsPorts`), their DynamoDB adapters on a client
 * pointed at DynamoDB Local, and the ports that are not DynamoDB and not under test (the event bus,
 * the workflows, the labels, the business metrics) in this process: they count what they are asked. The publisher still
 * validates every detail against its published schema, as the EventBridge adapter does before it
 * sends. The repositories are metered (calls and time per method), a pass-through.
 */
export interface BenchPorts {
  ports: AppPorts;
  /** the document client the adapters use, for the benchmark's bare baselines on the same rows */
  db: DynamoDBDocumentClient;
  meter: PortMeter;
  /** calls to the in-process ports, by `port.method` (events by detail type) */
  offstage: Map<string, number>;
}

/** Where nothing listens: a call that slipped past the in-process ports fails loudly, locally. */
const nowhere = 'http://127.0.0.1:9';

export function benchPorts(dynamodbEndpoint: string, tables: Tables, clock: Clock): BenchPorts {
  const base = { region: localAccount.region, credentials: localAccount.credentials };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...base, endpoint: dynamodbEndpoint }), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const clients: AwsClients = {
    dynamodb: db,
    sfn: new SFNClient({ ...base, endpoint: nowhere }),
    eventBridge: new EventBridgeClient({ ...base, endpoint: nowhere }),
    s3: new S3Client({ ...base, endpoint: nowhere, forcePathStyle: true }),
    secrets: new SecretsManagerClient({ ...base, endpoint: nowhere }),
    ses: new SESv2Client({ ...base, endpoint: nowhere }),
    sqs: new SQSClient({ ...base, endpoint: nowhere }),
  };
  const unused = () => {
    throw new Error('the reservation benchmark names no bus, state machine or bucket');
  };
  const real = awsPorts(clients, {
    tables,
    eventBus: unused,
    fulfilmentStateMachine: unused,
    returnStateMachine: unused,
    labelsBucket: unused,
    notificationSender: unused,
    sesConfigurationSet: unused,
    deadLetterQueues: unused,
  });
  const offstage = new Map<string, number>();
  const count = (name: string) => offstage.set(name, (offstage.get(name) ?? 0) + 1);
  const meter = new PortMeter();
  return {
    db,
    meter,
    offstage,
    ports: {
      ...real,
      orders: meter.meter('orders', real.orders),
      network: meter.meter('network', real.network),
      sourcingReads: meter.meter('sourcingReads', real.sourcingReads),
      stock: meter.meter('stock', real.stock),
      events: countingPublisher(count),
      workflows: countingWorkflows(count),
      labels: countingLabels(count),
      metrics: countingMetrics(offstage),
      clock,
    },
  };
}

function countingPublisher(count: (name: string) => void): EventPublisher {
  return {
    async publish(events) {
      for (const { detailType, detail } of events) {
        eventSchemas[detailType].parse(detail);
        count(`events.${detailType}`);
      }
    },
  };
}

/** Business metrics by name, as CloudWatch would sum them, instead of EMF lines on stdout. */
function countingMetrics(offstage: Map<string, number>): BusinessMetrics {
  return {
    count(metric, times = 1) {
      if (times > 0) offstage.set(`metrics.${metric}`, (offstage.get(`metrics.${metric}`) ?? 0) + times);
    },
  };
}

function countingWorkflows(count: (name: string) => void): Workflows {
  return {
    async startFulfilment() {
      count('workflows.startFulfilment');
      return 'started';
    },
    async startReturn() {
      count('workflows.startReturn');
      return 'started';
    },
    async completeTask() {
      count('workflows.completeTask');
      return true;
    },
    async failTask() {
      count('workflows.failTask');
      return true;
    },
  };
}

function countingLabels(count: (name: string) => void): Labels {
  const stored = new Map<string, Uint8Array>();
  return {
    async render() {
      count('labels.render');
      return new Uint8Array();
    },
    async store(labelId, pdf) {
      count('labels.store');
      stored.set(labelId, pdf);
      return labelId;
    },
    async read(key) {
      count('labels.read');
      return stored.get(key);
    },
  };
}
