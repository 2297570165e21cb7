import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, type RunningServer, startAwsJsonServer } from './aws-json-server.ts';

/** A secret of the template, with the value the local cloud gives it. */
export interface LocalSecret {
  arn: string;
  name: string;
  value: string;
}

interface StoredSecret extends LocalSecret {
  versionId: string;
  createdAt: Date;
}

interface GetSecretValueInput {
  SecretId?: string;
  VersionId?: string;
  VersionStage?: string;
}

/** What AWS puts in a secret created with `GenerateSecretString` and nothing else said: a random password. */
export function generatedSecretValue(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The Secrets Manager endpoint of the local cloud (AWS JSON 1.1, `secretsmanager.<Operation>`):
 * GetSecretValue for the template's secrets, each with one current version, so that handlers read
 * their secrets through the SDK (`AWS_ENDPOINT_URL_SECRETS_MANAGER`) exactly as on AWS.
 */
export function startSecretsManagerServer(
  secrets: readonly LocalSecret[],
  options: { port?: number } = {},
): Promise<RunningServer> {
  const createdAt = new Date();
  const stored: StoredSecret[] = secrets.map((secret) => ({ ...secret, versionId: randomUUID(), createdAt }));
  // A secret is named by its ARN or by its name, as on AWS.
  const find = (secretId: string): StoredSecret | undefined =>
    stored.find((secret) => secret.arn === secretId || secret.name === secretId);

  return startAwsJsonServer({
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    port: options.port,
    operations: {
      GetSecretValue: (input: GetSecretValueInput) => {
        if (typeof input.SecretId !== 'string' || input.SecretId === '') {
          throw new AwsError('InvalidParameterException', 'You must provide a SecretId.');
        }
        const secret = find(input.SecretId);
        const stage = input.VersionStage ?? 'AWSCURRENT';
        const versionMatches = input.VersionId === undefined || input.VersionId === secret?.versionId;
        if (secret === undefined || stage !== 'AWSCURRENT' || !versionMatches) {
          throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        }
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.value,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.createdAt,
        };
      },
    },
  });
}
