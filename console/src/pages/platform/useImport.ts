/**
 * Sending a file's items to a batch API one batch at a time, in file order, with the counts by the API's
 * per-item status and the rejected items' reasons. A batch that gets no answer (network, 5xx, 429) stops the
 * import at that batch: it can be sent again and the import goes on from there. Re-sending is safe: the API
 * identifies records by `orderId` and ID number, so what was already stored comes back `duplicate` and is
 * counted once in the declaration.
 */
import { useCallback, useRef, useState } from 'react';
import { addCounts, batchesOf, countsOf, noCounts, reasonOf, type StatusCounts } from '../../platform-import.ts';

interface ItemResult {
  readonly index: number;
  readonly status: string;
  readonly errors?: readonly { path: string; message: string }[];
}
/** One batch's answer: the per-item results, or why there was none. */
export type BatchAnswer = { readonly results: readonly ItemResult[] } | { readonly failure: string };

export interface ImportState {
  readonly total: number;
  readonly batches: number;
  /** Batches done (answered); the next one to send. */
  readonly next: number;
  readonly rowsDone: number;
  readonly counts: StatusCounts;
  readonly rejected: readonly { readonly index: number; readonly reason: string }[];
  readonly running: boolean;
  readonly failure?: { readonly batch: number; readonly message: string };
  readonly finished: boolean;
}

const idle: ImportState = { total: 0, batches: 0, next: 0, rowsDone: 0, counts: noCounts(), rejected: [], running: false, finished: false };

export function useImport(options: {
  readonly batchSize: number;
  readonly send: (from: number, to: number) => Promise<BatchAnswer>;
  /** After each answered batch (to keep the progress for a resume) and once finished. */
  readonly onProgress?: (state: ImportState) => void;
}) {
  const [state, setState] = useState<ImportState>(idle);
  const current = useRef(state);
  const options$ = useRef(options);
  options$.current = options;

  const update = useCallback((s: ImportState) => {
    current.current = s;
    setState(s);
    options$.current.onProgress?.(s);
  }, []);

  /** Sends batches from `fromBatch` on; `counts` are those of the batches before it (a resumed import). */
  const run = useCallback(
    async (total: number, fromBatch = 0, counts: StatusCounts = noCounts(), rejected: ImportState['rejected'] = []) => {
      const { batchSize } = options$.current;
      const ranges = batchesOf(total, batchSize);
      let s: ImportState = {
        total,
        batches: ranges.length,
        next: fromBatch,
        rowsDone: Math.min(total, fromBatch * batchSize),
        counts,
        rejected,
        running: true,
        finished: false,
      };
      update(s);
      for (let b = fromBatch; b < ranges.length; b++) {
        const { from, to } = ranges[b]!;
        let answer: BatchAnswer;
        try {
          answer = await options$.current.send(from, to);
        } catch (e) {
          answer = { failure: e instanceof Error ? e.message : String(e) };
        }
        if ('failure' in answer) {
          s = { ...s, running: false, failure: { batch: b, message: answer.failure } };
          update(s);
          return;
        }
        const newly = answer.results.filter((r) => r.status === 'rejected').map((r) => ({ index: from + r.index, reason: reasonOf(r.errors) }));
        s = { ...s, next: b + 1, rowsDone: to, counts: addCounts(s.counts, countsOf(answer.results)), rejected: [...s.rejected, ...newly] };
        update(s);
      }
      s = { ...s, running: false, finished: true };
      update(s);
    },
    [update],
  );

  /** Sends the failed batch again and goes on. */
  const resume = useCallback(() => {
    const s = current.current;
    return run(s.total, s.next, s.counts, s.rejected);
  }, [run]);

  const reset = useCallback(() => update(idle), [update]);

  return { state, run, resume, reset };
}

/** What a batch request that got no usable answer says, in Chinese. */
export function failureText(status: number | undefined, detail?: string): string {
  if (status === undefined) return '网络连接中断，本批未得到答复。';
  if (status === 429) return '请求过于频繁（429），请稍后重试本批。';
  if (status >= 500) return `服务暂时不可用（${status}），本批未处理。`;
  return detail ?? `请求未被受理（${status}）。`;
}
