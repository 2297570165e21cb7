import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { httpRoutes } from '../../lib/functions-manifest.ts';

// cdk-nag v3 is a policy validation plugin: its findings never become annotations, they fail
// synth and land in the cloud assembly's validation report. `validateScope` runs the same rules
// on a construct tree and returns the findings that no `Validations.acknowledge` covers.
function findings(scope: IConstruct): string[] {
  return new AwsSolutionsChecks()
    .validateScope(scope)
    .violations.flatMap((violation) =>
      violation.violatingResources.map(
        (resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`,
      ),
    );
}

function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

// A full synth takes seconds, more on a busy machine.
const synthTimeout = 120_000;
const { app, stack } = buildApp({ bundle: false, nag: false });

describe('cdk-nag AwsSolutions', () => {
  it(
    'reports no unacknowledged error or warning on the Relais stack',
    () => {
      expect(findings(app)).toEqual([]);
    },
    synthTimeout,
  );

  it(
    'runs during synth, which passes with nothing to report',
    () => {
      const clean = buildApp({ bundle: false, outdir: mkdtempSync(join(tmpdir(), 'relais-nag-')) });
      const assembly = clean.app.synth();
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations?: unknown[] }[];
      };
      expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
    },
    synthTimeout,
  );

  it(
    'fails synth on an unacknowledged finding',
    () => {
      const dirty = buildApp({ bundle: false, outdir: mkdtempSync(join(tmpdir(), 'relais-nag-')) });
      new Queue(dirty.stack, 'UnreviewedQueue');
      expect(findings(dirty.app).some((finding) => finding.includes('UnreviewedQueue'))).toBe(true);
      expect(() => dirty.app.synth()).toThrow(/AwsSolutions-SQS/);
    },
    synthTimeout,
  );

  it('acknowledges only reviewed findings, each with its reason', () => {
    const acknowledged = acknowledgements(stack);
    expect(new Set(acknowledged.map((a) => a.id.replace(/<Labels[A-Z0-9]+\.Arn>/, '<Labels.Arn>')))).toEqual(
      new Set([
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::<Labels.Arn>/*]',
        'AwsSolutions-APIG4',
        'AwsSolutions-S1',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ]),
    );
    for (const { path, reason } of acknowledged) expect(reason.length, path).toBeGreaterThan(40);
    // Acknowledged where the finding is, never for the whole stack or app.
    for (const { path } of acknowledged) expect(path).toMatch(/^Relais\/.+/);
  });

  it('lets only the public routes of the manifest go without authorization', () => {
    const unauthorized = acknowledgements(stack)
      .filter((a) => a.id === 'AwsSolutions-APIG4')
      .map((a) => a.path);
    expect(unauthorized.sort()).toEqual(
      httpRoutes
        .filter((route) => !route.authorized)
        .map((route) => `Relais/Http/${route.id}Route`)
        .sort(),
    );
  });
});
