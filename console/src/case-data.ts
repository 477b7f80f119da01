import { useCallback, useEffect, useState } from 'react';
import { api, type Case, type Schemas } from './api/client.ts';
import { asProblem } from './api/problem.ts';

/**
 * A case and its benefit calculation, read together and again on `load()` (after a step, an upload): the
 * staff's case page and the rider's case page show the same two answers. `error` is the API's refusal in Chinese.
 */
export function useCaseView<T extends Case>(caseId: string) {
  const [item, setItem] = useState<T>();
  const [benefits, setBenefits] = useState<Schemas['Benefits']>();
  const [error, setError] = useState<string>();
  const load = useCallback(async (): Promise<T | undefined> => {
    const [c, b] = await Promise.all([
      api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } }),
      api.GET('/v1/cases/{caseId}/benefits', { params: { path: { caseId } } }),
    ]);
    if (c.error || !c.data) {
      setError(asProblem(c.error).detail);
      return undefined;
    }
    setItem(c.data as T);
    setBenefits(b.data);
    return c.data as T;
  }, [caseId]);
  useEffect(() => {
    void load();
  }, [load]);
  return { item, benefits, error, load };
}
