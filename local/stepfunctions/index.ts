/**
 * The embedded Step Functions runner of the local runtime: the very ASL files of statemachines/, run by
 * aws-local-stepfunctions, each Task state bound to the same handler code the Lambda runs, and a small
 * HTTP endpoint speaking the Step Functions JSON protocol (StartExecution, DescribeExecution,
 * SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) so that the functions' SFN client reaches it
 * through AWS_ENDPOINT_URL_SFN with no local branch.
 *
 * `.waitForTaskToken`: the override mints a token, keeps a pending promise by it, then calls the handler
 * (which persists the token in the cases table); SendTaskSuccess/Failure settle the promise. After a
 * restart the pending promises are gone: the runner rebuilds them from case state (TASK items and
 * recorded-but-unapplied steps) by starting executions that re-enter the waiting step (`resumeAt`).
 *
 * Timers stand in for the EventBridge Scheduler schedules: the daily deadline sweep, and the monthly payment
 * run (at start-up and on every tick, once the Shanghai date is on or after the configured day, the same
 * scheduled handler starts the month's run if it does not exist yet, or re-issues the start of a run left
 * RUNNING without an execution in this process, e.g. after a restart).
 */
import './polyfill.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';
import { shanghaiDate } from '../../core/index.ts';
import { WORKFLOW_FUNCTIONS } from '../../manifest/functions.ts';
import { SCHEDULES } from '../../manifest/schedules.ts';
import { localSubstitutions, readDefinition, STATE_MACHINES, substitute, type StateMachineId } from '../../statemachines/substitutions.ts';
import type { LocalService, ServiceContext } from '../app.ts';
import { handlerLoader, lambdaContext, REPO_ROOT, runAs } from '../lambda.ts';

const ACCOUNT = '000000000000';

/** Lambda function name (last ARN segment: the manifest's name) → entry file exporting `handler`. */
export const LOCAL_FUNCTIONS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(WORKFLOW_FUNCTIONS).map(([name, spec]) => [name, spec.entry]),
);

/** Default day of month of the local payment-run timer: the manifest's schedule. */
export const LOCAL_PAYMENT_RUN_DAY: number = SCHEDULES.paymentRun.at.day;

