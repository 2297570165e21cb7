import type { AppPorts } from '../app/ports.ts';
import { type AwsClients, awsClients } from './clients.ts';
import { config } from './config.ts';
import type { DynamoContext, Tables } from './dynamo-tables.ts';
import { eventBridgePublisher } from './events.ts';
import { dynamoStock } from './inventory-store.ts';
import { s3Labels } from './labels.ts';
import { dynamoNetwork } from './network-store.ts';
import { dynamoCarrierEvents, dynamoOrders } from './order-store.ts';
import { dynamoReturns } from './return-store.ts';
import { dynamoSupply } from './supply-store.ts';
import { stepFunctionsWorkflows } from './workflow.ts';

/** Where the ports' resources are: names of tables, bus, state machines and bucket. */
export interface Resources {
  tables: Tables;
  eventBus: () => string;
  fulfilmentStateMachine: () => string;
  returnStateMachine: () => string;
  labelsBucket: () => string;
}

/** The resources the stack names in the function's environment, each read when first used. */
export const resourcesFromEnvironment: Resources = {
  tables: {
    get orders() {
      return config.ordersTable;
    },
    get inventory() {
      return config.inventoryTable;
    },
    get network() {
      return config.networkTable;
    },
    get idempotency() {
      return config.idempotencyTable;
    },
  },
  eventBus: () => config.eventBus,
  fulfilmentStateMachine: () => config.fulfilmentStateMachine,
  returnStateMachine: () => config.returnStateMachine,
  labelsBucket: () => config.labelsBucket,
};

/** Every port on its AWS adapter: what a handler passes to its use case (tests and benchmarks too). */
export function awsPorts(clients: AwsClients, resources: Resources): AppPorts {
  const dynamo = (): DynamoContext => ({ db: clients.dynamodb, tables: resources.tables });
  return {
    orders: dynamoOrders(dynamo()),
    carrierEvents: dynamoCarrierEvents(dynamo()),
    network: dynamoNetwork(dynamo()),
    stock: dynamoStock(dynamo()),
    supply: dynamoSupply(dynamo()),
    returns: dynamoReturns(dynamo()),
    events: eventBridgePublisher(clients.eventBridge, resources.eventBus),
    workflows: stepFunctionsWorkflows(clients.sfn, {
      fulfilment: resources.fulfilmentStateMachine,
      return: resources.returnStateMachine,
    }),
    labels: s3Labels(clients.s3, resources.labelsBucket),
    clock: { now: () => new Date() },
  };
}

let containerPorts: AppPorts | undefined;

/** The ports of this container: built once, on the traced clients, from the stack's environment. */
export function ports(): AppPorts {
  containerPorts ??= awsPorts(awsClients, resourcesFromEnvironment);
  return containerPorts;
}
