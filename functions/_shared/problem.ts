/**
 * Errors as RFC 9457 problem details (application/problem+json), the only error shape the API returns.
 * Domain code throws HttpProblem with a code of the error catalogue (core/error-codes.ts); the middy error
 * handler (http.ts) maps everything to one of these.
 *
 * Every problem carries `code` (stable, what clients match on), `type` (the URI of the code's catalogue
 * entry, `GET /errors/{code}`), `title` and `detail` in simplified Chinese, and `title_en` / `detail_en`
 * in English (docs/errors.md). Field errors' messages are Chinese.
 */
import type { Refusal } from '../../core/case-lifecycle.ts';
import { ERROR_CODES, errorTypePath, type ErrorCode } from '../../core/error-codes.ts';

export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly code: ErrorCode;
  readonly title: string;
  readonly title_en: string;
  readonly status: number;
  readonly detail: string;
  readonly detail_en: string;
  readonly errors?: readonly ProblemFieldError[];
}

export interface ProblemOptions {
  /** Simplified Chinese; default the catalogue's. */
  readonly detail?: string;
  /** English; default the catalogue's. */
  readonly detailEn?: string;
  readonly errors?: readonly ProblemFieldError[];
}

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly status: number;
  readonly detail: string;
  readonly detailEn: string;
  readonly errors?: readonly ProblemFieldError[];
  /** Response headers that go with the problem (e.g. Retry-After on 429). */
  headers?: Readonly<Record<string, string>>;
  constructor(
    readonly code: ErrorCode,
    options: ProblemOptions = {},
  ) {
    const entry = ERROR_CODES[code];
    const detailEn = options.detailEn ?? entry.detailEn;
    super(`${code}: ${detailEn}`);
    this.status = entry.status;
    this.detail = options.detail ?? entry.detail;
    this.detailEn = detailEn;
    if (options.errors) this.errors = options.errors;
  }

  /** The body; `origin` (`https://api.example`) makes `type` absolute, else it is relative to the API. */
  toBody(origin = ''): ProblemBody {
    const entry = ERROR_CODES[this.code];
    return {
      type: `${origin}${errorTypePath(this.code)}`,
      code: this.code,
      title: entry.title,
      title_en: entry.titleEn,
      status: this.status,
      detail: this.detail,
      detail_en: this.detailEn,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

/** A problem of the catalogue: `problem('NOT_FOUND')`, or with a precise detail in both languages. */
export const problem = (code: ErrorCode, options?: ProblemOptions) => new HttpProblem(code, options);

export const badRequest = (errors: readonly ProblemFieldError[]) => new HttpProblem('VALIDATION_FAILED', { errors });
export const unauthorized = (code: 'UNAUTHENTICATED' | 'TOKEN_EXPIRED' = 'UNAUTHENTICATED') => new HttpProblem(code);
export const forbidden = (code: ErrorCode = 'FORBIDDEN_ROLE', options?: ProblemOptions) => new HttpProblem(code, options);
export const notFound = () => new HttpProblem('NOT_FOUND');
/** 429 with `Retry-After` in whole seconds. */
export const tooManyRequests = (options: ProblemOptions, retryAfterSeconds: number) =>
  Object.assign(new HttpProblem('RATE_LIMITED', options), { headers: { 'retry-after': String(retryAfterSeconds) } });

/** A refusal of the case lifecycle: its code is a catalogue code (same name), its message Chinese. */
export const refusalProblem = (refusal: Refusal) =>
  new HttpProblem(refusal.code, {
    detail: refusal.message,
    ...(refusal.messageEn ? { detailEn: refusal.messageEn } : {}),
    ...(refusal.fields ? { errors: refusal.fields } : {}),
  });

/** Zod issues → problem field errors, paths relative to the request body (`orders.3.acceptedAt`). */
export const fieldErrors = (
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[],
  prefix: readonly (string | number)[] = [],
): ProblemFieldError[] =>
  issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: '未知字段：请删除此字段。' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
