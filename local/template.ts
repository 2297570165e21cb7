/**
 * The synthesized CloudFormation template, read as the local cloud needs it: pure functions that
 * resolve intrinsics into local values and list the tables, functions, routes, workflows, rules
 * and buckets to run. Nothing here starts anything, so each answer can be unit-tested on plain JSON.
 */
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
} from '@aws-sdk/client-dynamodb';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Outputs?: Record<string, unknown>;
}

/** The one account and region the local cloud pretends to be. */
export const localAccount = {
  region: 'eu-west-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  /**
   * Dummy credentials for every local endpoint. s3rver checks signatures against its one built-in
   * key pair, and DynamoDB Local accepts any key made of letters and digits: this pair fits both.
   */
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
} as const;

export interface ResolveContext {
  /** `AWS::StackName` (default `Relais`) */
  stackName?: string;
  /** what `Fn::GetAtt <HttpApi>.ApiEndpoint` resolves to (default `http://127.0.0.1:3000`) */
  apiEndpoint?: string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const { region, accountId, partition } = localAccount;

export function functionArn(functionName: string): string {
  return `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`;
}

export function stateMachineArn(name: string): string {
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}

/** The function name in a function ARN (also a qualified one, `...:function:Name:alias`). */
export function functionNameOf(arn: string): string | undefined {
  return /:function:([^:]+)/.exec(arn)?.[1];
}

const noValue = Symbol('AWS::NoValue');

/** Resolves intrinsics inside one template; remembers resource names it has worked out. */
class Resolver {
  private readonly names = new Map<string, string>();
  private readonly naming = new Set<string>();

  constructor(
    readonly template: CfnTemplate,
    private readonly context: ResolveContext,
  ) {}

  resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (resource === undefined) throw new TemplateError(`no resource ${logicalId} in the template`);
    return resource;
  }

  resolve(value: unknown, at: string): unknown {
    const resolved = this.walk(value, at);
    return resolved === noValue ? undefined : resolved;
  }

  resolveString(value: unknown, at: string): string {
    const resolved = this.resolve(value, at);
    if (typeof resolved === 'string') return resolved;
    if (typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    throw new TemplateError(`${at}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  private walk(value: unknown, at: string): unknown {
    if (Array.isArray(value)) {
      return value.map((item, i) => this.walk(item, `${at}[${i}]`)).filter((item) => item !== noValue);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1], at);
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.walk(item, `${at}.${key}`);
      if (resolved !== noValue) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, args: unknown, at: string): unknown {
    const here = `${at}.${name}`;
    switch (name) {
      case 'Ref':
        return this.ref(this.stringArg(args, here), here);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = this.getAttArgs(args, here);
        return this.getAtt(logicalId, attribute, here);
      }
      case 'Fn::Join': {
        const [delimiter, list] = this.tuple(args, 2, here);
        const items = this.walk(list, here);
        if (typeof delimiter !== 'string' || !Array.isArray(items)) {
          throw new TemplateError(`${here}: expected [delimiter, [values]]`);
        }
        return items.map((item) => this.scalar(item, here)).join(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(args, here);
      case 'Fn::Select': {
        const [index, list] = this.tuple(args, 2, here);
        const items = this.walk(list, here);
        const i = Number(this.walk(index, here));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new TemplateError(`${here}: index ${i} out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.tuple(args, 2, here);
        if (typeof delimiter !== 'string') throw new TemplateError(`${here}: expected a string delimiter`);
        return this.scalar(this.walk(source, here), here).split(delimiter);
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.tuple(args, 3, here);
        return this.walk(this.condition(this.stringArg(condition, here), here) ? whenTrue : whenFalse, here);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = this.tuple(args, 3, here).map((item) =>
          this.scalar(this.walk(item, here), here),
        );
        const found = this.template.Mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
        if (found === undefined) throw new TemplateError(`${here}: no ${map}.${top}.${second} in Mappings`);
        return found;
      }
      case 'Fn::Base64':
        return Buffer.from(this.scalar(this.walk(args, here), here)).toString('base64');
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Contains':
        return this.evaluate({ [name]: args }, here);
      default:
        throw new TemplateError(`${here}: ${name} is not supported by the local cloud`);
    }
  }

