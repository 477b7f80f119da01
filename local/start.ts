/**
 * `npm start`: the whole system locally. `PORT` (default 3000; 0 = any free port), `--persist DIR` (else
 * in memory and a temporary directory), `--host HOST` (default 127.0.0.1). Ctrl-C or SIGTERM stops the
 * server, the local S3 and DynamoDB Local and exits 0 with no java process left behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalApp, type LocalApp } from './app.ts';
import { ensureConsoleBuilt } from './console.ts';
import { FAST_START_JVM_OPTIONS, checkJava } from './dynamodb.ts';
import { localEvents } from './events/index.ts';
import { localS3 } from './s3.ts';
import { localTtlSweeper } from './ttl-sweeper.ts';
import { localStepFunctions } from './stepfunctions/index.ts';

/** `/proc/PID/stat` → [comm, ppid], or undefined off Linux or when the process is gone. */
function procStat(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `npm start` runs us as `npm → sh -c → node`. npm relays SIGINT/SIGTERM only to `sh`, which does not pass
 * them on, and then exits: without this watch, node and its java would be left running. So when our
 * launcher (the parent, and npm behind an `sh -c`) disappears, we stop as if signalled.
 */
function watchLauncher(onGone: () => void): void {
  const initialParent = process.ppid;
  const watched = [initialParent];
  const parent = procStat(initialParent);
  if (parent && /^(sh|dash|bash|zsh)$/.test(parent.comm) && parent.ppid > 1) {
    let grandparentCmd = '';
    try {
      grandparentCmd = readFileSync(`/proc/${parent.ppid}/cmdline`, 'utf8');
    } catch {
      // not Linux
    }
    if (/npm/.test(grandparentCmd)) watched.push(parent.ppid);
  }
  const timer = setInterval(() => {
    if (process.ppid !== initialParent || watched.some((pid) => !alive(pid))) {
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
}

const USAGE = 'usage: npm start -- [--persist DIR] [--host HOST]   (port: PORT env, default 3000)';

async function main(): Promise<void> {
  // The SDK's notice that releases after January 2027 need Node 22 would bury the start-up lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let values: { persist?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { persist: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be an integer 0-65535, not "${process.env.PORT}"`);
    process.exit(2);
  }

  const java = checkJava();
  if (!java.ok) {
    console.error(java.message);
    process.exit(1);
  }

  // The console at `/`: built first when console/dist is missing or older than its sources.
  let consoleLine: string;
  try {
    ensureConsoleBuilt();
    consoleLine = 'sign in with a role and an identity (development sign-in page)';
  } catch (error) {
    consoleLine = `NOT BUILT (${(error as Error).message.split('\n')[0]}); run \`npm run build\`, the API works without it`;
  }

  const started = Date.now();
  let app: LocalApp | undefined;
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) {
      // A second Ctrl-C: give up on a graceful stop (the exit hook still kills java).
      process.exit(130);
    }
    stopping = true;
    console.log(`\n${reason}: stopping…`);
    const stop = app ? app.stop() : Promise.resolve();
    stop.then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  watchLauncher(() => shutdown('launcher (npm) exited'));

  const stepFunctions = localStepFunctions();
  // s3rver with the documents bucket (objects in DIR/s3 with --persist); its object-created events go to the check.
  const s3 = localS3(values.persist ? { directory: join(values.persist, 's3') } : {});
  // The domain events: the cases table's stream → the bus → notifications and webhooks, the delivery queue, SMS recorded.
  const events = localEvents();
  // DynamoDB Local never deletes expired items: what TTL does in AWS, every minute (expired orders then go
  // to the archive in the local S3 through the orders stream, as in AWS; issue 18).
  const ttl = localTtlSweeper();
  app = await startLocalApp({
    port,
    dynamodb: { jvmOptions: FAST_START_JVM_OPTIONS },
    // The local S3 first (its env, then the state machines'); the case workflow and payment-run state
    // machines, run from the same ASL files, plus the deadline sweep timer.
    services: [s3, stepFunctions, events, ttl],
    ...(values.host ? { host: values.host } : {}),
    ...(values.persist ? { persistDir: values.persist } : {}),
  });
  if (stopping) {
    // A signal arrived while starting: stop what has just started.
    await app.stop();
    process.exit(0);
  }

  console.log(
    [
      `Console: ${app.url}/ — ${consoleLine}`,
      `Local API listening on ${app.url} (ready in ${Date.now() - started} ms; ${java.message})`,
      `DynamoDB Local: ${app.ddbEndpoint} (${values.persist ? `persisted in ${values.persist}` : 'in memory'}; tables: ${Object.values(app.tables).join(', ')})`,
      `S3 (s3rver): ${s3.endpoint} (bucket ${s3.bucketName('documents')}; ${values.persist ? `persisted in ${s3.directory}` : 'temporary directory'}; Object Created under cases/ → documentCheck)`,
      `Step Functions (local runner): ${stepFunctions.endpoint} (case workflow and payment run from statemachines/*.asl.json; deadline sweep timer)`,
      `Domain events: ${events.endpoint} (cases table stream → eventPublisher → bus → eventConsumer; webhook queue → webhookSender, retries compressed 360×; SMS recorded, not sent)`,
      `Get a token:   curl -s -X POST ${app.url}/local/tokens -H 'content-type: application/json' -d '{"role":"admin","sub":"admin-1","provinces":["110000"]}'`,
      'Ctrl-C to stop.',
    ].join('\n'),
  );
}

main().catch((error: Error) => {
  console.error(`npm start failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
