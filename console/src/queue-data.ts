/**
 * The work queue's data: every page of `GET /v1/cases` for a filter, sorted by the nearest running
 * deadline. Started as soon as the configuration is known when the person opens `/cases` (`prefetchQueue`,
 * main.tsx), so the pages load while React renders the shell; the queue page takes that load if its filter
 * is the same, else loads its own.
 */
import { api, type Schemas } from './api/client.ts';
import { asProblem } from './api/problem.ts';
import { sortByDeadline } from './queue.ts';

export type QueueItem = Schemas['CaseList']['items'][number];
export interface QueueFilter {
  readonly status?: string;
  readonly province?: string;
}
export type QueueLoad = { readonly items: QueueItem[] } | { readonly error: string };

/** At most this many cases are read into the queue (10 pages of 500: a queue of 1,000 is two requests). */
const MAX_CASES = 5000;

async function loadQueue(filter: QueueFilter): Promise<QueueLoad> {
  const all: QueueItem[] = [];
  let nextToken: string | undefined;
  do {
    const { data, error } = await api.GET('/v1/cases', {
      params: {
        query: {
          ...(filter.status ? { status: filter.status as QueueItem['status'] } : {}),
          ...(filter.province ? { province: filter.province } : {}),
          limit: 500,
          ...(nextToken ? { nextToken } : {}),
        },
      },
    });
    if (error || !data) return { error: asProblem(error).detail };
    all.push(...data.items);
    nextToken = data.nextToken;
  } while (nextToken && all.length < MAX_CASES);
  return { items: sortByDeadline(all) };
}

const keyOf = (filter: QueueFilter) => `${filter.status ?? ''}|${filter.province ?? ''}`;
let prefetched: { key: string; load: Promise<QueueLoad> } | undefined;

/** Starts loading the queue of the page being opened (`/cases?status=…&province=…`). */
export function prefetchQueue(pathname: string, search: string): void {
  if (!/^\/cases\/?$/.test(pathname)) return;
  const params = new URLSearchParams(search);
  const filter = { status: params.get('status') ?? undefined, province: params.get('province') ?? undefined };
  prefetched = { key: keyOf(filter), load: loadQueue(filter) };
}

/** The prefetched load for this filter (once), else a new one. */
export function queueFor(filter: QueueFilter): Promise<QueueLoad> {
  const taken = prefetched;
  prefetched = undefined;
  return taken && taken.key === keyOf(filter) ? taken.load : loadQueue(filter);
}
