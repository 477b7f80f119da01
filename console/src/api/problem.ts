/**
 * Problem+json answers (RFC 9457, Chinese `title`/`detail`/`errors[].message`) shown where they belong:
 * each `errors[].path` whose first segment is a field of the form goes next to that field
 * (antd Form `setFields`); what names no field of the form is returned for a message.
 */
import type { Problem } from './client.ts';

export interface FieldError {
  readonly name: (string | number)[];
  readonly errors: string[];
}

/** `items.0.amountFen` → `['items', 0, 'amountFen']` (antd's NamePath). */
export const namePath = (path: string): (string | number)[] => path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/** Splits a problem into field errors for `fields` and the text of the rest. */
export function splitProblem(problem: Problem, fields: readonly string[]): { fieldErrors: FieldError[]; text: string } {
  const byField = new Map<string, FieldError>();
  const rest: string[] = [];
  for (const e of problem.errors ?? []) {
    const name = namePath(e.path);
    if (fields.includes(String(name[0]))) {
      const key = name.join('.');
      const existing = byField.get(key);
      if (existing) existing.errors.push(e.message);
      else byField.set(key, { name, errors: [e.message] });
    } else rest.push(e.message);
  }
  const headline = problem.detail || problem.title;
  return { fieldErrors: [...byField.values()], text: [headline, ...rest].join(' ') };
}

/** Anything thrown or answered as a Problem (a network failure becomes one in Chinese). */
export function asProblem(value: unknown): Problem {
  const p = value as Partial<Problem> | undefined;
  if (p && typeof p === 'object' && typeof p.title === 'string' && typeof p.status === 'number') return p as Problem;
  return {
    type: 'about:blank',
    code: 'NETWORK',
    title: '网络错误',
    title_en: 'Network error',
    status: 0,
    detail: '无法连接服务，请检查网络后重试。',
    detail_en: 'The service could not be reached.',
  };
}
