/**
 * Every error Relais raises on purpose. HTTP handlers turn them into problem+json answers; Step
 * Functions matches their `name` in `Catch`/`Retry` (Lambda reports the thrown error's name as the
 * error type), so the names below are the vocabulary of the state machines too.
 */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly statusCode: number;
  /** true when the message can be shown to the caller as is */
  readonly expose: boolean = true;
  readonly errors: FieldError[] | undefined;
  /** when the same request may succeed if retried later: sent as `Retry-After` (seconds) */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    options: { errors?: FieldError[]; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

// 4xx at the API edge
export class ValidationFailed extends DomainError {
  override readonly name = 'ValidationFailed';
  readonly statusCode = 400;
}
export class Unauthorized extends DomainError {
  override readonly name = 'Unauthorized';
  readonly statusCode = 401;
}
export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  readonly statusCode = 404;
}
export class Conflict extends DomainError {
  override readonly name = 'Conflict';
  readonly statusCode = 409;
}
export class IdempotencyConflict extends DomainError {
  override readonly name = 'IdempotencyConflict';
  readonly statusCode = 409;
}
export class StaleStockCount extends DomainError {
  override readonly name = 'StaleStockCount';
  readonly statusCode = 409;
}
export class PayloadTooLarge extends DomainError {
  override readonly name = 'PayloadTooLarge';
  readonly statusCode = 413;
}
export class UnknownReference extends DomainError {
  override readonly name = 'UnknownReference';
  readonly statusCode = 422;
}
export class ReturnWindowClosed extends DomainError {
  override readonly name = 'ReturnWindowClosed';
  readonly statusCode = 422;
}

/**
 * A reservation or a preparation slot refused inside the allocation transaction: the use cases source
 * again without the location, so a workflow never sees it.
 */
export class ReservationConflict extends DomainError {
  override readonly name = 'ReservationConflict';
  readonly statusCode = 409;
  /** the location whose stock or capacity refused, when known: re-sourcing leaves it out */
  locationId: string | undefined;
}

// Workflow errors: thrown by the use cases the steps call, matched by name in statemachines/*.asl.json
export class OrderInvalid extends DomainError {
  override readonly name = 'OrderInvalid';
  readonly statusCode = 422;
}
export class NoSourcingPlan extends DomainError {
  override readonly name = 'NoSourcingPlan';
  readonly statusCode = 409;
}
export class OrderCancelled extends DomainError {
  override readonly name = 'OrderCancelled';
  readonly statusCode = 409;
}
export class ShipmentRejected extends DomainError {
  override readonly name = 'ShipmentRejected';
  readonly statusCode = 409;
}
/** The carrier lost or damaged the parcel (or it never arrived): the waiting task fails, the workflow replaces it. */
export class ShipmentLost extends DomainError {
  override readonly name = 'ShipmentLost';
  readonly statusCode = 409;
}
/** The carrier sends the parcel back: the waiting task fails, the workflow waits for its return. */
export class ShipmentReturning extends DomainError {
  override readonly name = 'ShipmentReturning';
  readonly statusCode = 409;
}
/**
 * Not a failure: only expected supply can fill the order, which is now BACKORDERED. The workflow
 * catches it to wait; its message is the wait as JSON (`{"waitSeconds": n}`), read by the ASL.
 */
export class AwaitingSupply extends DomainError {
  override readonly name = 'AwaitingSupply';
  readonly statusCode = 409;

  /** the error that tells the workflow to wait this long (the ASL reads the message) */
  static waiting(waitSeconds: number): AwaitingSupply {
    return new AwaitingSupply(JSON.stringify({ waitSeconds }));
  }
}

/**
 * Every unit of the shipment was cancelled (a partial cancellation of the order): its waiting task
 * fails with this name and its branch of the workflow ends; the rest of the order goes on.
 */
export class ShipmentLinesCancelled extends DomainError {
  override readonly name = 'ShipmentLinesCancelled';
  readonly statusCode = 409;
}
export class VersionConflict extends DomainError {
  override readonly name = 'VersionConflict';
  readonly statusCode = 409;
}

/**
 * Data that contradicts itself (a shipment that is not part of its order, a parcel re-sourced after
 * it left): never a clean business outcome. Fails loudly, so that the workflow ends visibly.
 */
export class IntegrityViolation extends DomainError {
  override readonly name = 'IntegrityViolation';
  readonly statusCode = 500;
  override readonly expose = false;
}

/**
 * A delivery of an event found the customer's message being sent by another delivery: thrown so
 * that the bus retries it later, when the notification is recorded (functions/app/notify-customer.ts).
 */
export class NotificationInFlight extends DomainError {
  override readonly name = 'NotificationInFlight';
  readonly statusCode = 409;
}

/** The error names a state machine may catch or retry, by the class that raises each. */
export const workflowErrors = {
  OrderInvalid,
  NoSourcingPlan,
  OrderCancelled,
  ShipmentRejected,
  ShipmentLost,
  ShipmentReturning,
  ShipmentLinesCancelled,
  VersionConflict,
  IntegrityViolation,
  AwaitingSupply,
} as const;

/** The errors an event handler throws on purpose, for the bus (or Lambda) to deliver the event again. */
export const eventRetryErrors = { NotificationInFlight } as const;

/**
 * Names Step Functions itself produces (States.*), or Lambda's service errors. A `Catch` or `Retry`
 * may name these too; anything else in an ASL file must be a key of `workflowErrors`.
 */
export const platformErrors = [
  'States.ALL',
  'States.Timeout',
  'States.TaskFailed',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * Errors of the AWS services a step calls that mean "too fast, try again later": DynamoDB's
 * throttling (`ProvisionedThroughputExceededException`, `RequestLimitExceeded`) and the other
 * services' (`ThrottlingException`). The SDK retries them a few times; one that outlasts its
 * retries fails the step with that name, and every Task of the workflows retries it with backoff
 * instead of compensating the order (the fault tier, test/faults, checks both).
 */
export const throttlingErrors = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
] as const;

/** The name of the failure the workflow ended with: either a DomainError subclass or an unexpected crash. */
export type WorkflowErrorName = keyof typeof workflowErrors;

export function isWorkflowErrorName(name: string): name is WorkflowErrorName {
  return Object.hasOwn(workflowErrors, name);
}
