/**
 * The Step Functions port of the cases slice: start executions with deterministic names (idempotent
 * start) and resume a waiting task (`.waitForTaskToken`). In AWS this is the real service; locally the
 * SDK is pointed (AWS_ENDPOINT_URL_SFN) at the embedded runner in local/stepfunctions, so this code has
 * no local branch.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { logger } from '../observability.ts';
import { traced } from '../tracing.ts';

let client: SFNClient | undefined;
const sfn = () => (client ??= traced(new SFNClient({ maxAttempts: 3 })));

/** Errors that mean the token is no longer waiting (already resumed, timed out, or unknown). */
const GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

export const workflowPort = {
  /**
   * Starts an execution named `name`. Starting the same name with the same input again is a no-op
   * (Step Functions answers with the existing execution); returns false when a different execution has it.
   */
  async start(stateMachineArn: string, name: string, input: unknown): Promise<boolean> {
    try {
      await sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') return false;
      throw error;
    }
  },

  /** Resumes the task waiting on `token`; false when it is not waiting any more. */
  async resume(token: string, output: unknown): Promise<boolean> {
    try {
      await sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (GONE.has((error as Error).name)) {
        logger.info('Task token no longer waiting', { errorName: (error as Error).name });
        return false;
      }
      throw error;
    }
  },

  async fail(token: string, error: string, cause: string): Promise<boolean> {
    try {
      await sfn().send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
      return true;
    } catch (e) {
      if (GONE.has((e as Error).name)) return false;
      throw e;
    }
  },
};
