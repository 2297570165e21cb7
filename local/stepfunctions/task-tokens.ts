import { randomBytes } from 'node:crypto';
import { AwsError } from '../aws-json-server.ts';
import { TaskFailure } from './task-failure.ts';

export const timeoutError = 'States.Timeout';

interface Waiter {
  executionArn: string;
  stateName: string;
  resolve(output: unknown): void;
  reject(failure: TaskFailure): void;
  expiry?: NodeJS.Timeout;
}

export interface IssuedToken {
  token: string;
  /** settles with the SendTaskSuccess output, or rejects with a TaskFailure */
  result: Promise<unknown>;
}

/**
 * The callback tokens of `.waitForTaskToken` tasks: one fresh token per waiting task, settled
 * once by SendTaskSuccess or SendTaskFailure, refused afterwards as AWS refuses them.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  private readonly timedOut = new Set<string>();

  /** `token` is given when a task resumed after a restart waits again on the token it had. */
  issue(executionArn: string, stateName: string, token = randomBytes(48).toString('base64url')): IssuedToken {
    let waiter: Waiter | undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      waiter = { executionArn, stateName, resolve, reject };
    });
    this.waiting.set(token, waiter as Waiter);
    return { token, result };
  }

  /**
   * Refuses the token from `at` on (the task's TimeoutSeconds). The task itself is failed by
   * aws-local-stepfunctions' own timer, armed a moment later for the same instant, so that its
   * `States.Timeout` keeps the library's semantics (`States.TaskFailed` does not match it); the
   * waiter is settled after a grace period only to release it.
   */
  expireAt(token: string, at: number): void {
    const waiter = this.waiting.get(token);
    if (!waiter) return;
    waiter.expiry = setTimeout(
      () => {
        if (this.waiting.get(token) !== waiter) return;
        this.waiting.delete(token);
        this.timedOut.add(token);
        setTimeout(() => waiter.reject(new TaskFailure(timeoutError, 'Task timed out')), 100);
      },
      Math.max(0, at - Date.now()),
    );
  }

  succeed(token: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.take(token).resolve(parsed);
  }

  fail(token: string, error = '', cause = ''): void {
    this.take(token).reject(new TaskFailure(error, cause));
  }

  /** SendTaskHeartbeat: only checks that the task still waits (heartbeats are not enforced locally). */
  heartbeat(token: string): void {
    this.find(token);
  }

  /** Fails the tasks of the execution that still wait (all of them, or those of the given states). */
  abandon(executionArn: string, failure: TaskFailure, stateNames?: ReadonlySet<string>): void {
    for (const [token, waiter] of this.waiting) {
      if (waiter.executionArn !== executionArn) continue;
      if (stateNames && !stateNames.has(waiter.stateName)) continue;
      this.waiting.delete(token);
      clearTimeout(waiter.expiry);
      waiter.reject(failure);
    }
  }

  /** Tokens still waiting, for local tools (dashboard) and tests. */
  pending(executionArn?: string): { token: string; executionArn: string; stateName: string }[] {
    return [...this.waiting]
      .filter(([, waiter]) => executionArn === undefined || waiter.executionArn === executionArn)
      .map(([token, waiter]) => ({ token, executionArn: waiter.executionArn, stateName: waiter.stateName }));
  }

  private take(token: string): Waiter {
    const waiter = this.find(token);
    this.waiting.delete(token);
    clearTimeout(waiter.expiry);
    return waiter;
  }

  private find(token: string): Waiter {
    if (typeof token !== 'string' || token.length === 0 || token.length > 2048) {
      throw new AwsError('InvalidToken', 'Invalid Token: a task token is 1 to 2048 characters');
    }
    if (this.timedOut.has(token)) {
      throw new AwsError('TaskTimedOut', 'Task Timed Out: the task of this token has timed out');
    }
    const waiter = this.waiting.get(token);
    if (!waiter) {
      throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist: the token is unknown or already used');
    }
    return waiter;
  }
}
