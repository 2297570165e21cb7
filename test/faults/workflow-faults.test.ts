/**
 * Fault injection at every Task state of both workflows but ExpireReturn, which only a return's
 * 30-day wait running out reaches (statemachines/*.asl.json run by
 * aws-local-stepfunctions, the real handlers, DynamoDB Local): a crash, a Lambda timeout after the
 * work was done, DynamoDB throttling and transaction conflicts (test/support/fault-injection.ts),
 * each transient (the next two attempts fail) or permanent (every attempt fails), then the journey
 * goes on as the locations, carriers and customer drive it over HTTP.
 *
 * After each: the order is not lost (it ends, or its workflow failed visibly where nothing can
 * continue without an operator), no unit is left reserved for it, the stock is what the journey
 * shipped and took back, and the failure is visible (the error's name in the execution history,
 * a FAILED execution where the order could not be served). A transient fault changes nothing of
 * the outcome: the Retry rules of the ASL absorb it, or, for a transaction conflict, the write itself
 * (functions/adapters/transactions.ts tries a conflicted transaction three times). Every event a change of the order committed
 * reached the bus, whatever struck after the commit (a timeout is a step that died between its
 * write and its answer): the event is in the outbox with its change, and the pipe delivers it.
 *
 * The SDK's own retries are off here (AWS_MAX_ATTEMPTS=1), so that each injected failure reaches
 * the step as scripted; on AWS the SDK retries throttling three times before the ASL's Retry does.
 */
import { describe, expect, it } from 'vitest';
import { type StepFault, useFaultInjection, type WorkflowStep } from '../support/fault-injection.ts';
import {
  driveJourney,
  failuresIn,
  fulfilmentExecutionArn,
  returnExecutionArn,
  type Scenario,
} from '../support/fault-journeys.ts';
import { useTestCloud } from '../support/fixture.ts';
import { stockOf } from '../support/journey.ts';
import { committedEvents } from '../support/outbox.ts';

const local = useTestCloud({ network: 'flt', environment: { AWS_MAX_ATTEMPTS: '1' } });
const faults = useFaultInjection(local);
const { api, ids } = local;

/** The error name each fault reaches the workflow with (functions/shared/errors.ts, or the platform's). */
const errorNameOf: Record<StepFault, string> = {
  crash: 'TypeError',
  timeout: 'Sandbox.Timedout',
  throttle: 'ProvisionedThroughputExceededException',
  conflict: 'VersionConflict',
  'lost-answer': 'InternalServerError',
};

interface Outcome {
  /** the order's final status; `stalled`: its workflow failed while it was still open */
  order: 'DELIVERED' | 'REJECTED' | 'CANCELLED' | 'stalled';
  execution: 'SUCCEEDED' | 'FAILED';
  /** the return's final status (customer-return journeys); `stalled` as for the order */
  returned?: 'REFUNDED' | 'stalled';
  /** the kinds of the order's incidents refunded at the end, when the journey loses a parcel */
  refunded?: string[];
  /** on hand at the end, per location; nothing is ever left reserved */
  onHand: { lyon: number; lille?: number };
  /**
   * the fault was absorbed inside the step (its use case or its write retried), so the workflow
   * never saw it; `either`: absorbed, but the step may still meet a genuine version conflict the
   * workflow's Retry absorbs (the order written meanwhile by the answer that woke the step)
   */
  absorbedInside?: boolean | 'either';
}

interface StepCase {
  step: WorkflowStep;
  scenario: Scenario;
  /** the SKU is stocked at Lyon only (nowhere else to re-source to) */
  lyonOnly?: boolean;
  outcomes: Partial<Record<`${StepFault} ${'once' | 'twice' | 'always'}`, Outcome>>;
}

const delivered = (lyon: number, lille = 3): Outcome => ({
  order: 'DELIVERED',
  execution: 'SUCCEEDED',
  onHand: { lyon, lille },
});
const compensated = (execution: Outcome['execution'], lyon = 3, lille = 3): Outcome => ({
  order: 'REJECTED',
  execution,
  onHand: { lyon, lille },
});

