/** RFC 9457 problem details for the responses the local runtime itself produces (not the handlers'). */
import { STATUS_CODES } from 'node:http';

export interface ProblemError {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly ProblemError[];
}

/** `type` is `about:blank`, so `title` is the status phrase (RFC 9457 §4.2.1). */
export function problem(status: number, detail: string, errors?: readonly ProblemError[]): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...(errors ? { errors } : {}) };
}
