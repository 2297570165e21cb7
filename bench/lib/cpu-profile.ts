import { round } from './stats.ts';

/** The parts of a V8 `.cpuprofile` (inspector Profiler.stop) this reads. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where the cloud's CPU goes, in the groups a change would target. A sample is charged to the first
 * frame, from the innermost outwards, whose file belongs to a group: JSON.parse called by the SDK's
 * deserializer is the SDK's, zod called by middy is zod's. Frames of Node itself (`node:internal`),
 * natives and anonymous frames are looked through.
 */
const groups: [string, RegExp][] = [
  ['DynamoDB marshalling (lib-dynamodb, util-dynamodb)', /@aws-sdk\/(lib-dynamodb|util-dynamodb)\//],
  [
    'AWS SDK signing (SigV4, HMAC, hashing)',
    /@smithy\/signature-v4|@aws-sdk\/signature-v4|@aws-crypto\/|@smithy\/hash-node|httpAuthSchemes/,
  ],
  ['AWS SDK HTTP transport (node-http-handler and the Node http below it)', /@smithy\/node-http-handler/],
  [
    'AWS SDK endpoint and config resolution',
    /endpoints|@smithy\/node-config-provider|@smithy\/config-resolver|@smithy\/property-provider/,
  ],
  [
    'AWS SDK serialisation (schemas, protocols, JSON and XML codecs)',
    /@smithy\/core\/dist-cjs\/submodules\/(schema|protocols|serde|cbor)|@aws-sdk\/core\/dist-cjs\/submodules\/protocols|@smithy\/smithy-client|fast-xml-parser/,
  ],
  ['AWS SDK middleware stack, retries, logging', /@aws-sdk\/|@smithy\//],
  ['validation (zod)', /node_modules\/zod\//],
  ['middy', /@middy\//],
  ['Powertools (logger, metrics, tracer, parser, idempotency)', /@aws-lambda-powertools\//],
  [
    'label PDF (pdfkit, fontkit, bwip-js)',
    /node_modules\/(pdfkit|fontkit|bwip-js|linebreak|png-js|restructure|brotli|dfa|unicode-[^/]+|crypto-js|jpeg-exif)\//,
  ],
  ['local Step Functions engine', /aws-local-stepfunctions|^local\/stepfunctions\//],
  ['local HTTP front (API Gateway emulation)', /^local\/http-front\.ts/],
  ['local Lambda runtime (JSON copies of events and answers)', /^local\/lambda-runtime\.ts/],
  ['local event bus (rules, patterns, delivery)', /^local\/eventbus\//],
  ['local AWS JSON endpoints (Step Functions, EventBridge)', /^local\/aws-json-server\.ts/],
  [
    's3rver (local S3)',
    /node_modules\/(s3rver|koa[^/]*|@koa\/[^/]+|xmlbuilder[^/]*|fast-xml-parser|busboy|he|statuses|http-errors|cookies)\//,
  ],
  ['bench cloud host (timing, IPC)', /^bench\//],
  ['sourcing and domain core (functions/core)', /^functions\/core\//],
  ['adapters (functions/adapters)', /^functions\/adapters\//],
  ['shared stack (functions/shared: middleware, schemas, views, events)', /^functions\/shared\//],
  ['handlers (functions/http, steps, events)', /^functions\/(http|steps|events)\//],
  ['manifest and config (lib/)', /^lib\//],
  ['tsx loader, source maps', /node_modules\/(tsx|esbuild|source-map[^/]*|@cspotcode)\//],
  ['local cloud, other (local/)', /^local\//],
  ['other packages', /node_modules\//],
];

const nodeInternals: [string, RegExp][] = [
  [
    'Node HTTP (parser, server, client, sockets)',
    /^node:(_http|http|https|net|internal\/http|internal\/net|internal\/stream_base|_stream)/,
  ],
  [
    'Node streams, buffers, events',
    /^node:(internal\/streams|stream|buffer|events|internal\/buffer|string_decoder)/,
  ],
  [
    'Node timers, promises, async hooks',
    /^node:(internal\/timers|timers|internal\/process\/task_queues|internal\/async_hooks|async_hooks)/,
  ],
  ['Node crypto', /^node:(crypto|internal\/crypto)/],
  ['Node child_process (IPC with the bench)', /^node:(child_process|internal\/child_process)/],
];

/** cls-hooked (aws-xray-sdk-core, under Powertools Tracer) installs async_hooks with a destroy hook. */
const promiseHooks =
  'async_hooks on every promise (cls-hooked, from aws-xray-sdk-core under Powertools Tracer)';

export interface ProfileBreakdown {
  sampledMs: number;
  idleMs: number;
  groups: { group: string; ms: number; pct: number }[];
  topFunctions: { fn: string; selfMs: number; pct: number }[];
}

/**
 * `root`: the project directory, whose files are matched by their path inside it (`functions/core/…`).
 */
export function analyseProfile(profile: CpuProfile, root: string, top = 25): ProfileBreakdown {
  const rootUrl = `file://${root.replace(/\/$/, '')}/`;
  const relative = (url: string) => (url.startsWith(rootUrl) ? url.slice(rootUrl.length) : url);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const groupOfNode = new Map<number, string>();
  const groupOf = (id: number): string => {
    const known = groupOfNode.get(id);
    if (known !== undefined) return known;
    let found: string | undefined;
    let internal: string | undefined;
    // a promise hook runs inside whatever created the promise: it is overhead of its own, not the caller's
    for (
      let at: number | undefined = id, depth = 0;
      at !== undefined && depth < 3;
      at = parent.get(at), depth++
    ) {
      if (/^node:internal\/async_hooks/.test((byId.get(at) as CpuProfile['nodes'][number]).callFrame.url)) {
        found = promiseHooks;
        break;
      }
    }
    for (
      let at: number | undefined = found === undefined ? id : undefined;
      at !== undefined;
      at = parent.get(at)
    ) {
      const { url: absolute, functionName } = (byId.get(at) as CpuProfile['nodes'][number]).callFrame;
      const url = relative(absolute);
      if (at === id && functionName === '(garbage collector)') {
        found = 'garbage collection';
        break;
      }
      if (at === id && functionName === '(program)') {
        found = 'V8 and native code outside any JS frame (program)';
        break;
      }
      const group = groups.find(([, pattern]) => pattern.test(url))?.[0];
      if (group !== undefined) {
        found = group;
        break;
      }
      internal ??= nodeInternals.find(([, pattern]) => pattern.test(url))?.[0];
    }
    const result = found ?? internal ?? 'Node internals, other';
    groupOfNode.set(id, result);
    return result;
  };

  const msByGroup = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let idleMs = 0;
  let sampledMs = 0;
  const meanDelta = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length) / 1000;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i + 1] is the time from this sample to the next: the time this stack was seen
    const delta = profile.timeDeltas[i + 1];
    const ms = delta === undefined ? meanDelta : delta / 1000;
    const node = byId.get(id) as CpuProfile['nodes'][number];
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    sampledMs += ms;
    const group = groupOf(id);
    msByGroup.set(group, (msByGroup.get(group) ?? 0) + ms);
    const { functionName, url, lineNumber } = node.callFrame;
    const file = relative(url).replace(/^.*node_modules\//, '');
    const fn = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + ms);
  });

  const pct = (ms: number) => round((100 * ms) / Math.max(1e-9, sampledMs), 1);
  return {
    sampledMs: round(sampledMs, 0),
    idleMs: round(idleMs, 0),
    groups: [...msByGroup]
      .sort(([, a], [, b]) => b - a)
      .map(([group, ms]) => ({ group, ms: round(ms, 0), pct: pct(ms) })),
    topFunctions: [...selfByFunction]
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, selfMs: round(ms, 0), pct: pct(ms) })),
  };
}
