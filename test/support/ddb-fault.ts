/**
 * Fault injection on a persisted DynamoDB Local (issue 5), shared by test/integration/fault-injection*.test.ts:
 * a DynamoDB Local with `-dbPath` in a temp dir that a middleware on the handlers' own DynamoDB client
 * SIGKILLs at a chosen call, and that restarts on the same data directory and port.
 *
 * A trigger counts the calls it matches (command name and the JSON of the input, marshalled or not) and
 * kills either right after the nth matching call succeeded (`after`: that write is committed, the rest of
 * the request or workflow Task runs against a dead database) or right before the nth matching call is sent
 * (`before`: that write is lost). `before` first waits for the earlier matching calls to settle (so "after the
 * first case's payment, before the second" holds although the payment run pays cases concurrently) and for
 * an optional `gate` (e.g. until the HTTP response that led to the call has been received).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FAST_START_JVM_OPTIONS, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb.ts';

interface KillTrigger {
  /** Which calls count, by command name (e.g. `TransactWriteItemsCommand`) and the JSON of the input. */
  readonly match: (commandName: string, input: string) => boolean;
  readonly when: 'before' | 'after';
  /** The matching call at which to kill (1-based). Default 1. */
  readonly nth?: number;
  /** `before` only: also wait for this before killing. */
  readonly gate?: Promise<unknown>;
  /**
   * Wait this long before killing (`after`: holding the call, so the caller's next calls still meet a dead
   * database; `before`: after the earlier matching calls settled). DynamoDB Local answers a multi-item TransactWriteItems before it is durable: killed at
   * once, the acknowledged transaction is rolled back on restart (atomically). Default 0.
   */
  readonly settleMs?: number;
}

/** A TransactWriteItems whose input contains every one of `parts` (case ids, timeline actions, item keys). */
export const transactWriteWith =
  (...parts: string[]) =>
  (commandName: string, input: string): boolean =>
    /TransactWrite/.test(commandName) && parts.every((p) => input.includes(p));

export interface PersistedDynamoDb {
  readonly endpoint: string;
  readonly port: number;
  /** The running process (changes on restart). */
  readonly current: DynamoDbLocal;
  /** Adds the killing middleware to `client` (the handlers' `dynamo` of functions/_shared/db.ts). */
  install(client: DynamoDBClient): void;
  /** Arms a trigger; `killed` settles once DynamoDB Local has been killed and has exited. */
  arm(trigger: KillTrigger): { readonly killed: Promise<void>; fired(): boolean };
  /** Starts DynamoDB Local again on the same data directory and port; returns how long it took (ms). */
  restart(): Promise<number>;
  /** Stops it and removes the data directory. */
  dispose(): Promise<void>;
}

export async function startPersistedDynamoDb(prefix: string): Promise<PersistedDynamoDb & { readonly startMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const start = (port?: number) => startDynamoDbLocal({ dbPath: join(dir, 'dynamodb'), jvmOptions: FAST_START_JVM_OPTIONS, ...(port ? { port } : {}) });
  const t0 = Date.now();
  let ddb = await start();
  const startMs = Date.now() - t0;
  const port = ddb.port;

  interface Armed {
    readonly trigger: KillTrigger;
    seen: number;
    fired: boolean;
    readonly earlier: Promise<unknown>[];
    readonly done: { readonly promise: Promise<void>; resolve(): void };
  }
  let armed: Armed | undefined;

  const kill = async (a: Armed) => {
    a.fired = true;
    armed = undefined;
    const victim = ddb;
    process.kill(victim.pid, 'SIGKILL');
    await victim.stop(); // waits for the exit (the child is dead already)
    a.done.resolve();
  };

  return {
    endpoint: ddb.endpoint,
    port,
    startMs,
    get current() {
      return ddb;
    },
    install(client) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const a = armed;
          if (!a || a.fired || !a.trigger.match(String(context.commandName), JSON.stringify((args as { input: unknown }).input))) return next(args);
          const nth = a.trigger.nth ?? 1;
          if (a.trigger.when === 'after') {
            const out = await next(args); // only successful calls count
            if (++a.seen === nth && !a.fired) {
              if (a.trigger.settleMs) await new Promise((resolve) => setTimeout(resolve, a.trigger.settleMs));
              await kill(a);
            }
            return out;
          }
          if (++a.seen === nth) {
            await Promise.allSettled(a.earlier);
            if (a.trigger.gate) await a.trigger.gate;
            if (a.trigger.settleMs) await new Promise((resolve) => setTimeout(resolve, a.trigger.settleMs));
            await kill(a);
            return next(args);
          }
          const call = next(args);
          a.earlier.push(call);
          const out = await call;
          return out;
        },
        { step: 'initialize', name: 'faultInjection' },
      );
    },
    arm(trigger) {
      let resolve = () => {};
      const done = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() };
      const a: Armed = { trigger, seen: 0, fired: false, earlier: [], done };
      armed = a;
      return { killed: done.promise, fired: () => a.fired };
    },
    async restart() {
      const t = Date.now();
      ddb = await start(port);
      return Date.now() - t;
    },
    async dispose() {
      armed = undefined;
      await ddb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
