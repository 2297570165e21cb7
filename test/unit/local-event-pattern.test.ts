import { describe, expect, it } from 'vitest';
import {
  compileEventPattern,
  InvalidEventPattern,
  matchesEventPattern,
} from '../../local/eventbus/pattern.ts';

// The examples come from the EventBridge user guide ("Creating event patterns", "Content filtering
// in event patterns", "Comparison operators", "Matching on null values and empty strings",
// "Event patterns with arrays") and the event-ruler README, the engine EventBridge runs.

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The event of the event-ruler README, used by most content-filtering examples. */
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

const withDetail = (detail: Record<string, unknown>) => ({
  ...rulerEvent,
  detail: { ...rulerEvent.detail, ...detail },
});

describe('exact values', () => {
  it('selects the documented EC2 termination events and nothing else', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matchesEventPattern(pattern, ec2Event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...ec2Event, detail: { state: 'running' } })).toBe(false);
    expect(matchesEventPattern(pattern, { ...ec2Event, source: 'aws.fargate' })).toBe(false);
  });

  it('ORs the values of a field', () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'] };
    expect(matchesEventPattern(pattern, { source: 'aws.fargate' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.ecs' })).toBe(false);
  });

  it('requires every field of the pattern to be in the event, with the same nesting', () => {
    expect(matchesEventPattern({ detail: { state: ['terminated'] } }, { state: 'terminated' })).toBe(false);
    expect(matchesEventPattern({ detail: { missing: ['x'] } }, ec2Event)).toBe(false);
  });

  it('is case sensitive and type sensitive', () => {
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, ec2Event)).toBe(false);
    expect(matchesEventPattern({ detail: { 'c-count': ['5'] } }, rulerEvent)).toBe(false);
    expect(matchesEventPattern({ detail: { 'c-count': [5] } }, rulerEvent)).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: true })).toBe(true);
    expect(matchesEventPattern({ flag: [true] }, { flag: 'true' })).toBe(false);
  });

  it('compares numbers by value (3.018e2 is 301.8)', () => {
    expect(matchesEventPattern({ detail: { 'x-limit': [3.018e2] } }, rulerEvent)).toBe(true);
  });
});

describe('null values and empty strings', () => {
  const event = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string and a null value', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
  });

  it('does not treat null and the empty string as interchangeable', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { absent: [null] } }, event)).toBe(false);
  });
});

describe('arrays in the event', () => {
  const event = {
    ...ec2Event,
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when the pattern values and the event array intersect', () => {
    expect(
      matchesEventPattern(
        {
          resources: [
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
            'arn:aws:ec2:us-east-1:000000000000:instance/i-b188560f',
          ],
        },
        event,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern({ resources: ['arn:aws:ec2:us-east-1:000000000000:instance/i-b188560f'] }, event),
    ).toBe(false);
  });

  it('crushes arrays of objects into their parent field (event-ruler "employees")', () => {
    const employees = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'] } }, employees)).toBe(true);
    const nested = { employees: [[{ firstName: 'John' }, { firstName: 'Anna' }], [{ firstName: 'Peter' }]] };
    expect(matchesEventPattern({ employees: { firstName: ['Peter'] } }, nested)).toBe(true);
  });

  it('takes the fields of one match from the same array element', () => {
    const employees = {
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees)).toBe(
      false,
    );
    expect(matchesEventPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees)).toBe(
      true,
    );
  });

  it('treats an empty array as no value', () => {
    expect(matchesEventPattern({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
  });
});

describe('prefix and suffix', () => {
  it('matches the documented time prefix', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, rulerEvent)).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-03' }] }, rulerEvent)).toBe(false);
  });

  it('matches European regions only (documented prefix example)', () => {
    const pattern = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
    expect(matchesEventPattern(pattern, { source: 'aws.autoscaling', region: 'eu-west-3' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.autoscaling', region: 'us-east-1' })).toBe(false);
  });

  it('ignores case in a prefix when asked to', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbridge']) {
      expect(matchesEventPattern(pattern, { detail: { service } })).toBe(true);
    }
    expect(matchesEventPattern(pattern, { detail: { service: 'Lambda' } })).toBe(false);
    expect(
      matchesEventPattern({ detail: { service: [{ prefix: 'EventB' }] } }, { detail: { service: 'eventb' } }),
    ).toBe(false);
  });

  it('matches a suffix, with or without case', () => {
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesEventPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    const ignoringCase = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };
    expect(matchesEventPattern(ignoringCase, { detail: { FileName: 'image.PNG' } })).toBe(true);
    expect(matchesEventPattern(ignoringCase, { detail: { FileName: 'image.jpg' } })).toBe(false);
  });

  it('applies only to strings', () => {
    expect(matchesEventPattern({ count: [{ prefix: '1' }] }, { count: 12 })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches "Alice" in any casing', () => {
    const pattern = { Name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesEventPattern(pattern, { Name: 'Alice' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'ALICE' })).toBe(true);
    expect(matchesEventPattern(pattern, { Name: 'Alicia' })).toBe(false);
  });
});