/** What the scheduled payment-run handler returns (functions/payment-runs/scheduled.ts). */
export interface ScheduledPaymentRun {
  readonly runId: string;
  readonly month: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly created: boolean;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
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

export class SfnError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

interface Execution {
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

export interface LocalStepFunctionsOptions {
  /**
   * Period of the timers (deadline sweep, monthly payment run); 0 disables both, also the payment-run check
   * at start-up (tests call `sweepNow` / `runScheduledPaymentRun`). Default 60 s.
   */
  readonly sweepIntervalMs?: number;
  /** Day of month (Asia/Shanghai) from which the timer starts the month's scheduled payment run. Default 1. */
  readonly paymentRunDay?: number;
  /** Rebuild waits from case state at start. Default true. */
  readonly rebuild?: boolean;
  /** Retry interval used instead of the ASL's (ms). Default 50. */
  readonly retryIntervalMs?: number;
  readonly log?: (message: string, data?: Record<string, unknown>) => void;
}

export interface LocalStepFunctions extends LocalService {
  readonly endpoint: string;
  arn(id: StateMachineId): string;
  startExecution(id: StateMachineId, name: string, input: Json): Execution;
  describe(arn: string): Execution | undefined;
  /** Waiting tokens held by this process. */
  pendingTokens(): string[];
  sendTaskSuccess(token: string, output: Json): void;
  sendTaskFailure(token: string, error: string, cause: string): void;
  /** Runs the deadline sweep now (as of `asOf`, default the clock). */
  sweepNow(asOf?: Date): Promise<{ escalated: number; closed: number; resignalled: number; started: number; restarted: number }>;
  /**
   * One delivery of the monthly schedule: invokes the scheduled payment-run handler with `scheduledTime` =
   * `asOf` (default the clock), unconditionally, as EventBridge Scheduler would (duplicates included).
   */
  runScheduledPaymentRun(asOf?: Date): Promise<ScheduledPaymentRun>;
  /**
   * What the payment-run timer does on a tick: nothing (undefined) before the configured day, or when the
   * month's scheduled run exists and is finished or running here; otherwise `runScheduledPaymentRun(asOf)`.
   */
  paymentRunTick(asOf?: Date): Promise<ScheduledPaymentRun | undefined>;
  /** Test hook: the next `n` calls of `operation` on the endpoint answer 500 InternalFailure. */
  injectFaults(operation: string, n: number): void;
  /**
   * What a process restart does to waits, without restarting the process: aborts every running execution,
   * forgets every pending token, then rebuilds the waits from case state. Returns how many were rebuilt.
   */
  simulateRestart(): Promise<number>;
  /** Settles when the start-up rebuild has run. */
  readonly rebuilt: Promise<number>;
}

export function localStepFunctions(options: LocalStepFunctionsOptions = {}): LocalStepFunctions {
  const log = options.log ?? (() => {});
  const executions = new Map<string, Execution>();
  const tokens = new Map<string, { resolve: (v: Json) => void; reject: (e: Error) => void; execution: string; state: string }>();
  let server: Server | undefined;
  let endpoint = '';
  let region = 'cn-north-1';
  let sweepTimer: NodeJS.Timeout | undefined;
  let paymentRunTimer: NodeJS.Timeout | undefined;
  const paymentRunDay = options.paymentRunDay ?? LOCAL_PAYMENT_RUN_DAY;
  if (!Number.isInteger(paymentRunDay) || paymentRunDay < 1 || paymentRunDay > 28) throw new RangeError(`paymentRunDay must be 1–28, got ${paymentRunDay}`);
  let stopped = false;
  let markRebuilt: (n: number) => void = () => {};
  const rebuilt = new Promise<number>((resolve) => (markRebuilt = resolve));

  const arn = (id: StateMachineId) => `arn:aws:states:${region}:${ACCOUNT}:stateMachine:${id}`;
  const executionArn = (id: StateMachineId, name: string) => `arn:aws:states:${region}:${ACCOUNT}:execution:${id}:${name}`;

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

  const api = {
    StartExecution: (b: { stateMachineArn: string; name?: string; input?: string }) => {
      const id = (Object.keys(STATE_MACHINES) as StateMachineId[]).find((k) => arn(k) === b.stateMachineArn);
      if (!id) throw new SfnError('StateMachineDoesNotExist', `State machine ${b.stateMachineArn} does not exist`);
      const e = startExecution(id, b.name ?? randomUUID(), JSON.parse(b.input ?? '{}') as Json);
      return { executionArn: e.arn, startDate: e.startDate.getTime() / 1000 };
    },
    DescribeExecution: (b: { executionArn: string }) => {
      const e = executions.get(b.executionArn);
      if (!e) throw new SfnError('ExecutionDoesNotExist', 'Execution does not exist');
      return {
        executionArn: e.arn,
        stateMachineArn: arn(e.machine),
        name: e.name,
        status: e.status,
        startDate: e.startDate.getTime() / 1000,
        ...(e.stopDate ? { stopDate: e.stopDate.getTime() / 1000 } : {}),
        input: e.input,
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error ? { error: e.error, cause: e.cause } : {}),
      };
    },
    SendTaskSuccess: (b: { taskToken: string; output: string }) => {
      settle(b.taskToken).resolve(JSON.parse(b.output) as Json);
      return {};
    },
    SendTaskFailure: (b: { taskToken: string; error?: string; cause?: string }) => {
      settle(b.taskToken).reject(new SfnError(b.error ?? 'TaskFailed', b.cause ?? ''));
      return {};
    },
    SendTaskHeartbeat: (b: { taskToken: string }) => {
      if (!tokens.has(b.taskToken)) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
      return {};
    },
  } as const;

