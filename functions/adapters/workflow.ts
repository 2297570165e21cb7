import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Workflows } from '../app/ports.ts';

/** The state machines, by the ARN the stack gives each (read when first needed). */
export interface StateMachines {
  fulfilment: () => string;
  return: () => string;
}

/**
 * Step Functions: executions are named by the order or return id, so Step Functions itself refuses
 * a second one; callbacks settle the task a token names.
 */
export function stepFunctionsWorkflows(sfn: SFNClient, machines: StateMachines): Workflows {
  async function startNamed(stateMachineArn: string, name: string, input: object) {
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return 'started' as const;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'already-started' as const;
      throw error;
    }
  }
  async function settle(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut) return false;
      if (error instanceof Error && error.name === 'InvalidToken') return false;
      throw error;
    }
  }
  return {
    startFulfilment: (orderId) => startNamed(machines.fulfilment(), orderId, { orderId }),
    startReturn: (returnId) => startNamed(machines.return(), returnId, { returnId }),
    completeTask: (token, output) =>
      settle(() =>
        sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
      ),
    failTask: (token, error, cause) =>
      settle(() => sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }))),
  };
}
