import type { PutEventsRequest, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { AwsError, type RunningServer, startAwsJsonServer } from '../aws-json-server.ts';
import type { LocalEventBus } from './bus.ts';
import { compileEventPattern, InvalidEventPattern } from './pattern.ts';

/**
 * The EventBridge endpoint of the local cloud (AWS JSON 1.1, `AWSEvents.<Operation>`): PutEvents
 * for the handlers' SDK clients (`AWS_ENDPOINT_URL_EVENTBRIDGE`), and TestEventPattern to try a
 * pattern against the local matcher.
 */
export function startEventBridgeServer(
  bus: LocalEventBus,
  options: { port?: number } = {},
): Promise<RunningServer> {
  return startAwsJsonServer({
    targetPrefix: 'AWSEvents',
    jsonVersion: '1.1',
    port: options.port,
    operations: {
      PutEvents: (input: PutEventsRequest) =>
        bus.putEvents({ ...input, Entries: input.Entries?.map(withTime) }),
      TestEventPattern: (input: { EventPattern?: string; Event?: string }) => {
        let pattern: unknown;
        let event: unknown;
        try {
          pattern = JSON.parse(input.EventPattern ?? '');
          event = JSON.parse(input.Event ?? '');
        } catch {
          throw new AwsError('InvalidEventPatternException', 'EventPattern and Event must be JSON');
        }
        try {
          return { Result: compileEventPattern(pattern)(event) };
        } catch (error) {
          if (error instanceof InvalidEventPattern) throw new AwsError(error.name, error.message);
          throw error;
        }
      },
    },
  });
}

/** On the wire, `Time` is epoch seconds. */
function withTime(entry: PutEventsRequestEntry): PutEventsRequestEntry {
  const time: unknown = entry.Time;
  return typeof time === 'number' ? { ...entry, Time: new Date(time * 1000) } : { ...entry, Time: undefined };
}
