/**
 * The local Step Functions API endpoint: a small HTTP server speaking the Step Functions JSON protocol
 * (StartExecution, DescribeExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) in front of the
 * ASL runner, so that the functions' SFN client reaches it through AWS_ENDPOINT_URL_SFN with no local branch.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STATE_MACHINES, type StateMachineId } from '../../statemachines/substitutions.ts';
import { type Json, type Runner, SfnError } from './runner.ts';

export interface SfnEndpoint {
  /** Listens on a random port of 127.0.0.1; resolves to `http://127.0.0.1:PORT`. */
  start(): Promise<string>;
  stop(): Promise<void>;
  /** Test hook: the next `n` calls of `operation` answer 500 InternalFailure. */
  injectFaults(operation: string, n: number): void;
}

export function sfnEndpoint(runner: Runner): SfnEndpoint {
  const api = {
    StartExecution: (b: { stateMachineArn: string; name?: string; input?: string }) => {
      const id = (Object.keys(STATE_MACHINES) as StateMachineId[]).find((k) => runner.arn(k) === b.stateMachineArn);
      if (!id) throw new SfnError('StateMachineDoesNotExist', `State machine ${b.stateMachineArn} does not exist`);
      const e = runner.startExecution(id, b.name ?? randomUUID(), JSON.parse(b.input ?? '{}') as Json);
      return { executionArn: e.arn, startDate: e.startDate.getTime() / 1000 };
    },
    DescribeExecution: (b: { executionArn: string }) => {
      const e = runner.describe(b.executionArn);
      if (!e) throw new SfnError('ExecutionDoesNotExist', 'Execution does not exist');
      return {
        executionArn: e.arn,
        stateMachineArn: runner.arn(e.machine),
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
      runner.sendTaskSuccess(b.taskToken, JSON.parse(b.output) as Json);
      return {};
    },
    SendTaskFailure: (b: { taskToken: string; error?: string; cause?: string }) => {
      runner.sendTaskFailure(b.taskToken, b.error ?? 'TaskFailed', b.cause ?? '');
      return {};
    },
    SendTaskHeartbeat: (b: { taskToken: string }) => {
      if (!runner.hasToken(b.taskToken)) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
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

  let server: Server | undefined;
  return {
    async start() {
      const listening = createServer((req, res) => void serve(req, res));
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(0, '127.0.0.1', () => resolve());
      });
      return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    },
    async stop() {
      const listening = server;
      if (listening) await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
    injectFaults(operation, n) {
      faults.set(operation, n);
    },
  };
}
