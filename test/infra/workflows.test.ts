import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { substitutionNames, substitutionsFor } from '../../lib/asl.ts';
import { stepFunctions } from '../../lib/functions-manifest.ts';
import type { RelaisFunction } from '../../lib/relais-function.ts';
import { type RelaisStack, workflowFiles } from '../../lib/relais-stack.ts';

const { stack } = buildApp({ bundle: false });
const relais = stack as RelaisStack;
const resources = Template.fromStack(stack).toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown> }
>;

function functionLogicalId(id: string): string {
  const fn = (stack.node.findChild(id) as RelaisFunction).function;
  return stack.resolve((fn.node.defaultChild as CfnElement).logicalId) as string;
}
const placeholder = (name: string): string => `\${${name}}`;
const functionIdBySubstitution = new Map(stepFunctions.map((spec) => [spec.substitution, spec.id]));

const workflows = [
  { file: workflowFiles.fulfilment, name: relais.fulfilmentStateMachineName },
  { file: workflowFiles.return, name: relais.returnStateMachineName },
];

describe.each(workflows)('$file', ({ file, name }) => {
  const definition = readFileSync(join(import.meta.dirname, '../..', file), 'utf8');
  const found = Object.entries(resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::StepFunctions::StateMachine' && resource.Properties.StateMachineName === name,
  );
  if (found === undefined) throw new Error(`no state machine named ${name}`);
  const [, { Properties: machine }] = found;
  const substitutions = machine.DefinitionSubstitutions as Record<string, unknown>;

  it('is deployed inline, as the file is, not hidden in an S3 asset', () => {
    expect(machine.DefinitionS3Location).toBeUndefined();
    expect(typeof machine.DefinitionString).toBe('string');
    expect(JSON.parse(machine.DefinitionString as string)).toEqual(JSON.parse(definition));
  });

  it('substitutes every placeholder of the file, and nothing else', () => {
    expect(substitutionNames(definition).length).toBeGreaterThan(0);
    expect(Object.keys(substitutions).sort()).toEqual(substitutionNames(definition).sort());
    let deployed = machine.DefinitionString as string;
    for (const name of Object.keys(substitutions))
      deployed = deployed.replaceAll(placeholder(name), 'arn:substituted');
    expect(deployed).not.toMatch(/\$\{/);
  });

  it("maps each placeholder to the ARN of the manifest's function for it", () => {
    for (const [placeholder, value] of Object.entries(substitutions)) {
      const functionId = functionIdBySubstitution.get(placeholder);
      expect(functionId, placeholder).toBeDefined();
      expect(value).toEqual({ 'Fn::GetAtt': [functionLogicalId(functionId ?? ''), 'Arn'] });
    }
  });

  it('may invoke exactly the functions it uses', () => {
    const roleId = (machine.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const invocable = Object.values(resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
      )
      .flatMap(
        (r) =>
          (r.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
      )
      .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'))
      .flatMap((s) => [s.Resource].flat());
    expect(invocable).toEqual(expect.arrayContaining(Object.values(substitutions)));
    expect(invocable).toHaveLength(Object.keys(substitutions).length);
  });

  it('is a Standard workflow, traced, logging every event', () => {
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
  });
});

describe('substitutionsFor', () => {
  const available = new Map([['AFunctionArn', 'arn:a']]);

  it('picks the substitutions a definition uses', () => {
    const definition = JSON.stringify({
      Resource: placeholder('AFunctionArn'),
      Next: placeholder('AFunctionArn'),
    });
    expect([...substitutionsFor('x.asl.json', definition, available)]).toEqual([['AFunctionArn', 'arn:a']]);
  });

  it('fails synth on a placeholder nothing substitutes', () => {
    const definition = JSON.stringify({ Resource: placeholder('Missing') });
    expect(() => substitutionsFor('x.asl.json', definition, available)).toThrow(/Missing/);
  });

  it('leaves JSONPath alone', () => {
    expect(substitutionNames('{"orderId.$":"$.orderId","token.$":"$$.Task.Token"}')).toEqual([]);
  });
});