/** Every Task state of both workflows, the journey that reaches it, and what each fault leads to. */
const cases: StepCase[] = [
  {
    step: { state: 'AllocateOrder', functionId: 'AllocateOrder' },
    scenario: 'deliver',
    outcomes: {
      'crash once': compensated('FAILED'),
      'timeout once': compensated('FAILED'),
      'throttle twice': delivered(2),
      'throttle always': compensated('FAILED'),
      'conflict twice': { ...delivered(2), absorbedInside: true },
      'conflict always': compensated('FAILED'),
    },
  },
  {
    // a crash or a lost answer while recording the wait: the shipment goes to the other warehouse
    step: { state: 'PickPack', functionId: 'PickPack' },
    scenario: 'deliver',
    outcomes: {
      'crash once': delivered(3, 2),
      'timeout once': delivered(3, 2),
      'throttle twice': delivered(2),
      'throttle always': compensated('SUCCEEDED'),
    },
  },
  {
    step: { state: 'DispatchCarrier', functionId: 'DispatchCarrier' },
    scenario: 'deliver',
    outcomes: {
      'crash once': delivered(2),
      'timeout once': delivered(2),
      'throttle twice': delivered(2),
      'throttle always': compensated('SUCCEEDED'),
      'conflict twice': { ...delivered(2), absorbedInside: true },
      'conflict always': compensated('SUCCEEDED'),
    },
  },
  {
    // the parcel has left: only the wait for it can fail, and a failed wait cannot call it back
    step: { state: 'TrackShipment', functionId: 'TrackShipment' },
    scenario: 'deliver',
    outcomes: {
      'crash once': delivered(2),
      'timeout once': delivered(2),
      'throttle twice': delivered(2),
      // the wait cannot be recorded: the workflow fails visibly, the unit has left with the parcel
      'throttle always': compensated('FAILED', 2),
    },
  },
  {
    step: { state: 'ResourceShipment', functionId: 'ResourceShipment' },
    scenario: 'reject-first',
    outcomes: {
      'crash once': compensated('FAILED'),
      'timeout once': compensated('FAILED'),
      'throttle twice': delivered(3, 2),
      'throttle always': compensated('FAILED'),
      // the reject answer takes its task token off the order just after waking the workflow: the
      // write's own retries of the injected conflicts may land after that, and meet it
      'conflict twice': { ...delivered(3, 2), absorbedInside: 'either' },
      'conflict always': compensated('FAILED'),
    },
  },
  {
    step: { state: 'ReportUnfilled', functionId: 'ReportUnfilled' },
    scenario: 'reject-first',
    lyonOnly: true,
    outcomes: {
      'crash once': compensated('FAILED'),
      'timeout once': compensated('FAILED'),
      'throttle twice': compensated('SUCCEEDED'),
      'throttle always': compensated('FAILED'),
      'conflict twice': { ...compensated('SUCCEEDED'), absorbedInside: true },
      'conflict always': compensated('FAILED'),
    },
  },
  {
    // the first parcel is lost: its unit is gone; a replacement ships a second one
    step: { state: 'ResolveIncident', functionId: 'ShipmentIncident', action: 'resolve' },
    scenario: 'lose-first',
    // when the workflow cannot go on, the lost parcel is refunded as it closes the order (the
    // replacement a timed-out step had reserved is cancelled with it)
    outcomes: {
      'crash once': { ...compensated('FAILED', 2), refunded: ['lost'] },
      'timeout once': { ...compensated('FAILED', 2), refunded: ['lost'] },
      'throttle twice': { ...delivered(1), refunded: [] },
      'throttle always': { ...compensated('FAILED', 2), refunded: ['lost'] },
      'conflict twice': { ...delivered(1), absorbedInside: true, refunded: [] },
      'conflict always': { ...compensated('FAILED', 2), refunded: ['lost'] },
    },
  },
  {
    // the parcel comes back to Lyon and is restocked there, whatever became of the workflow
    step: { state: 'AwaitParcelBack', functionId: 'ShipmentIncident', action: 'await-return' },
    scenario: 'return-to-sender',
    outcomes: {
      'crash once': compensated('FAILED'),
      'timeout once': compensated('FAILED'),
      'throttle twice': { order: 'CANCELLED', execution: 'SUCCEEDED', onHand: { lyon: 3, lille: 3 } },
      'throttle always': compensated('FAILED'),
    },
  },
  {
    step: { state: 'Compensate', functionId: 'Compensate' },
    scenario: 'cancel',
    outcomes: {
      'crash once': { order: 'CANCELLED', execution: 'SUCCEEDED', onHand: { lyon: 3, lille: 3 } },
      'timeout once': { order: 'CANCELLED', execution: 'SUCCEEDED', onHand: { lyon: 3, lille: 3 } },
      'throttle twice': { order: 'CANCELLED', execution: 'SUCCEEDED', onHand: { lyon: 3, lille: 3 } },
      // outlasting every retry: visible, and held until the execution is redriven (below)
      'throttle always': { order: 'stalled', execution: 'FAILED', onHand: { lyon: 3, lille: 3 } },
      'conflict twice': {
        order: 'CANCELLED',
        execution: 'SUCCEEDED',
        onHand: { lyon: 3, lille: 3 },
        absorbedInside: true,
      },
      'conflict always': { order: 'stalled', execution: 'FAILED', onHand: { lyon: 3, lille: 3 } },
    },
  },
  {
    step: { state: 'AwaitReturnReceipt', functionId: 'Return', action: 'await' },
    scenario: 'customer-return',
    outcomes: {
      'crash once': { ...delivered(3), returned: 'REFUNDED' },
      'timeout once': { ...delivered(3), returned: 'REFUNDED' },
      'throttle twice': { ...delivered(3), returned: 'REFUNDED' },
      'throttle always': { ...delivered(2), execution: 'FAILED', returned: 'stalled' },
    },
  },
  {
    step: { state: 'ProcessReturn', functionId: 'Return', action: 'process' },
    scenario: 'customer-return',
    outcomes: {
      'crash once': { ...delivered(2), execution: 'FAILED', returned: 'stalled' },
      // the return was processed; only its answer was lost
      'timeout once': { ...delivered(3), execution: 'FAILED', returned: 'REFUNDED' },
      'throttle twice': { ...delivered(3), returned: 'REFUNDED' },
      'throttle always': { ...delivered(2), execution: 'FAILED', returned: 'stalled' },
      'conflict twice': { ...delivered(3), returned: 'REFUNDED', absorbedInside: true },
      'conflict always': { ...delivered(2), execution: 'FAILED', returned: 'stalled' },
    },
  },
];