describe('anything-but', () => {
  it('excludes one string or one number', () => {
    const state = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    expect(matchesEventPattern(state, rulerEvent)).toBe(true);
    expect(matchesEventPattern(state, withDetail({ state: 'initializing' }))).toBe(false);
    const limit = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };
    expect(matchesEventPattern(limit, rulerEvent)).toBe(true);
    expect(matchesEventPattern(limit, withDetail({ 'x-limit': 123 }))).toBe(false);
  });

  it('excludes a list of strings or of numbers', () => {
    const states = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesEventPattern(states, rulerEvent)).toBe(true);
    expect(matchesEventPattern(states, withDetail({ state: 'overloaded' }))).toBe(false);
    const limits = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matchesEventPattern(limits, rulerEvent)).toBe(true);
    expect(matchesEventPattern(limits, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('excludes a prefix, a suffix, a casing and a wildcard', () => {
    const notInit = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matchesEventPattern(notInit, rulerEvent)).toBe(true);
    expect(matchesEventPattern(notInit, withDetail({ state: 'initializing' }))).toBe(false);

    const notPng = { FileName: [{ 'anything-but': { suffix: '.png' } }] };
    expect(matchesEventPattern(notPng, { FileName: 'notes.txt' })).toBe(true);
    expect(matchesEventPattern(notPng, { FileName: 'image.png' })).toBe(false);

    const notInitializing = {
      state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }],
    };
    expect(matchesEventPattern(notInitializing, { state: 'running' })).toBe(true);
    expect(matchesEventPattern(notInitializing, { state: 'STOPPED' })).toBe(false);
    expect(matchesEventPattern(notInitializing, { state: 'overloaded' })).toBe(false);

    const notLib = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesEventPattern(notLib, { FilePath: '/usr/bin/node' })).toBe(true);
    expect(matchesEventPattern(notLib, { FilePath: '/usr/lib/node' })).toBe(false);
  });

  it('needs the field to be present', () => {
    expect(matchesEventPattern({ detail: { absent: [{ 'anything-but': 'x' }] } }, rulerEvent)).toBe(false);
  });

  it('matches an event array when any element is not excluded', () => {
    const pattern = { states: [{ 'anything-but': 'stopped' }] };
    expect(matchesEventPattern(pattern, { states: ['stopped', 'running'] })).toBe(true);
    expect(matchesEventPattern(pattern, { states: ['stopped', 'stopped'] })).toBe(false);
  });
});

describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches when every range holds', () => {
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
  });

  it('respects open and closed bounds', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 0 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 6 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'd-count': 10 }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.9 }))).toBe(false);
    expect(matchesEventPattern({ n: [{ numeric: ['>=', 1, '<', 2] }] }, { n: 1 })).toBe(true);
    expect(matchesEventPattern({ n: [{ numeric: ['>=', 1, '<', 2] }] }, { n: 2 })).toBe(false);
  });

  it('works only with JSON numbers', () => {
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': '5' }))).toBe(false);
  });
});

describe('cidr', () => {
  const pattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };

  it('matches IPv4 addresses inside the block only', () => {
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: '10.0.0.33' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: '10.0.0.255' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: '10.0.1.1' } })).toBe(false);
    expect(matchesEventPattern(pattern, { detail: { sourceIPAddress: 'not-an-ip' } })).toBe(false);
  });

  it('matches IPv6 blocks too', () => {
    const v6 = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matchesEventPattern(v6, { ip: '2001:db8:1::1' })).toBe(true);
    expect(matchesEventPattern(v6, { ip: '2001:db9::1' })).toBe(false);
    expect(matchesEventPattern(v6, { ip: '10.0.0.1' })).toBe(false);
  });
});

