import type { FormInstance } from 'antd';
import { App } from 'antd';
import { useState } from 'react';
import type { Problem } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';

/**
 * Sends one case step and shows the answer: success as a message; a problem next to the fields it names
 * (`errors[].path`, renamed by `rename`) and the rest as an alert the form shows (`refusal`).
 */
export function useStep(form: FormInstance, fields: readonly string[], rename: (path: string) => string = (p) => p) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const run = async (send: () => Promise<{ error?: unknown; response: Response }>, done: string, after: () => void) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const { error, response } = await send();
      if (!response.ok) {
        const problem = asProblem(error) as Problem;
        const renamed = { ...problem, errors: problem.errors?.map((e) => ({ ...e, path: rename(e.path) })) };
        const { fieldErrors, text } = splitProblem(renamed, fields);
        form.setFields(fieldErrors);
        setRefusal(`${problem.title}：${text}`);
        return;
      }
      message.success(done);
      after();
    } catch (e) {
      setRefusal(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  return { busy, refusal, run };
}
