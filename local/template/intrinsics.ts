/**
 * CloudFormation's intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::If, conditions...)
 * resolved into the values they take in the local cloud: the local account, and local names for
 * the template's resources. Pure: plain JSON in, plain values out.
 */
import { functionArn, localAccount, stateMachineArn } from '../account.ts';

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

const noValue = Symbol('AWS::NoValue');

/** Resolves intrinsics inside one template; remembers resource names it has worked out. */
export class TemplateResolver {
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

/** Resolves one value of the template (a property, an output) into its local value. */
export function resolveValue(template: CfnTemplate, value: unknown, context: ResolveContext = {}): unknown {
  return new TemplateResolver(template, context).resolve(value, 'value');
}

/** What `Ref <logicalId>` answers locally. */
export function refOf(template: CfnTemplate, logicalId: string, context: ResolveContext = {}): string {
  return new TemplateResolver(template, context).refOf(logicalId);
}
