import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsPorts, type Resources, resourcesNamedBy } from '../../functions/adapters/aws-ports.ts';
import type { AwsClients } from '../../functions/adapters/clients.ts';
import type { AppPorts } from '../../functions/app/ports.ts';
import { localAccount } from '../../local/account.ts';
import type { LocalCloud } from '../../local/cloud.ts';

/** SDK clients pointed at a local cloud's endpoints, as a handler's would be. */
export function localClients(cloud: Pick<LocalCloud, 'endpoints'>): AwsClients {
  const base = { region: localAccount.region, credentials: localAccount.credentials };
  return {
    dynamodb: DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...base, endpoint: cloud.endpoints.dynamodb }),
      {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      },
    ),
    sfn: new SFNClient({ ...base, endpoint: cloud.endpoints.stepfunctions }),
    eventBridge: new EventBridgeClient({ ...base, endpoint: cloud.endpoints.eventbridge }),
    s3: new S3Client({ ...base, endpoint: cloud.endpoints.s3, forcePathStyle: true }),
    secrets: new SecretsManagerClient({ ...base, endpoint: cloud.endpoints.secretsmanager }),
    ses: new SESv2Client({ ...base, endpoint: cloud.endpoints.ses }),
    sqs: new SQSClient({ ...base, endpoint: cloud.endpoints.sqs, useQueueUrlAsEndpoint: false }),
  };
}

/**
 * The use cases' ports on their real adapters, pointed at a running local cloud: what tests and
 * benchmarks pass to a use case to call it directly. Resource names come from the template (the
 * functions' environment), nothing from this process's environment.
 */
export function localPorts(cloud: Pick<LocalCloud, 'endpoints' | 'model'>): AppPorts {
  return awsPorts(localClients(cloud), localResources(cloud));
}

/** The names of a local cloud's tables, bus, state machines and bucket, read from its template. */
export function localResources(cloud: Pick<LocalCloud, 'model'>): Resources {
  const variables: Record<string, string> = Object.assign(
    {},
    ...cloud.model.functions.map((f) => f.environment),
  );
  return resourcesNamedBy((variable) => {
    const value = variables[variable];
    if (!value) throw new Error(`no function of the template has ${variable}`);
    return value;
  });
}
