/**
 * What the local cloud runs, listed from the synthesized template: tables, functions, routes,
 * state machines, event buses and rules, buckets and secrets, each with its properties resolved
 * to local values. Nothing here starts anything, so each list can be unit-tested on plain JSON.
 */
import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { functionArn, stateMachineArn } from '../account.ts';
import {
  type CfnResource,
  type CfnTemplate,
  type ResolveContext,
  TemplateError,
  TemplateResolver,
} from './intrinsics.ts';

export interface TableDefinition {
  logicalId: string;
  tableName: string;
  /** a CreateTable input for DynamoDB Local: on-demand billing, the template's keys and indexes */
  createTableInput: CreateTableCommandInput & { TableName: string };
  /** the TTL attribute, when the template enables TTL */
  timeToLiveAttribute?: string;
  /** what the table's stream carries, when the template enables one */
  streamViewType?: string;
}

/**
 * An EventBridge Pipe from a table's stream to an event bus (AWS::Pipes::Pipe): what the local
 * stream poller runs, with the pipe's own filter and target parameters.
 */
export interface StreamPipeDefinition {
  logicalId: string;
  name: string;
  /** the table whose stream is the source */
  tableName: string;
  /** the bus the events are put on */
  eventBusName: string;
  /** the pipe's filter patterns (a record passes when one matches; none: every record) */
  filterPatterns: unknown[];
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  /** the target's input template, Source, DetailType and Resources (literals or `$.` paths) */
  inputTemplate?: string;
  source?: string;
  detailType?: string;
  resources?: string[];
  deadLetterArn?: string;
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
  pipes: StreamPipeDefinition[];
}

/** The resources of some types that the template creates (a resource whose `Condition` is false is not). */
function resourcesOfType(resolver: TemplateResolver, ...types: string[]): [string, CfnResource][] {
  return Object.entries(resolver.template.Resources).filter(
    ([logicalId, resource]) =>
      types.includes(resource.Type) &&
      (resource.Condition === undefined || resolver.condition(resource.Condition, logicalId)),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function listTables(template: CfnTemplate, context: ResolveContext = {}): TableDefinition[] {
  const resolver = new TemplateResolver(template, context);
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
      const stream = props.StreamSpecification;
      const streamViewType =
        isRecord(stream) && typeof stream.StreamViewType === 'string' ? stream.StreamViewType : undefined;
      const createTableInput: TableDefinition['createTableInput'] = {
        TableName: tableName,
        KeySchema: props.KeySchema as KeySchemaElement[],
        AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
        BillingMode: 'PAY_PER_REQUEST',
        ...(streamViewType
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType as StreamViewType } }
          : {}),
        ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
        ...(localIndexes.length > 0 ? { LocalSecondaryIndexes: localIndexes } : {}),
      };
      return {
        logicalId,
        tableName,
        createTableInput,
        ...(timeToLiveAttribute ? { timeToLiveAttribute } : {}),
        ...(streamViewType ? { streamViewType } : {}),
      };
    },
  );
}

/** The pipes from a DynamoDB stream to an event bus; a pipe of any other kind is not run locally. */
export function listStreamPipes(template: CfnTemplate, context: ResolveContext = {}): StreamPipeDefinition[] {
  const resolver = new TemplateResolver(template, context);
  return resourcesOfType(resolver, 'AWS::Pipes::Pipe').flatMap(([logicalId, resource]) => {
    const props = resolver.resolve(resource.Properties ?? {}, logicalId) as Record<string, unknown>;
    const table = /:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\//.exec(String(props.Source))?.[1];
    const bus = /:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(String(props.Target))?.[1];
    if (table === undefined || bus === undefined) return [];
    const sourceParameters = isRecord(props.SourceParameters) ? props.SourceParameters : {};
    const stream = isRecord(sourceParameters.DynamoDBStreamParameters)
      ? sourceParameters.DynamoDBStreamParameters
      : {};
    const filters = isRecord(sourceParameters.FilterCriteria) ? sourceParameters.FilterCriteria.Filters : [];
    const targetParameters = isRecord(props.TargetParameters) ? props.TargetParameters : {};
    const busParameters = isRecord(targetParameters.EventBridgeEventBusParameters)
      ? targetParameters.EventBridgeEventBusParameters
      : {};
    const deadLetter = isRecord(stream.DeadLetterConfig) ? stream.DeadLetterConfig.Arn : undefined;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const definition: StreamPipeDefinition = {
      logicalId,
      name: text(props.Name) ?? logicalId,
      tableName: table,
      eventBusName: bus,
      filterPatterns: (Array.isArray(filters) ? filters : []).flatMap((filter) =>
        isRecord(filter) && typeof filter.Pattern === 'string' ? [JSON.parse(filter.Pattern)] : [],
      ),
      startingPosition: stream.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
      batchSize: typeof stream.BatchSize === 'number' ? stream.BatchSize : 100,
    };
    const inputTemplate = text(targetParameters.InputTemplate);
    const source = text(busParameters.Source);
    const detailType = text(busParameters.DetailType);
    if (inputTemplate !== undefined) definition.inputTemplate = inputTemplate;
    if (source !== undefined) definition.source = source;
    if (detailType !== undefined) definition.detailType = detailType;
    if (Array.isArray(busParameters.Resources)) definition.resources = busParameters.Resources.map(String);
    if (typeof deadLetter === 'string') definition.deadLetterArn = deadLetter;
    return [definition];
  });
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
  const resolver = new TemplateResolver(template, context);
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
  const resolver = new TemplateResolver(template, context);
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
  const resolver = new TemplateResolver(template, context);
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
  const resolver = new TemplateResolver(template, context);
  return resourcesOfType(resolver, 'AWS::Events::EventBus').map(([logicalId]) => ({
    logicalId,
    name: resolver.nameOf(logicalId),
    arn: resolver.getAtt(logicalId, 'Arn', logicalId),
  }));
}

export function listRules(template: CfnTemplate, context: ResolveContext = {}): RuleDefinition[] {
  const resolver = new TemplateResolver(template, context);
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
  const resolver = new TemplateResolver(template, context);
  return resourcesOfType(resolver, 'AWS::S3::Bucket').map(([logicalId]) => ({
    logicalId,
    bucketName: resolver.nameOf(logicalId),
  }));
}

export function listSecrets(template: CfnTemplate, context: ResolveContext = {}): SecretDefinition[] {
  const resolver = new TemplateResolver(template, context);
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
    pipes: listStreamPipes(template, context),
  };
}
