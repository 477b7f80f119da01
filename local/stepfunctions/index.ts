/**
 * The embedded Step Functions of the local runtime, a `LocalService` made of three parts:
 * - runner.ts: the ASL runner (the statemachines/ files run by aws-local-stepfunctions, Task states bound to
 *   the workflow functions, task-token waits, their rebuild from case state after a restart);
 * - api.ts: the Step Functions API endpoint the functions' SFN client reaches through AWS_ENDPOINT_URL_SFN;
 * - timers.ts: the schedules of manifest/schedules.ts (deadline sweep, monthly payment run) on timers.
 */
import { STATE_MACHINES, type StateMachineId } from '../../statemachines/substitutions.ts';
import type { LocalService, ServiceContext } from '../app.ts';
import { sfnEndpoint } from './api.ts';
import { aslRunner, type Execution, type Json } from './runner.ts';
import { localSchedules, type Schedules } from './timers.ts';

export { LOCAL_FUNCTIONS, taskStates } from './runner.ts';

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
  sweepNow: Schedules['sweepNow'];
  /**
   * One delivery of the monthly schedule: invokes the scheduled payment-run handler with `scheduledTime` =
   * `asOf` (default the clock), unconditionally, as EventBridge Scheduler would (duplicates included).
   */
  runScheduledPaymentRun: Schedules['runScheduledPaymentRun'];
  /** One delivery of the daily month-close schedule (D19) with `scheduledTime` = `asOf` (default the clock). */
  monthCloseNow: Schedules['monthCloseNow'];
  /** One delivery of the hourly audit anchor schedule (needs the local S3 service: the anchor bucket). */
  auditAnchorNow: Schedules['auditAnchorNow'];
  /**
   * What the payment-run timer does on a tick: nothing (undefined) before the configured day, or when the
   * month's scheduled run exists and is finished or running here; otherwise `runScheduledPaymentRun(asOf)`.
   */
  paymentRunTick: Schedules['paymentRunTick'];
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
  const runner = aslRunner({ log, ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}) });
  const api = sfnEndpoint(runner);
  const schedules = localSchedules(runner, {
    periodMs: options.sweepIntervalMs ?? 60_000,
    log,
    ...(options.paymentRunDay !== undefined ? { paymentRunDay: options.paymentRunDay } : {}),
  });
  let endpoint = '';
  let markRebuilt: (n: number) => void = () => {};
  const rebuilt = new Promise<number>((resolve) => (markRebuilt = resolve));

  return {
    name: 'stepfunctions',
    get endpoint() {
      return endpoint;
    },
    rebuilt,
    arn: runner.arn,
    startExecution: runner.startExecution,
    describe: runner.describe,
    pendingTokens: runner.pendingTokens,
    sendTaskSuccess: runner.sendTaskSuccess,
    sendTaskFailure: runner.sendTaskFailure,
    injectFaults: api.injectFaults,
    simulateRestart: runner.restart,
    sweepNow: schedules.sweepNow,
    runScheduledPaymentRun: schedules.runScheduledPaymentRun,
    monthCloseNow: schedules.monthCloseNow,
    auditAnchorNow: schedules.auditAnchorNow,
    paymentRunTick: schedules.paymentRunTick,
    async start(context: ServiceContext) {
      runner.setRegion(context.region);
      endpoint = await api.start();
      runner.validate(); // fail fast on a bad definition
      const env: Record<string, string> = { AWS_ENDPOINT_URL_SFN: endpoint };
      for (const [id, sm] of Object.entries(STATE_MACHINES)) env[sm.envVar] = runner.arn(id as StateMachineId);
      // The app applies this env right after start(); the rebuild, the sweep and the payment run import
      // handler modules after that. The first payment-run check follows the rebuild, so a restart's waits come first.
      schedules.start(rebuilt);
      setImmediate(() => {
        if (options.rebuild === false) return markRebuilt(0);
        runner.rebuild().then(markRebuilt, (error: Error) => {
          log('rebuild failed', { error: error.message });
          markRebuilt(-1);
        });
      });
      return { env };
    },
    async stop() {
      schedules.stop();
      await runner.stop();
      await api.stop();
    },
  };
}
