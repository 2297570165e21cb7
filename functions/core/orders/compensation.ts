/**
 * Which failure of an order's workflow is a business outcome and which is a fault. An order that
 * cannot be filled or is invalid ends REJECTED cleanly; a cancellation ends CANCELLED; anything
 * else ends the order REJECTED too (its stock released) but is a failure worth an alarm; its
 * reason names the error, never its message (an internal message is for operators, not customers:
 * they read it in the execution's history).
 */
const businessRejections: ReadonlySet<string> = new Set(['OrderInvalid', 'NoSourcingPlan']);

export interface OrderClosing {
  status: 'CANCELLED' | 'REJECTED';
  /** true when the order stopped on a fault, not a business outcome: the execution fails visibly */
  failed: boolean;
  reason: string;
}

export function closingFor(errorName: string, reason: string): OrderClosing {
  if (errorName === 'OrderCancelled') return { status: 'CANCELLED', failed: false, reason: 'cancelled' };
  if (businessRejections.has(errorName)) return { status: 'REJECTED', failed: false, reason };
  return { status: 'REJECTED', failed: true, reason: `could not be processed (${errorName})` };
}
