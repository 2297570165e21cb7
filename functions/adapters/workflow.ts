import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { config } from './config.ts';

const sfn = new SFNClient({});

/** Starts the order's workflow, named by the order id: Step Functions itself refuses a second one. */
export async function startFulfilment(orderId: string): Promise<'started' | 'already-started'> {
  return startNamed(config.fulfilmentStateMachine, orderId, { orderId });
}

export async function startReturn(returnId: string): Promise<'started' | 'already-started'> {
  return startNamed(config.returnStateMachine, returnId, { returnId });
}

async function startNamed(stateMachineArn: string, name: string, input: object) {
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return 'started' as const;
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return 'already-started' as const;
    throw error;
  }
}

/** Completes a waiting task; false when the token is no longer waiting (already completed, timed out). */
export async function completeTask(token: string, output: object): Promise<boolean> {
  return settle(() =>
    sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
  );
}

/** Fails a waiting task with a named error that the state machine catches. */
export async function failTask(token: string, error: string, cause: string): Promise<boolean> {
  return settle(() => sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause })));
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
