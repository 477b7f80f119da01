/**
 * The ASL runner of the local Step Functions: the very ASL files of statemachines/, run by
 * aws-local-stepfunctions, each Task state bound to the same handler code the Lambda runs (with that
 * function's env only).
 *
 * `.waitForTaskToken`: the override mints a token, keeps a pending promise by it, then calls the handler
 * (which persists the token in the cases table); `sendTaskSuccess`/`sendTaskFailure` settle the promise.
 * After a restart the pending promises are gone: `rebuild()` starts one case-workflow execution per case
 * with a waiting task or a recorded-but-unapplied step, with the input every execution starts with
 * (`{ caseId }`); its first Await Step takes the step already recorded.
 */
import './polyfill.ts';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { WORKFLOW_FUNCTIONS } from '../../manifest/functions.ts';
import { localSubstitutions, readDefinition, STATE_MACHINES, substitute, type StateMachineId } from '../../statemachines/substitutions.ts';
import { handlerLoader, LOCAL_ACCOUNT_ID, lambdaContext, REPO_ROOT, runAs } from '../lambda.ts';

/** Lambda function name (last ARN segment: the manifest's name) → entry file exporting `handler`. */
export const LOCAL_FUNCTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(WORKFLOW_FUNCTIONS).map(([name, spec]) => [name, spec.entry]),
);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type TaskOverride = (input: Json) => Promise<Json>;

interface AslState {
  Type: string;
  Resource?: string;
  States?: Record<string, AslState>;
  ItemProcessor?: { States: Record<string, AslState> };
  Iterator?: { States: Record<string, AslState> };
  Branches?: { States: Record<string, AslState> }[];
  Retry?: unknown[];
}

/** Every Task state (also inside Map and Parallel) and every state with Retry, by name. */
export const taskStates = (states: Record<string, AslState>): { tasks: Record<string, AslState>; retryable: string[] } => {
  const tasks: Record<string, AslState> = {};
  const retryable: string[] = [];
  const walk = (s: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(s)) {
      if (state.Type === 'Task') tasks[name] = state;
      if (state.Retry) retryable.push(name);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
      if (state.Iterator) walk(state.Iterator.States);
      for (const b of state.Branches ?? []) walk(b.States);
    }
  };
  walk(states);
  return { tasks, retryable };
};

/** A Step Functions error by its API name (`TaskDoesNotExist`, …); the endpoint answers it as a 400. */
export class SfnError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Execution {
  readonly arn: string;
  readonly name: string;
  readonly machine: StateMachineId;
  readonly input: string;
  readonly startDate: Date;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort(): void;
  readonly done: Promise<void>;
}

export interface RunnerOptions {
  /** Retry interval used instead of the ASL's (ms). Default 50. */
  readonly retryIntervalMs?: number;
  readonly log: (message: string, data?: Record<string, unknown>) => void;
}

export type Runner = ReturnType<typeof aslRunner>;

