import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { env } from '../../lib/functions-manifest.ts';

const secrets = new SecretsManagerClient({});
let cached: Promise<string> | undefined;

/**
 * The carrier webhook HMAC secret: RELAIS_WEBHOOK_SECRET when set (the local cloud), else the
 * Secrets Manager secret named by WEBHOOK_SECRET_ARN, read once per container.
 */
export function webhookSecret(): Promise<string> {
  const local = process.env.RELAIS_WEBHOOK_SECRET;
  if (local) return Promise.resolve(local);
  cached ??= (async () => {
    const arn = process.env[env.webhookSecretArn];
    if (!arn) throw new Error(`neither RELAIS_WEBHOOK_SECRET nor ${env.webhookSecretArn} is set`);
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!SecretString) throw new Error('the webhook secret is empty');
    return SecretString;
  })();
  return cached;
}
