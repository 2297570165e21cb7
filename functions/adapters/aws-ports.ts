import { env } from '../../lib/functions-manifest.ts';
import type { AppPorts } from '../app/ports.ts';
import { metrics } from '../shared/powertools.ts';
import { dynamoAlerts } from './alert-store.ts';
import { powertoolsBusinessMetrics } from './business-metrics.ts';
import { dynamoCarrierLedger } from './carrier-ledger.ts';
import { dynamoChannelRules } from './channel-rule-store.ts';
import { type AwsClients, awsClients } from './clients.ts';
import { requiredVariable } from './config.ts';
import { sqsDeadLetters } from './dead-letters.ts';
import type { DynamoContext, Tables } from './dynamo-tables.ts';
import { dynamoStock } from './inventory-store.ts';
import { s3Labels } from './labels.ts';
import { sesMailer } from './mailer.ts';
import { dynamoNetwork } from './network-store.ts';
import { dynamoNotificationLog } from './notification-log.ts';
import { dynamoOrderHistory } from './order-history.ts';
import { dynamoCarrierEvents, dynamoOrders } from './order-store.ts';
import { outboxPublisher } from './outbox.ts';
import { dynamoReturns } from './return-store.ts';
import { dynamoSourcingReads } from './sourcing-reads.ts';
import { dynamoStockOverview } from './stock-overview.ts';
import { dynamoSuggestions } from './suggestion-store.ts';
import { dynamoSupply } from './supply-store.ts';
import { stepFunctionsWorkflows } from './workflow.ts';

/** Where the ports' resources are: names of tables, bus, state machines, bucket, and the e-mail sender. */
export interface Resources {
  tables: Tables;
  eventBus: () => string;
  fulfilmentStateMachine: () => string;
  returnStateMachine: () => string;
  labelsBucket: () => string;
  notificationSender: () => string;
  sesConfigurationSet: () => string;
  deadLetterQueues: () => string[];
}

/**
 * The resources named by the stack's variables (lib/functions-manifest.ts `env`), each looked up
 * with `read` when first used: in a function's environment on Lambda, in the template's function
 * environments for tests and benchmarks against the local cloud.
 */
export function resourcesNamedBy(read: (variable: string) => string): Resources {
  return {
    tables: {
      get orders() {
        return read(env.ordersTable);
      },
      get inventory() {
        return read(env.inventoryTable);
      },
      get network() {
        return read(env.networkTable);
      },
      get idempotency() {
        return read(env.idempotencyTable);
      },
      get outbox() {
        return read(env.outboxTable);
      },
    },
    eventBus: () => read(env.eventBus),
    fulfilmentStateMachine: () => read(env.fulfilmentStateMachine),
    returnStateMachine: () => read(env.returnStateMachine),
    labelsBucket: () => read(env.labelsBucket),
    notificationSender: () => read(env.notificationSender),
    sesConfigurationSet: () => read(env.sesConfigurationSet),
    deadLetterQueues: () => read(env.deadLetterQueues).split(',').filter(Boolean),
  };
}

/** The resources the stack names in the function's environment, each read when first used. */
export const resourcesFromEnvironment: Resources = resourcesNamedBy(requiredVariable);

/**
 * Every port on its AWS adapter: what a handler passes to its use case (tests and benchmarks too).
 * Each port, and the client under it, is built the first time a use case asks for it, so that a
 * handler's cold start builds only what its use case touches.
 */
export function awsPorts(clients: AwsClients, resources: Resources): AppPorts {
  const dynamo = (): DynamoContext => ({ db: clients.dynamodb, tables: resources.tables });
  const builders: { [K in keyof AppPorts]: () => AppPorts[K] } = {
    orders: () => dynamoOrders(dynamo()),
    carrierEvents: () => dynamoCarrierEvents(dynamo()),
    network: () => dynamoNetwork(dynamo()),
    sourcingReads: () => dynamoSourcingReads(dynamo()),
    carriers: () => dynamoCarrierLedger(dynamo()),
    stock: () => dynamoStock(dynamo()),
    supply: () => dynamoSupply(dynamo()),
    returns: () => dynamoReturns(dynamo()),
    events: () => outboxPublisher(dynamo()),
    workflows: () =>
      stepFunctionsWorkflows(clients.sfn, {
        fulfilment: resources.fulfilmentStateMachine,
        return: resources.returnStateMachine,
      }),
    labels: () => s3Labels(clients.s3, resources.labelsBucket),
    notifications: () => dynamoNotificationLog(dynamo()),
    mailer: () =>
      sesMailer(clients.ses, {
        sender: resources.notificationSender,
        configurationSet: resources.sesConfigurationSet,
      }),
    clock: () => ({ now: () => new Date() }),
    metrics: () => powertoolsBusinessMetrics(metrics),
    orderHistory: () => dynamoOrderHistory(dynamo()),
    stockOverview: () => dynamoStockOverview(dynamo()),
    alerts: () => dynamoAlerts(dynamo()),
    deadLetters: () => sqsDeadLetters(clients.sqs, resources.deadLetterQueues),
    suggestions: () => dynamoSuggestions(dynamo()),
    channelRules: () => dynamoChannelRules(dynamo()),
  };
  const built: Partial<AppPorts> = {};
  const ports = {} as AppPorts;
  for (const name of Object.keys(builders) as (keyof AppPorts)[])
    Object.defineProperty(ports, name, {
      enumerable: true,
      get: () => {
        built[name] ??= builders[name]() as never;
        return built[name];
      },
    });
  return ports;
}

let containerPorts: AppPorts | undefined;

/** The ports of this container: built once, on the traced clients, from the stack's environment. */
export function ports(): AppPorts {
  containerPorts ??= awsPorts(awsClients, resourcesFromEnvironment);
  return containerPorts;
}