export function aslRunner(options: RunnerOptions) {
  const { log } = options;
  const executions = new Map<string, Execution>();
  const tokens = new Map<string, { resolve: (v: Json) => void; reject: (e: Error) => void; execution: string; state: string }>();
  let region = 'cn-north-1';
  let stopped = false;

  const arn = (id: StateMachineId) => `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:stateMachine:${id}`;
  const executionArn = (id: StateMachineId, name: string) => `arn:aws:states:${region}:${LOCAL_ACCOUNT_ID}:execution:${id}:${name}`;

  const loadHandler = handlerLoader(WORKFLOW_FUNCTIONS);
  /** The function a Task's Lambda ARN names (its last segment: the manifest's name), invoked with its own env. */
  const lambda = async (functionArn: string) => {
    const name = functionArn.split(':').at(-1)!;
    if (!LOCAL_FUNCTIONS[name]) throw new SfnError('Lambda.ResourceNotFoundException', `No local function ${name}`);
    const handler = await loadHandler<unknown, Json>(name);
    return (event: unknown): Promise<Json> => runAs(name, () => handler(event, lambdaContext(name, randomUUID(), Date.now() + 60_000)));
  };

  const bindTask = (stateName: string, state: AslState, executionName: () => string): TaskOverride => {
    const waits = state.Resource?.endsWith('.waitForTaskToken') ?? false;
    return async (input) => {
      const params = input as { FunctionName: string; Payload: Record<string, Json> };
      const handler = await lambda(params.FunctionName);
      if (!waits) return { StatusCode: 200, Payload: await handler(params.Payload) };
      const token = Buffer.from(`${executionName()}|${stateName}|${randomUUID()}`).toString('base64url');
      const { promise, resolve, reject } = Promise.withResolvers<Json>();
      tokens.set(token, { resolve, reject, execution: executionName(), state: stateName });
      try {
        await handler({ ...params.Payload, taskToken: token });
      } catch (error) {
        tokens.delete(token);
        throw error;
      }
      return promise;
    };
  };

  const load = (id: StateMachineId, currentExecution: { name: string }) => {
    const text = substitute(readDefinition(id), localSubstitutions(id));
    const definition = JSON.parse(text) as { States: Record<string, AslState> };
    const { tasks, retryable } = taskStates(definition.States);
    const overrides: Record<string, TaskOverride> = {};
    for (const [name, state] of Object.entries(tasks)) overrides[name] = bindTask(name, state, () => currentExecution.name);
    const retry = Object.fromEntries(retryable.map((n) => [n, options.retryIntervalMs ?? 50]));
    return { machine: new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } }), overrides, retry };
  };

  const startExecution = (id: StateMachineId, name: string, input: Json): Execution => {
    if (stopped) throw new SfnError('ServiceUnavailable', 'The local Step Functions runner is stopped');
    const arnOf = executionArn(id, name);
    const inputText = JSON.stringify(input);
    const existing = executions.get(arnOf);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return existing; // idempotent start
      throw new SfnError('ExecutionAlreadyExists', `Execution ${name} already exists`);
    }
    // Each execution gets its own overrides so that minted tokens name their execution.
    const current = { name };
    const { machine, overrides, retry } = load(id, current);
    const startDate = new Date();
    const run = machine.run(input, {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides: retry },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: arnOf, Name: name, StartTime: startDate.toISOString() },
        StateMachine: { Id: arn(id), Name: id },
        Task: { Token: 'minted-by-the-local-override' },
      },
    });
    const execution: Execution = {
      arn: arnOf,
      name,
      machine: id,
      input: inputText,
      startDate,
      status: 'RUNNING',
      abort: () => run.abort(),
      done: run.result.then(
        (output) => {
          if (output === null && stopped) execution.status = 'ABORTED';
          else {
            execution.status = 'SUCCEEDED';
            execution.output = JSON.stringify(output);
          }
          execution.stopDate = new Date();
          log('execution succeeded', { name });
        },
        (error: Error) => {
          execution.status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
          execution.error = (error as { name: string }).name;
          execution.cause = error.message;
          execution.stopDate = new Date();
          log('execution failed', { name, error: error.name, cause: error.message });
        },
      ),
    };
    executions.set(arnOf, execution);
    log('execution started', { name, machine: id });
    return execution;
  };

  const settle = (token: string) => {
    const entry = tokens.get(token);
    if (!entry) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    tokens.delete(token);
    return entry;
  };

  /**
   * After aborting executions: settles their waiting Tasks so that aws-local-stepfunctions clears each
   * Task's timeout timer (else a 20-day timer keeps the process alive). The executions are aborted, so
   * the interpreter stops after the failed state without running its Catch target.
   */
  const releaseWaits = () => {
    for (const [token, entry] of [...tokens]) {
      tokens.delete(token);
      entry.reject(new SfnError('RunnerStopped', 'The local Step Functions runner stopped'));
    }
  };

  /** Aborts every running execution (they settle as ABORTED), releases their waits and waits for them to end. */
  const abortAll = async () => {
    const running = [...executions.values()].filter((e) => e.status === 'RUNNING');
    stopped = true;
    for (const e of running) e.abort();
    releaseWaits();
    await Promise.allSettled(running.map((e) => e.done));
  };

  /** Starts one case-workflow execution (`{ caseId }`) per case with a waiting task or a recorded-but-unapplied step. */
  const rebuild = async (): Promise<number> => {
    const { casesRepository } = (await import(
      pathToFileURL(join(REPO_ROOT, 'functions/_shared/repositories/cases.ts')).href
    )) as typeof import('../../functions/_shared/repositories/cases.ts');
    const work = await casesRepository.pendingWork();
    for (const w of work) startExecution('caseWorkflow', `case-${w.caseId}-rebuilt-${Date.now()}`, { caseId: w.caseId });
    if (work.length > 0) log('rebuilt waits from case state', { cases: work.length });
    return work.length;
  };

  return {
    get stopped() {
      return stopped;
    },
    setRegion(value: string) {
      region = value;
    },
    arn,
    executionArn,
    lambda,
    startExecution,
    describe: (executionArnOf: string) => executions.get(executionArnOf),
    pendingTokens: () => [...tokens.keys()],
    hasToken: (token: string) => tokens.has(token),
    sendTaskSuccess: (token: string, output: Json) => settle(token).resolve(output),
    sendTaskFailure: (token: string, error: string, cause: string) => settle(token).reject(new SfnError(error, cause)),
    /** Loads every state machine once: fails fast on a bad definition. */
    validate() {
      for (const id of Object.keys(STATE_MACHINES) as StateMachineId[]) load(id, { name: 'validation' });
    },
    rebuild,
    /** What a process restart does to waits, in-process: abort and forget everything, then rebuild. */
    async restart() {
      await abortAll();
      stopped = false;
      return rebuild();
    },
    /** Stops for good: no more executions start. */
    stop: abortAll,
  };
}