/** The ids of the events committed to the outbox about an order (its orderId in their detail). */
async function committedEventsOf(orderId: string): Promise<string[]> {
  return (await committedEvents(local.cloud))
    .filter((e) => e.detail.orderId === orderId)
    .map((e) => e.eventId);
}

const timesOf = { once: 1, twice: 2, always: Number.POSITIVE_INFINITY } as const;
let serial = 0;

describe.each(cases)(
  'faults at $step.state ($scenario journey)',
  ({ step, scenario, lyonOnly, outcomes }) => {
    it.each(Object.entries(outcomes) as [string, Outcome][])(
      '%s',
      async (label, expected) => {
        const [fault, when] = label.split(' ') as [StepFault, keyof typeof timesOf];
        const times = timesOf[when];
        serial += 1;
        const sku = `flt-${serial}`;
        const orderId = `F${serial}-${step.state}-${fault}-${when}`;
        const returnId = `R${orderId}`;
        expect((await api.put(`/products/${sku}`, { name: sku, weightKg: 0.5 })).status).toBe(200);
        const stocked = lyonOnly ? [ids.lyon] : [ids.lyon, ids.lille];
        for (const locationId of stocked)
          expect((await api.put(`/inventory/${locationId}/${sku}`, { onHand: 3 })).status).toBe(200);

        faults.arm({ step, fault, times, subject: step.functionId === 'Return' ? returnId : orderId });
        let end: Awaited<ReturnType<typeof driveJourney>>;
        try {
          end = await driveJourney(api, local.cloud, orderId, sku, scenario, faults.busy);
        } finally {
          faults.disarm();
        }
        const struck = faults.struck();
        if (times === Number.POSITIVE_INFINITY)
          expect(struck, 'the fault struck every attempt').toBeGreaterThan(2);
        else expect(struck, 'the fault struck as often as scripted').toBe(times);

        // the order ends as expected, or its workflow failed with the order still open
        if (expected.order === 'stalled') expect(end.stalled).toBe(true);
        else expect(end.order.status).toBe(expected.order);
        if (expected.returned === 'stalled') expect(end.stalled).toBe(true);
        else if (expected.returned) expect(end.returned.status).toBe(expected.returned);
        if (expected.refunded) {
          const { body: order } = await api.get(`/orders/${orderId}`);
          const refunded = (order.incidents ?? []).filter(
            (i: { resolution: string }) => i.resolution === 'refunded',
          );
          expect(refunded.map((i: { kind: string }) => i.kind)).toEqual(expected.refunded);
        }

        // visible: the execution's end, and the fault's own name in its history
        const executionArn =
          scenario === 'customer-return'
            ? returnExecutionArn(local.cloud, returnId)
            : fulfilmentExecutionArn(local.cloud, orderId);
        const execution = await local.cloud.stepFunctions.waitForExecution(executionArn);
        expect(execution.status).toBe(expected.execution);
        if (expected.execution === 'FAILED') expect(execution.error).toMatch(/./);
        const failures = failuresIn(local.cloud, executionArn);
        if (expected.absorbedInside === true) expect(failures).not.toContain(errorNameOf[fault]);
        else if (expected.absorbedInside === undefined) expect(failures).toContain(errorNameOf[fault]);

        if (expected.order === 'stalled') {
          // held for the order until the operator redrives the failed step, which then releases it
          expect((await stockOf(api, sku, ids.lyon)).reserved).toBe(1);
          expect(execution.error).toBe('OrderFailed');
          const redriven = await local.cloud.invoke('Compensate', {
            orderId,
            error: { Error: 'OrderCancelled', Cause: 'redriven after the fault' },
          });
          expect(redriven).toMatchObject({ status: 'CANCELLED' });
        }
        if (expected.returned === 'stalled') {
          expect(end.returned.status).toBe('RECEIVED');
          expect(execution.error).toMatch(/./);
        }

        // nothing reserved for the order, the stock is what was shipped and taken back
        await local.cloud.idle();
        const committed = await committedEventsOf(orderId);
        expect(committed.length, 'events committed about the order').toBeGreaterThan(0);
        const onBus = new Set(local.events.flatMap((e) => e.resources));
        expect(
          committed.filter((id) => !onBus.has(`relais:event:${id}`)),
          'committed events that never reached the bus',
        ).toEqual([]);
        const lyon = await stockOf(api, sku, ids.lyon);
        expect(lyon).toMatchObject({ onHand: expected.onHand.lyon, reserved: 0 });
        if (!lyonOnly) {
          const lille = await stockOf(api, sku, ids.lille);
          expect(lille).toMatchObject({ onHand: expected.onHand.lille, reserved: 0 });
        }
      },
      120_000,
    );
  },
);
