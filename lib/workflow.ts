import { ArnFormat, type Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { readDefinition, substitutionsFor } from './asl.ts';

export interface WorkflowProps {
  /** the ASL file, relative to the repository root */
  definitionFile: string;
  /** state machine name, unique in the account and region */
  stateMachineName: string;
  /** every step function Relais has, by its substitution name; the definition picks those it uses */
  functions: ReadonlyMap<string, IFunction>;
}

/**
 * The ARN a workflow will have, known before the state machine exists. Functions that start a
 * workflow need it in their environment while the workflow needs their ARNs in its definition:
 * naming the state machine up front breaks that cycle.
 */
export function workflowArn(stack: Stack, stateMachineName: string): string {
  return stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * A Standard workflow deployed from its ASL file as it is (`DefinitionBody.fromString`, so the
 * template holds the definition itself), logged and traced. Its alarms are in lib/monitoring.ts.
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const definition = readDefinition(props.definitionFile);
    const functions = substitutionsFor(props.definitionFile, definition, props.functions);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries([...functions].map(([name, fn]) => [name, fn.functionArn])),
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH }),
        level: LogLevel.ALL,
        // Orders carry customer addresses: keep them out of the logs.
        includeExecutionData: false,
      },
      tracingEnabled: true,
    });

    // Unqualified function ARNs only: the definition never calls a version or an alias, so the
    // `:*` that `grantInvoke` adds would be a wildcard for nothing.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...new Set(functions.values())].map((fn) => fn.functionArn),
      }),
    );
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Execution logging (logs:*LogDelivery, logs:PutResourcePolicy, logs:DescribeLogGroups) and X-Ray ' +
        '(xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSampling*) do not support resource-level permissions.',
    });
  }
}
