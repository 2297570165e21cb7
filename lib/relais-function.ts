import { join } from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { projectRoot } from './paths.ts';

export interface RelaisFunctionProps {
  /** handler file, relative to the repository root */
  entry: string;
  timeout: Duration;
  environment: Record<string, string>;
}

/**
 * esbuild output as ESM (`index.mjs`). Some CommonJS dependencies call `require` at run time,
 * which ESM lacks: the banner defines it.
 */
const esmBanner =
  "import { createRequire as __relaisCreateRequire } from 'node:module'; " +
  'const require = __relaisCreateRequire(import.meta.url);';

/**
 * pdfkit loads its standard fonts at run time with `createRequire(import.meta.url)('#standard-fonts/X')`,
 * a package-internal import esbuild cannot see. In a bundle that `require` resolves against the
 * package.json next to index.mjs, so a bundle that contains pdfkit gets one mapping
 * `#standard-fonts/*` to a copy of the font files (about 200 KB). Other bundles are left alone.
 */
export const pdfkitFontsHook: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => {
    const fonts = `${inputDir}/node_modules/pdfkit/js/standard-fonts`;
    const packageJson = JSON.stringify({ imports: { '#standard-fonts/*': './pdfkit-standard-fonts/*.cjs' } });
    return [
      `if grep -q '#standard-fonts/' "${outputDir}/index.mjs"; then ` +
        `mkdir -p "${outputDir}/pdfkit-standard-fonts" && ` +
        `cp -R "${fonts}/." "${outputDir}/pdfkit-standard-fonts/" && ` +
        `rm -f "${outputDir}"/pdfkit-standard-fonts/*.mjs && ` +
        `printf '%s' '${packageJson}' > "${outputDir}/package.json"; fi`,
    ];
  },
};

/**
 * One Lambda function as Relais runs them: Node.js 24 on arm64, X-Ray, its own log group and its
 * own role that may write only to that log group. Everything else is granted by the stack.
 */
export class RelaisFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: RelaisFunctionProps) {
    super(scope, id);

    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy, whose log permissions
    // reach every log group of the account.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.role = role;

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(projectRoot, props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'relais',
        POWERTOOLS_METRICS_NAMESPACE: 'Relais',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: esmBanner,
        sourceMap: true,
        // --enable-source-maps needs the mappings only; the sources would quadruple every zip.
        sourcesContent: false,
        minify: true,
        // Bundle the AWS SDK too: the deployed code is exactly the code tested, whatever SDK the
        // Lambda runtime happens to ship this month.
        bundleAwsSDK: true,
        commandHooks: pdfkitFontsHook,
        forceDockerBundling: false,
      },
    });
  }
}