  private ref(target: string, at: string): unknown {
    switch (target) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return localAccount.urlSuffix;
      case 'AWS::StackName':
        return this.context.stackName ?? 'Relais';
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.context.stackName ?? 'Relais'}/local`;
      case 'AWS::NoValue':
        return noValue;
      case 'AWS::NotificationARNs':
        return [];
    }
    const parameter = this.template.Parameters?.[target];
    if (parameter !== undefined) {
      if (parameter.Default === undefined)
        throw new TemplateError(`${at}: parameter ${target} has no default`);
      return parameter.Default;
    }
    return this.refOf(target);
  }

  /** What `Ref` answers for each resource type, with local names. */
  refOf(logicalId: string): string {
    const resource = this.resource(logicalId);
    switch (resource.Type) {
      case 'AWS::StepFunctions::StateMachine':
        return this.getAtt(logicalId, 'Arn', logicalId);
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
        return this.getAtt(logicalId, 'Arn', logicalId);
      case 'AWS::SQS::Queue':
        return `http://sqs.${region}.localhost/${accountId}/${this.nameOf(logicalId)}`;
      default:
        return this.nameOf(logicalId);
    }
  }

  /** The local physical name of a resource (design, section 5: mostly the logical id). */
  nameOf(logicalId: string): string {
    const known = this.names.get(logicalId);
    if (known !== undefined) return known;
    if (this.naming.has(logicalId)) throw new TemplateError(`${logicalId}: its name depends on itself`);
    this.naming.add(logicalId);
    try {
      const resource = this.resource(logicalId);
      const props = resource.Properties ?? {};
      let name: string;
      switch (resource.Type) {
        case 'AWS::S3::Bucket':
          name = logicalId.toLowerCase();
          break;
        case 'AWS::StepFunctions::StateMachine':
          name =
            props.StateMachineName === undefined
              ? logicalId
              : this.resolveString(props.StateMachineName, `${logicalId}.StateMachineName`);
          break;
        case 'AWS::Events::EventBus':
          name = props.Name === undefined ? logicalId : this.resolveString(props.Name, `${logicalId}.Name`);
          break;
        default:
          name = logicalId;
      }
      this.names.set(logicalId, name);
      return name;
    } finally {
      this.naming.delete(logicalId);
    }
  }

  getAtt(logicalId: string, attribute: string, at: string): string {
    const resource = this.resource(logicalId);
    const name = this.nameOf(logicalId);
    const arn = (service: string, resourcePart: string, regional = true): string =>
      `arn:${partition}:${service}:${regional ? region : ''}:${regional ? accountId : ''}:${resourcePart}`;
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
      case 'AWS::DynamoDB::GlobalTable.Arn':
        return arn('dynamodb', `table/${name}`);
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        return arn('dynamodb', `table/${name}/stream/local`);
      case 'AWS::Lambda::Function.Arn':
        return functionArn(name);
      case 'AWS::StepFunctions::StateMachine.Arn':
        return stateMachineArn(name);
      case 'AWS::StepFunctions::StateMachine.Name':
        return name;
      case 'AWS::Events::EventBus.Arn':
        return arn('events', `event-bus/${name}`);
      case 'AWS::Events::EventBus.Name':
        return name;
      case 'AWS::Events::Rule.Arn':
        return arn('events', `rule/${name}`);
      case 'AWS::S3::Bucket.Arn':
        return `arn:${partition}:s3:::${name}`;
      case 'AWS::S3::Bucket.DomainName':
        return `${name}.s3.${localAccount.urlSuffix}`;
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${region}.${localAccount.urlSuffix}`;
      case 'AWS::SecretsManager::Secret.Arn':
      case 'AWS::SecretsManager::Secret.Id':
        return arn('secretsmanager', `secret:${name}`);
      case 'AWS::SQS::Queue.Arn':
        return `arn:${partition}:sqs:${region}:${accountId}:${name}`;
      case 'AWS::SQS::Queue.QueueName':
        return name;
      case 'AWS::SQS::Queue.QueueUrl':
        return this.refOf(logicalId);
      case 'AWS::SNS::Topic.TopicArn':
      case 'AWS::SNS::Topic.Arn':
        return `arn:${partition}:sns:${region}:${accountId}:${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${accountId}:role/${name}`;
      case 'AWS::Logs::LogGroup.Arn':
        return arn('logs', `log-group:${name}:*`);
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return this.context.apiEndpoint ?? 'http://127.0.0.1:3000';
    }
    if (attribute === 'Arn') {
      const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'local';
      return arn(service, `${resource.Type.split('::')[2]?.toLowerCase() ?? 'resource'}/${name}`);
    }
    if (attribute === 'Name' || attribute.endsWith('Name')) return name;
    throw new TemplateError(
      `${at}: Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) has no local value`,
    );
  }

  private sub(args: unknown, at: string): string {
    const [text, variables] = typeof args === 'string' ? [args, {}] : this.tuple(args, 2, at);
    if (typeof text !== 'string' || variables === null || typeof variables !== 'object') {
      throw new TemplateError(`${at}: expected a string or [string, {variables}]`);
    }
    const values = variables as Record<string, unknown>;
    return text.replace(/\$\{(!?)([^}]*)\}/g, (whole, bang: string, expression: string) => {
      if (bang === '!') return `\${${expression}}`;
      const name = expression.trim();
      if (name in values) return this.scalar(this.walk(values[name], `${at}.${name}`), at);
      if (name.startsWith('AWS::')) return this.scalar(this.ref(name, at), at);
      const dot = name.indexOf('.');
      if (dot > 0) return this.scalar(this.getAtt(name.slice(0, dot), name.slice(dot + 1), at), at);
      if (name === '') throw new TemplateError(`${at}: empty ${whole}`);
      return this.scalar(this.ref(name, at), at);
    });
  }

  condition(name: string, at: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new TemplateError(`${at}: no condition ${name}`);
    return this.evaluate(definition, `${at}(${name})`);
  }

  private evaluate(expression: unknown, at: string): boolean {
    if (typeof expression === 'boolean') return expression;
    const [entry] = Object.entries(expression ?? {});
    if (entry === undefined) throw new TemplateError(`${at}: empty condition`);
    const [name, args] = entry;
    const list = Array.isArray(args) ? args : [args];
    switch (name) {
      case 'Condition':
        return this.condition(this.stringArg(args, at), at);
      case 'Fn::Equals': {
        const [a, b] = list.map((item) => JSON.stringify(this.walk(item, at)));
        return a === b;
      }
      case 'Fn::Not':
        return !this.evaluate(list[0], at);
      case 'Fn::And':
        return list.every((item) => this.evaluate(item, at));
      case 'Fn::Or':
        return list.some((item) => this.evaluate(item, at));
      case 'Fn::Contains': {
        const [haystack, needle] = list.map((item) => this.walk(item, at));
        return (
          Array.isArray(haystack) && haystack.some((item) => JSON.stringify(item) === JSON.stringify(needle))
        );
      }
      default:
        throw new TemplateError(`${at}: ${name} is not a condition function`);
    }
  }

  private scalar(value: unknown, at: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new TemplateError(`${at}: expected a string, got ${JSON.stringify(value)}`);
  }

  private stringArg(value: unknown, at: string): string {
    if (typeof value !== 'string') throw new TemplateError(`${at}: expected a string argument`);
    return value;
  }

  private getAttArgs(args: unknown, at: string): [string, string] {
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      if (dot > 0) return [args.slice(0, dot), args.slice(dot + 1)];
    }
    if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string') {
      return [args[0], this.scalar(this.walk(args[1], at), at)];
    }
    throw new TemplateError(`${at}: expected [logicalId, attribute]`);
  }

  private tuple(args: unknown, length: number, at: string): unknown[] {
    if (!Array.isArray(args) || args.length !== length) {
      throw new TemplateError(`${at}: expected a list of ${length} arguments`);
    }
    return args;
  }
}

// ---------------------------------------------------------------------------------------------
// What the local cloud runs, listed from the template

export interface TableDefinition {
  logicalId: string;
  tableName: string;
  /** a CreateTable input for DynamoDB Local: on-demand billing, the template's keys and indexes */
  createTableInput: CreateTableCommandInput & { TableName: string };
  /** the TTL attribute, when the template enables TTL */
  timeToLiveAttribute?: string;
}

export interface FunctionDefinition {
  logicalId: string;
  functionName: string;
  arn: string;
  /** the bundle's directory, relative to the cloud assembly (or absolute); none for inline code */
  assetDir?: string;
  /** `index.handler`: module file name without extension, then the export */
  handler: string;
  runtime?: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** the construct path (`Relais/Health/Function/Resource`) when the template carries it */
  constructPath?: string;
}

export interface RouteDefinition {
  logicalId: string;
  /** `GET /orders/{orderId}`, or `$default` */
  routeKey: string;
  functionArn: string;
  /** true when API Gateway checks the caller first (JWT, Lambda or IAM authorizer) */
  authorized: boolean;
}

export interface StateMachineDefinition {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** the parsed ASL, every `${Name}` substitution applied */
  definition: Record<string, unknown>;
}

export interface RuleTargetDefinition {
  id: string;
  arn: string;
  deadLetterArn?: string;
  input?: string;
  inputPath?: string;
  maximumRetryAttempts?: number;
}

export interface RuleDefinition {
  logicalId: string;
  name: string;
  eventBusName: string;
  pattern: Record<string, unknown>;
  enabled: boolean;
  targets: RuleTargetDefinition[];
}

export interface BucketDefinition {
  logicalId: string;
  bucketName: string;
}

export interface EventBusDefinition {
  logicalId: string;
  name: string;
  arn: string;
}

export interface SecretDefinition {
  logicalId: string;
  /** the secret's name, the last part of its ARN */
  name: string;
  arn: string;
}

export interface LocalCloudModel {
  tables: TableDefinition[];
  functions: FunctionDefinition[];
  routes: RouteDefinition[];
  stateMachines: StateMachineDefinition[];
  eventBuses: EventBusDefinition[];
  rules: RuleDefinition[];
  buckets: BucketDefinition[];
  secrets: SecretDefinition[];
}

/** The resources of some types that the template creates (a resource whose `Condition` is false is not). */
function resourcesOfType(resolver: Resolver, ...types: string[]): [string, CfnResource][] {
  return Object.entries(resolver.template.Resources).filter(
    ([logicalId, resource]) =>
      types.includes(resource.Type) &&
      (resource.Condition === undefined || resolver.condition(resource.Condition, logicalId)),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Resolves one value of the template (a property, an output) into its local value. */
export function resolveValue(template: CfnTemplate, value: unknown, context: ResolveContext = {}): unknown {
  return new Resolver(template, context).resolve(value, 'value');
}

/** What `Ref <logicalId>` answers locally. */
export function refOf(template: CfnTemplate, logicalId: string, context: ResolveContext = {}): string {
  return new Resolver(template, context).refOf(logicalId);
}

export function listTables(template: CfnTemplate, context: ResolveContext = {}): TableDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable').map(
    ([logicalId, resource]) => {
      const props = resolver.resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
      const tableName = resolver.nameOf(logicalId);
      const indexes = (key: string): Record<string, unknown>[] =>
        Array.isArray(props[key]) ? (props[key] as Record<string, unknown>[]) : [];
      const globalIndexes: GlobalSecondaryIndex[] = indexes('GlobalSecondaryIndexes').map((index) => ({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as KeySchemaElement[],
        Projection: index.Projection as Projection,
      }));
      const localIndexes: LocalSecondaryIndex[] = indexes('LocalSecondaryIndexes').map((index) => ({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as KeySchemaElement[],
        Projection: index.Projection as Projection,
      }));
      const ttl = props.TimeToLiveSpecification;
      const timeToLiveAttribute =
        isRecord(ttl) && ttl.Enabled !== false && typeof ttl.AttributeName === 'string'
          ? ttl.AttributeName
          : undefined;
      const createTableInput: TableDefinition['createTableInput'] = {
        TableName: tableName,
        KeySchema: props.KeySchema as KeySchemaElement[],
        AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
        BillingMode: 'PAY_PER_REQUEST',
        ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
        ...(localIndexes.length > 0 ? { LocalSecondaryIndexes: localIndexes } : {}),
      };
      return {
        logicalId,
        tableName,
        createTableInput,
        ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
      };
    },
  );
}

function assetDirOf(resource: CfnResource): string | undefined {
  const fromMetadata = resource.Metadata?.['aws:asset:path'];
  if (typeof fromMetadata === 'string') return fromMetadata;
  // Without asset metadata, CDK's naming still ties the S3 key to the staged directory.
  const code = resource.Properties?.Code;
  const key = isRecord(code) ? code.S3Key : undefined;
  const hash = typeof key === 'string' ? /^([0-9a-f]{64})\.zip$/.exec(key)?.[1] : undefined;
  return hash === undefined ? undefined : `asset.${hash}`;
}

export function listFunctions(template: CfnTemplate, context: ResolveContext = {}): FunctionDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const functionName = resolver.nameOf(logicalId);
    const variables = isRecord(props.Environment) ? props.Environment.Variables : undefined;
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(isRecord(variables) ? variables : {})) {
      environment[key] = resolver.resolveString(value, `${logicalId}.Environment.Variables.${key}`);
    }
    const assetDir = assetDirOf(resource);
    const constructPath = resource.Metadata?.['aws:cdk:path'];
    const setting = (key: string) => resolver.resolve(props[key], `${logicalId}.${key}`);
    const [handler, runtime, timeout, memory] = ['Handler', 'Runtime', 'Timeout', 'MemorySize'].map(setting);
    return {
      logicalId,
      functionName,
      arn: functionArn(functionName),
      ...(assetDir === undefined ? {} : { assetDir }),
      handler: typeof handler === 'string' ? handler : 'index.handler',
      ...(typeof runtime === 'string' ? { runtime } : {}),
      // CloudFormation's defaults: 3 s, 128 MB
      timeoutSeconds: Number(timeout ?? 3),
      memoryMb: Number(memory ?? 128),
      environment,
      ...(typeof constructPath === 'string' ? { constructPath } : {}),
    };
  });
}

/** The function ARN inside an integration URI (a plain ARN, or API Gateway's `.../functions/<arn>/invocations`). */
function integrationFunctionArn(uri: string): string | undefined {
  const match = /arn:[^:]+:lambda:[^:]+:[^:]+:function:[^/:]+/.exec(uri);
  return match?.[0];
}

export function listRoutes(template: CfnTemplate, context: ResolveContext = {}): RouteDefinition[] {
  const resolver = new Resolver(template, context);
  const routes: RouteDefinition[] = [];
  for (const [logicalId, resource] of resourcesOfType(resolver, 'AWS::ApiGatewayV2::Route')) {
    const props = resource.Properties ?? {};
    const routeKey = resolver.resolveString(props.RouteKey, `${logicalId}.RouteKey`);
    if (props.Target === undefined) continue;
    const target = resolver.resolveString(props.Target, `${logicalId}.Target`);
    const integrationId = target.replace(/^integrations\//, '');
    const integration = resolver.resource(integrationId);
    const uri = resolver.resolveString(
      integration.Properties?.IntegrationUri,
      `${integrationId}.IntegrationUri`,
    );
    const arn = integrationFunctionArn(uri);
    if (arn === undefined)
      throw new TemplateError(`${logicalId}: ${routeKey} is not integrated with a function`);
    const version = integration.Properties?.PayloadFormatVersion;
    if (version !== undefined && version !== '2.0') {
      throw new TemplateError(
        `${logicalId}: payload format ${String(version)}; the local front speaks 2.0 only`,
      );
    }
    const authorization =
      props.AuthorizationType === undefined ? 'NONE' : resolver.resolve(props.AuthorizationType, logicalId);
    routes.push({ logicalId, routeKey, functionArn: arn, authorized: authorization !== 'NONE' });
  }
  return routes;
}

/** Replaces each `${Name}` that has a substitution; other text (JSONPath `$.x`, `$$`) stays. */
export function applySubstitutions(definition: string, substitutions: Record<string, string>): string {
  return definition.replace(/\$\{([^}]+)\}/g, (whole, name: string) => substitutions[name] ?? whole);
}

export function listStateMachines(
  template: CfnTemplate,
  context: ResolveContext = {},
): StateMachineDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    let text: string;
    if (props.DefinitionString !== undefined) {
      text = resolver.resolveString(props.DefinitionString, `${logicalId}.DefinitionString`);
    } else if (props.Definition !== undefined) {
      text = JSON.stringify(resolver.resolve(props.Definition, `${logicalId}.Definition`));
    } else {
      throw new TemplateError(
        `${logicalId}: the definition is not in the template (DefinitionS3Location); use DefinitionBody.fromString`,
      );
    }
    const substitutions: Record<string, string> = {};
    const given = props.DefinitionSubstitutions;
    for (const [key, value] of Object.entries(isRecord(given) ? given : {})) {
      substitutions[key] = resolver.resolveString(value, `${logicalId}.DefinitionSubstitutions.${key}`);
    }
    const substituted = applySubstitutions(text, substitutions);
    const left = /\$\{([A-Za-z0-9_]+)\}/.exec(substituted);
    if (left !== null) throw new TemplateError(`${logicalId}: \${${left[1]}} has no substitution`);
    const name = resolver.nameOf(logicalId);
    return {
      logicalId,
      name,
      arn: stateMachineArn(name),
      type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      definition: JSON.parse(substituted) as Record<string, unknown>,
    };
  });
}

export function listEventBuses(template: CfnTemplate, context: ResolveContext = {}): EventBusDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::Events::EventBus').map(([logicalId]) => ({
    logicalId,
    name: resolver.nameOf(logicalId),
    arn: resolver.getAtt(logicalId, 'Arn', logicalId),
  }));
}

export function listRules(template: CfnTemplate, context: ResolveContext = {}): RuleDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::Events::Rule').flatMap(([logicalId, resource]) => {
    const props = resolver.resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    if (props.EventPattern === undefined) return []; // a schedule: nothing runs it locally
    const pattern =
      typeof props.EventPattern === 'string' ? JSON.parse(props.EventPattern) : props.EventPattern;
    const busName = typeof props.EventBusName === 'string' ? props.EventBusName : 'default';
    const targets = (Array.isArray(props.Targets) ? props.Targets : []).map((raw): RuleTargetDefinition => {
      const target = raw as Record<string, unknown>;
      const deadLetter = isRecord(target.DeadLetterConfig) ? target.DeadLetterConfig.Arn : undefined;
      const retries = isRecord(target.RetryPolicy) ? target.RetryPolicy.MaximumRetryAttempts : undefined;
      return {
        id: String(target.Id),
        arn: String(target.Arn),
        ...(typeof deadLetter === 'string' ? { deadLetterArn: deadLetter } : {}),
        ...(typeof target.Input === 'string' ? { input: target.Input } : {}),
        ...(typeof target.InputPath === 'string' ? { inputPath: target.InputPath } : {}),
        ...(typeof retries === 'number' ? { maximumRetryAttempts: retries } : {}),
      };
    });
    return [
      {
        logicalId,
        name: typeof props.Name === 'string' ? props.Name : logicalId,
        // A bus given by ARN is named by the last part of it.
        eventBusName: busName.startsWith('arn:') ? (busName.split('/').pop() ?? busName) : busName,
        pattern: pattern as Record<string, unknown>,
        enabled: props.State !== 'DISABLED',
        targets,
      },
    ];
  });
}

export function listBuckets(template: CfnTemplate, context: ResolveContext = {}): BucketDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::S3::Bucket').map(([logicalId]) => ({
    logicalId,
    bucketName: resolver.nameOf(logicalId),
  }));
}

export function listSecrets(template: CfnTemplate, context: ResolveContext = {}): SecretDefinition[] {
  const resolver = new Resolver(template, context);
  return resourcesOfType(resolver, 'AWS::SecretsManager::Secret').map(([logicalId]) => ({
    logicalId,
    name: resolver.nameOf(logicalId),
    arn: resolver.getAtt(logicalId, 'Arn', logicalId),
  }));
}

/** Everything the local cloud runs, read from one template. */
export function describeTemplate(template: CfnTemplate, context: ResolveContext = {}): LocalCloudModel {
  return {
    tables: listTables(template, context),
    functions: listFunctions(template, context),
    routes: listRoutes(template, context),
    stateMachines: listStateMachines(template, context),
    eventBuses: listEventBuses(template, context),
    rules: listRules(template, context),
    buckets: listBuckets(template, context),
    secrets: listSecrets(template, context),
  };
}
