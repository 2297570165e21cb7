#!/usr/bin/env -S npx tsx
// The CDK app (cdk.json: `npx tsx bin/relais.ts`). The CLI synthesizes it into cdk.out when the
// process exits; cdk-nag runs as a validation plugin and fails synth on any unacknowledged finding.
import { buildApp } from '../lib/app.ts';

buildApp();
