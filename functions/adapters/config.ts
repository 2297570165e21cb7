import { env } from '../../lib/functions-manifest.ts';

/** Reads a variable the stack sets on every function; fails loudly at cold start when it is missing. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** Resolved lazily so that a handler that does not need a resource does not need its variable either. */
export const config = {
  get ordersTable() {
    return required(env.ordersTable);
  },
  get inventoryTable() {
    return required(env.inventoryTable);
  },
  get networkTable() {
    return required(env.networkTable);
  },
  get idempotencyTable() {
    return required(env.idempotencyTable);
  },
  get eventBus() {
    return required(env.eventBus);
  },
  get fulfilmentStateMachine() {
    return required(env.fulfilmentStateMachine);
  },
  get returnStateMachine() {
    return required(env.returnStateMachine);
  },
  get labelsBucket() {
    return required(env.labelsBucket);
  },
};
