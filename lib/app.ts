import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defaultNotificationSender } from './customer-email.ts';
import { projectRoot } from './paths.ts';
import { RelaisStack } from './relais-stack.ts';

export interface BuildAppOptions {
  /**
   * Run esbuild on every function (default true). Template tests turn it off: the template is the
   * same apart from asset hashes, and synth takes a second instead of bundling 31 functions.
   */
  bundle?: boolean;
  /** cloud assembly directory (default: the CDK CLI's, or a temporary one) */
  outdir?: string;
  /** extra context, e.g. `relais:jwtIssuer`; wins over cdk.json */
  context?: Record<string, unknown>;
  /** register the cdk-nag AwsSolutions checks as a validation plugin (default true) */
  nag?: boolean;
}

export const stackName = 'Relais';

/**
 * cdk.json's context (JWT settings and feature flags), so an app built here, by a test or by the
 * local cloud, synthesizes what `cdk synth` does. The CLI passes the same values on top.
 */
function cdkJsonContext(): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return config.context ?? {};
}

function stringContext(app: App, key: string): string {
  const value: unknown = app.node.tryGetContext(key);
  if (typeof value !== 'string' || value === '') {
    throw new Error(
      `CDK context ${key} must be a non-empty string (set it in cdk.json or with -c ${key}=...)`,
    );
  }
  return value;
}

function optionalStringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new Error(`CDK context ${key} must be an e-mail address (set it with -c ${key}=...)`);
  }
  return value;
}

export function buildApp(options: BuildAppOptions = {}): { app: App; stack: RelaisStack } {
  const context: Record<string, unknown> = {
    // What the CLI turns on, so an in-process synth (the local cloud) gets the same metadata:
    // each function's `aws:asset:path` and each resource's construct path.
    'aws:cdk:enable-asset-metadata': true,
    'aws:cdk:enable-path-metadata': true,
    ...cdkJsonContext(),
    ...options.context,
  };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ outdir: options.outdir, context });
  // Env-agnostic on purpose: no lookups, so synth needs no AWS credentials.
  const stack = new RelaisStack(app, stackName, {
    description: 'Relais: serverless distributed order management',
    jwtIssuer: stringContext(app, 'relais:jwtIssuer'),
    jwtAudience: stringContext(app, 'relais:jwtAudience'),
    notificationSender: optionalStringContext(app, 'relais:notificationSender') ?? defaultNotificationSender,
    alarmEmail: optionalStringContext(app, 'relais:alarmEmail'),
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
