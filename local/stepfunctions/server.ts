import { type RunningServer, startAwsJsonServer } from '../aws-json-server.ts';
import type { LocalStepFunctions } from './engine.ts';

/**
 * The Step Functions endpoint of the local cloud (AWS JSON 1.0, `AWSStepFunctions.<Operation>`),
 * for the handlers' SDK clients (`AWS_ENDPOINT_URL_SFN`) and for anyone watching with the CLI.
 */
export function startStepFunctionsServer(
  engine: LocalStepFunctions,
  options: { port?: number } = {},
): Promise<RunningServer> {
  return startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    port: options.port,
    operations: {
      StartExecution: (input) => engine.startExecution(input),
      DescribeExecution: (input) => engine.describeExecution(input),
      ListExecutions: (input) => engine.listExecutions(input),
      GetExecutionHistory: (input) => engine.getExecutionHistory(input),
      SendTaskSuccess: (input) => engine.sendTaskSuccess(input),
      SendTaskFailure: (input) => engine.sendTaskFailure(input),
      SendTaskHeartbeat: (input) => engine.sendTaskHeartbeat(input),
      StopExecution: (input) => engine.stopExecution(input),
      ListStateMachines: (input) => engine.listStateMachines(input),
      DescribeStateMachine: (input) => engine.describeStateMachine(input),
    },
  });
}
