import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';

/** What one task step of an execution did, or is doing, as the next start needs to know it. */
export interface StepRecord {
  /** how the step ended; a step without one is re-run live on resume */
  outcome?: { output: unknown } | { error: string; cause: string };
  /** a `.waitForTaskToken` step's token, kept so that whoever holds it can still answer */
  token?: string;
  /** epoch ms at which that token times out */
  deadline?: number;
  /** the function that receives the token has returned: it is not invoked again on resume */
  submitted?: boolean;
}

/** An execution as it is written to disk: enough to answer the API and to replay it. */
export interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** the value `$$.Task.Token` has in this execution: task inputs are keyed with it in */
  tokenPlaceholder: string;
  transitions: number;
  history: HistoryEvent[];
  /** keyed by state name, hash of the task's effective input and its occurrence */
  steps: Record<string, StepRecord>;
}

/**
 * One JSON file per execution under `dir`, each written to a temporary file then renamed over the
 * old one, so that a crash or a SIGKILL leaves either the previous or the new state, never half.
 */
export class ExecutionStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  loadAll(): StoredExecution[] {
    const executions: StoredExecution[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        executions.push(JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as StoredExecution);
      } catch (error) {
        console.error(`[local-stepfunctions] unreadable execution file ${file}:`, error);
      }
    }
    return executions;
  }

  save(execution: StoredExecution): void {
    const file = join(
      this.dir,
      `${createHash('sha256').update(execution.executionArn).digest('hex').slice(0, 32)}.json`,
    );
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(execution));
    renameSync(temporary, file);
  }
}
