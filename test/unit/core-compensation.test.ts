import { describe, expect, it } from 'vitest';
import { closingFor } from '../../functions/core/orders/compensation.ts';

describe('closingFor', () => {
  it('ends a cancellation CANCELLED and a business rejection REJECTED with its reason, neither a failure', () => {
    expect(closingFor('OrderCancelled', 'by the customer')).toEqual({
      status: 'CANCELLED',
      failed: false,
      reason: 'cancelled',
    });
    expect(closingFor('NoSourcingPlan', 'no location holds LAMP')).toEqual({
      status: 'REJECTED',
      failed: false,
      reason: 'no location holds LAMP',
    });
  });

  it('names a fault by its error and never shows its internal message to the customer', () => {
    const internal =
      'Transaction request cannot include multiple operations on one item; TransactItems exceeded 100';
    const closing = closingFor('ValidationException', internal);
    expect(closing.status).toBe('REJECTED');
    expect(closing.failed).toBe(true);
    expect(closing.reason).toBe('could not be processed (ValidationException)');
    expect(closing.reason).not.toContain('TransactItems');
  });
});
