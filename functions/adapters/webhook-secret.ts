import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { env } from '../../lib/functions-manifest.ts';
import { awsClients } from './clients.ts';
import { requiredVariable } from './config.ts';

let cached: Promise<string> | undefined;

async function readWebhookSecret(): Promise<string> {
  const arn = requiredVariable(env.webhookSecretArn);
  const { SecretString } = await awsClients.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!SecretString) throw new Error('the webhook secret is empty');
  return SecretString;
}

/**
 * The carrier webhook HMAC secret, read from Secrets Manager (the secret WEBHOOK_SECRET_ARN names)
 * once per container. A failed read is not kept, so the next request tries again.
 */
export function webhookSecret(): Promise<string> {
  cached ??= readWebhookSecret().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
