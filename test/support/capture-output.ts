/**
 * Captures everything the process writes (stdout, stderr and console.*) while started, for the log scans
 * that assert no personal data is ever logged. Output is swallowed while capturing; `stop()` restores it.
 */
export interface OutputCapture {
  /** Every chunk written since the first start. */
  readonly captured: string[];
  start(): void;
  stop(): void;
}

export function outputCapture(): OutputCapture {
  const captured: string[] = [];
  const restore: (() => void)[] = [];
  return {
    captured,
    start() {
      for (const stream of [process.stdout, process.stderr]) {
        const original = stream.write.bind(stream);
        stream.write = ((chunk: unknown, ...rest: unknown[]) => {
          captured.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
          const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
          callback?.();
          return true;
        }) as typeof stream.write;
        restore.push(() => (stream.write = original as typeof stream.write));
      }
      for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
        const original = console[method];
        console[method] = (...args: unknown[]) => void captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
        restore.push(() => (console[method] = original));
      }
    },
    stop() {
      while (restore.length > 0) restore.pop()!();
    },
  };
}
