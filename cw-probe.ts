import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './lib/app.ts';
const { stack } = buildApp({ bundle: false, nag: false });
const t = Template.fromStack(stack).toJSON();
const res = Object.values(t.Resources) as any[];
const seen = new Set<string>();
for (const a of res.filter((r) => r.Type === 'AWS::CloudWatch::Alarm')) {
  const p = a.Properties;
  const key = p.AlarmName.replace(/^Relais-[A-Za-z]+-/, '');
  if (seen.has(key)) continue;
  seen.add(key);
  console.log(p.AlarmName, JSON.stringify({ ...p, AlarmActions: undefined, OKActions: undefined, AlarmName: undefined }));
}