  const faults = new Map<string, number>();

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '') as keyof typeof api;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(body));
    };
    try {
      const pendingFaults = faults.get(target) ?? 0;
      if (pendingFaults > 0) {
        faults.set(target, pendingFaults - 1);
        throw new Error(`injected fault in ${target}`);
      }
      const op = api[target];
      if (!op) throw new SfnError('UnknownOperationException', `Operation ${target} is not supported locally`);
      reply(200, op(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as never));
    } catch (error) {
      const name = error instanceof SfnError ? error.name : 'InternalFailure';
      reply(error instanceof SfnError ? 400 : 500, { __type: `com.amazonaws.swf.service.v2.model#${name}`, message: (error as Error).message });
    }
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

  /** Re-enters every wait and every recorded-but-unapplied step found in case state. */
  const rebuild = async (): Promise<number> => {
    const { casesRepository } = (await import(
      pathToFileURL(join(REPO_ROOT, 'functions/_shared/repositories/cases.ts')).href
    )) as typeof import('../../functions/_shared/repositories/cases.ts');
    const work = await casesRepository.pendingWork();
    const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    for (const w of work) {
      const resumeAt = w.pendingStep ? `Apply ${title(w.pendingStep)}` : `Await ${title(w.step!)}`;
      startExecution('caseWorkflow', `case-${w.caseId}-rebuilt-${Date.now()}`, { caseId: w.caseId, resumeAt });
    }
    if (work.length > 0) log('rebuilt waits from case state', { cases: work.length });
    return work.length;
  };

  const service: LocalStepFunctions = {
    name: 'stepfunctions',
    get endpoint() {
      return endpoint;
    },
    rebuilt,
    arn,
    startExecution,
    describe: (a) => executions.get(a),
    pendingTokens: () => [...tokens.keys()],
    sendTaskSuccess: (token, output) => settle(token).resolve(output),
    sendTaskFailure: (token, error, cause) => settle(token).reject(new SfnError(error, cause)),
    injectFaults(operation, n) {
      faults.set(operation, n);
    },
    async simulateRestart() {
      const running = [...executions.values()].filter((e) => e.status === 'RUNNING');
      stopped = true; // so that the aborted executions settle as ABORTED
      for (const e of running) e.abort();
      releaseWaits();
      await Promise.allSettled(running.map((e) => e.done));
      stopped = false;
      return rebuild();
    },
    async sweepNow(asOf = new Date()) {
      const { sweepDeadlines } = (await import(
        pathToFileURL(join(REPO_ROOT, 'functions/workflow/actions.ts')).href
      )) as typeof import('../../functions/workflow/actions.ts');
      return runAs(SCHEDULES.deadlineSweep.target, () => sweepDeadlines(asOf));
    },
    async runScheduledPaymentRun(asOf = new Date()) {
      const handler = await lambda(SCHEDULES.paymentRun.target);
      return (await handler({ scheduledTime: asOf.toISOString() })) as unknown as ScheduledPaymentRun;
    },
    async paymentRunTick(asOf = new Date()) {
      const today = shanghaiDate(asOf);
      if (Number(today.slice(8, 10)) < paymentRunDay) return undefined;
      const [{ casesRepository }, { scheduledRunId }] = await Promise.all([
        import(pathToFileURL(join(REPO_ROOT, 'functions/_shared/repositories/cases.ts')).href) as Promise<
          typeof import('../../functions/_shared/repositories/cases.ts')
        >,
        import(pathToFileURL(join(REPO_ROOT, 'functions/payment-runs/use-cases.ts')).href) as Promise<
          typeof import('../../functions/payment-runs/use-cases.ts')
        >,
      ]);
      const runId = scheduledRunId(today.slice(0, 7));
      const run = await casesRepository.getRun(runId);
      if (run && (run.status !== 'RUNNING' || executions.get(executionArn('paymentRun', runId))?.status === 'RUNNING')) return undefined;
      const result = await service.runScheduledPaymentRun(asOf);
      log('scheduled payment run', { runId: result.runId, created: result.created });
      return result;
    },
    async start(context: ServiceContext) {
      region = context.region;
      server = createServer((req, res) => void serve(req, res));
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(0, '127.0.0.1', () => resolve());
      });
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const id of Object.keys(STATE_MACHINES) as StateMachineId[]) load(id, { name: 'validation' }); // fail fast on a bad definition
      const env: Record<string, string> = { AWS_ENDPOINT_URL_SFN: endpoint };
      for (const [id, sm] of Object.entries(STATE_MACHINES)) env[sm.envVar] = arn(id as StateMachineId);
      const period = options.sweepIntervalMs ?? 60_000;
      const paymentRunTick = () => {
        if (stopped) return;
        service.paymentRunTick().catch((error: Error) => log('scheduled payment run failed', { error: error.name, message: error.message }));
      };
      // The app applies this env right after start(); the rebuild, the sweep and the payment run import handler modules after that.
      setImmediate(() => {
        if (period > 0) void rebuilt.then(paymentRunTick); // after the rebuild, so a restart's waits come first
        if (options.rebuild === false) return markRebuilt(0);
        rebuild().then(markRebuilt, (error: Error) => {
          log('rebuild failed', { error: error.message });
          markRebuilt(-1);
        });
      });
      if (period > 0) {
        sweepTimer = setInterval(() => {
          service.sweepNow().catch((error: Error) => log('deadline sweep failed', { error: error.message }));
        }, period);
        sweepTimer.unref();
        paymentRunTimer = setInterval(paymentRunTick, period);
        paymentRunTimer.unref();
      }
      return { env };
    },
    async stop() {
      stopped = true;
      if (sweepTimer) clearInterval(sweepTimer);
      if (paymentRunTimer) clearInterval(paymentRunTimer);
      for (const e of executions.values()) if (e.status === 'RUNNING') e.abort();
      releaseWaits();
      await Promise.allSettled([...executions.values()].map((e) => e.done));
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
  return service;
}