describe('exists', () => {
  it('matches the presence or the absence of a leaf', () => {
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, rulerEvent)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: false }] } }, rulerEvent)).toBe(false);
    const withoutCount = { 'detail-type': 'x', detail: { state: ['initializing', 'running'] } };
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: false }] } }, withoutCount)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, withoutCount)).toBe(false);
  });

  it('works on leaves only: an object-valued field does not "exist"', () => {
    const event = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { 'c-count': [{ exists: true }] } }, event)).toBe(false);
  });

  it('counts a null value as present', () => {
    expect(matchesEventPattern({ a: [{ exists: true }] }, { a: null })).toBe(true);
  });

  it('can be ORed with a value', () => {
    const pattern = { detail: { priority: [{ exists: false }, 'high'] } };
    expect(matchesEventPattern(pattern, { detail: { other: 1 } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { priority: 'high' } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { priority: 'low' } })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches "*" against any run of characters', () => {
    const pattern = { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] };
    expect(
      matchesEventPattern(pattern, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/relais' }),
    ).toBe(true);
    expect(
      matchesEventPattern(pattern, { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/relais' }),
    ).toBe(false);
    expect(
      matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleService' }),
    ).toBe(true);
    expect(
      matchesEventPattern({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleServices' }),
    ).toBe(false);
  });

  it('treats regular expression characters literally and "\\*" as an asterisk', () => {
    expect(matchesEventPattern({ f: [{ wildcard: 'a.b*' }] }, { f: 'axb' })).toBe(false);
    expect(matchesEventPattern({ f: [{ wildcard: 'a.b*' }] }, { f: 'a.bc' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matchesEventPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
  });

  it('refuses consecutive wildcards and unknown escapes', () => {
    expect(() => compileEventPattern({ f: [{ wildcard: 'a**' }] })).toThrow(InvalidEventPattern);
    expect(() => compileEventPattern({ f: [{ wildcard: 'a\\b' }] })).toThrow(InvalidEventPattern);
  });
});

describe('$or', () => {
  it('matches "source && (metricName || namespace)"', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/S3' })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.s3', metricName: 'ReadLatency' })).toBe(false);
  });

  it('nests, with ANDs inside an OR', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' };
    expect(matchesEventPattern(pattern, { ...base, spaceId: 1000 })).toBe(true);
    expect(matchesEventPattern(pattern, { ...base, spaceId: 999 })).toBe(false);
    expect(matchesEventPattern(pattern, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });

  it('works inside nested objects, and ANDs parallel ORs', () => {
    const pattern = {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(matchesEventPattern(pattern, { namespace: 'AWS/EC2', detail: { source: 'aws.cloudwatch' } })).toBe(
      true,
    );
    expect(matchesEventPattern(pattern, { namespace: 'AWS/EC2', detail: { source: 'aws.s3' } })).toBe(false);
  });

  it('is an ordinary field name unless it holds two or more objects', () => {
    expect(matchesEventPattern({ $or: ['x'] }, { $or: 'x' })).toBe(true);
  });
});

describe('complex example', () => {
  it('combines prefix, anything-but, numeric and cidr', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
        'source-ip': [{ cidr: '10.0.0.0/8' }],
      },
    };
    expect(matchesEventPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'source-ip': '192.168.0.1' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 300 }))).toBe(false);
  });
});

describe('invalid patterns', () => {
  it.each([
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['an empty array', { source: [] }],
    ['an empty object', { detail: {} }],
    ['an unknown operator', { source: [{ contains: 'x' }] }],
    ['a bad numeric operator', { n: [{ numeric: ['!=', 1] }] }],
    ['a bad cidr', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['a mixed anything-but list', { s: [{ 'anything-but': ['a', 1] }] }],
    ['a non-boolean exists', { s: [{ exists: 'yes' }] }],
    ['a pattern that is not an object', ['source']],
  ])('refuses %s', (_, pattern) => {
    expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPattern);
  });
});
