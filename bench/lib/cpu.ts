/**
 * CPU time of this process and of the DynamoDB Local java process (a descendant of this one), read from
 * /proc: on a 2-core machine the benchmark arms compete for the same CPU, so CPU-ms per 1,000 orders in
 * node (HTTP adapter, middy, zod, SDK) and in java (DynamoDB Local) shows where an arm's time goes.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const stat = (pid: number): { ppid: number; comm: string; cpuMs: number } | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] = state, [1] = ppid, [11] = utime, [12] = stime (0-based after the comm)
    return { ppid: Number(fields[1]), comm, cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
};

/** The pid of the java process descending from this process (DynamoDB Local), if any. */
export const findJavaDescendant = (root = process.pid): number | undefined => {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return undefined;
  }
  const parent = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const pid of pids) {
    const s = stat(pid);
    if (s) {
      parent.set(pid, s.ppid);
      comm.set(pid, s.comm);
    }
  }
  for (const pid of pids) {
    if (comm.get(pid) !== 'java') continue;
    for (let p: number | undefined = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return pid;
  }
  return undefined;
};

export interface CpuSample {
  readonly nodeMs: number;
  readonly javaMs: number;
}

export const cpuNow = (javaPid: number | undefined): CpuSample => {
  const u = process.cpuUsage();
  return { nodeMs: (u.user + u.system) / 1000, javaMs: javaPid ? (stat(javaPid)?.cpuMs ?? Number.NaN) : Number.NaN };
};

export const cpuSince = (start: CpuSample, javaPid: number | undefined): CpuSample => {
  const now = cpuNow(javaPid);
  return { nodeMs: now.nodeMs - start.nodeMs, javaMs: now.javaMs - start.javaMs };
};
