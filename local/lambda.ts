/**
 * Running functions locally as Lambda runs them: each function's handler module is imported once (one warm
 * container per function), and every invocation — its module's first evaluation included — sees only the
 * environment its manifest entry declares (manifest/env.ts `grantedEnvOf`): a function without a table
 * grant gets no name for that table, one that starts no state machine gets no ARN, one that handles no
 * personal data gets no PII key. So a missing grant fails a local test as it fails in AWS. Its DynamoDB
 * calls are checked against its table grants too (local/iam.ts: read/readwrite and the leading-key scopes).
 *
 * All functions share one process: `process.env` is swapped for a view that answers with the current
 * invocation's env (AsyncLocalStorage); code running outside an invocation (the runtime itself, tests)
 * sees the whole env. Module state (caches, clients) is shared by the functions that import a module.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { GRANTED_ENV, grantedEnvOf } from '../manifest/env.ts';
import { ALL_FUNCTIONS, type AnyFunctionName } from '../manifest/functions.ts';
import { enforceTableGrants } from './iam.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LOCAL_ACCOUNT_ID = '000000000000';

const invocationEnv = new AsyncLocalStorage<NodeJS.ProcessEnv>();
const invocationName = new AsyncLocalStorage<string>();

/** The function whose invocation is running (undefined outside an invocation). */
const currentFunction = (): string | undefined => invocationName.getStore();
let processEnv: NodeJS.ProcessEnv | undefined;

/** Replaces `process.env` (once per process) by a view of the current invocation's env. */
const installEnvView = (): NodeJS.ProcessEnv => {
  if (processEnv) return processEnv;
  const base = process.env;
  processEnv = base;
  const current = (): NodeJS.ProcessEnv => invocationEnv.getStore() ?? base;
  process.env = new Proxy(base, {
    get: (_target, key) => (typeof key === 'string' ? current()[key] : undefined),
    set: (_target, key, value) => {
      current()[key as string] = String(value);
      return true;
    },
    has: (_target, key) => key in current(),
    deleteProperty: (_target, key) => delete current()[key as string],
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => {
      const value = current()[key as string];
      return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
  });
  return base;
};

const isManifestFunction = (name: string): name is AnyFunctionName => Object.hasOwn(ALL_FUNCTIONS, name);

/**
 * The env of one invocation of `name`: the process env without any granted variable, plus the granted
 * variables its manifest entry declares. A function the manifest does not know (a test's inline handler)
 * gets the whole env.
 */
const functionEnv = (name: string): NodeJS.ProcessEnv => {
  const base = installEnvView();
  if (!isManifestFunction(name)) return { ...base };
  const granted = grantedEnvOf(name);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && (!GRANTED_ENV.includes(key) || granted.has(key))) env[key] = value;
  }
  return env;
};

/** Runs `fn` as an invocation of function `name` (its env, and nothing else, in `process.env`). */
export const runAs = <T>(name: string, fn: () => T): T => invocationEnv.run(functionEnv(name), () => invocationName.run(name, fn));

/**
 * The functions' DynamoDB client (functions/_shared/db.ts), with the manifest's table grants enforced on
 * every call made inside an invocation (local/iam.ts), loaded as the first handler module is.
 */
const loadGrantedClient = async (): Promise<void> => {
  const { dynamo } = await import('../functions/_shared/db.ts');
  enforceTableGrants(dynamo, currentFunction);
};

/** A Lambda handler as the local runtime calls it. */
export type LambdaHandler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

/**
 * Loads handlers by function name from their entry files, once, inside an invocation of that function (so
 * module initialisation sees the function's env). A failed import is retried on the next call.
 */
export const handlerLoader = (entries: Readonly<Record<string, { readonly entry: string }>>, root = REPO_ROOT, beforeFirstLoad?: () => void) => {
  const modules = new Map<string, Promise<LambdaHandler<never>>>();
  let loadedOnce = false;
  return <E, R>(name: string): Promise<LambdaHandler<E, R>> => {
    let loading = modules.get(name);
    if (!loading) {
      const definition = entries[name];
      if (!definition) return Promise.reject(new Error(`no function named ${name}`));
      if (!loadedOnce) {
        loadedOnce = true;
        beforeFirstLoad?.();
      }
      loading = runAs(name, () => loadGrantedClient().then(() => import(pathToFileURL(resolve(root, definition.entry)).href))).then(
        (mod: { handler?: unknown }) => {
          if (typeof mod.handler !== 'function') throw new Error(`${definition.entry} does not export a handler function`);
          return mod.handler as LambdaHandler<never>;
        },
      );
      loading.catch(() => modules.delete(name));
      modules.set(name, loading);
    }
    return loading as Promise<LambdaHandler<E, R>>;
  };
};

/** A Lambda-like context for one invocation. */
export function lambdaContext(functionName: string, requestId: string, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
