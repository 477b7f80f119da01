/**
 * RFC 9457 problem details for the responses the local runtime itself produces (not the handlers'): the
 * gateway's own 401/403/404/405/413/5xx. Same shape as the handlers' (functions/_shared/problem.ts): a code
 * of the error catalogue (core/error-codes.ts), `type` its entry (`/errors/{code}`, made absolute with the
 * request's host by `sendProblem`), Chinese `title`/`detail`, English `title_en`/`detail_en`.
 */
import { ERROR_CODES, type ErrorCode, errorTypePath } from '../core/error-codes.ts';

export interface ProblemError {
  readonly path: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly code: ErrorCode;
  readonly title: string;
  readonly title_en: string;
  readonly status: number;
  readonly detail: string;
  readonly detail_en: string;
  readonly errors?: readonly ProblemError[];
}

/** The catalogue's entry for `code`; `detailEn` replaces its English default (the Chinese detail is the catalogue's). */
export function problem(code: ErrorCode, detailEn?: string, errors?: readonly ProblemError[]): Problem {
  const entry = ERROR_CODES[code];
  return {
    type: errorTypePath(code),
    code,
    title: entry.title,
    title_en: entry.titleEn,
    status: entry.status,
    detail: entry.detail,
    detail_en: detailEn ?? entry.detailEn,
    ...(errors ? { errors } : {}),
  };
}
