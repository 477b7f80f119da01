/**
 * Errors as RFC 9457 problem details (application/problem+json), the only error shape the API returns.
 * Domain code throws HttpProblem; the middy error handler (http.ts) maps everything to one of these.
 */
export interface ProblemFieldError {
  readonly path: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly ProblemFieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  /** Response headers that go with the problem (e.g. Retry-After on 429). */
  headers?: Readonly<Record<string, string>>;
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: readonly ProblemFieldError[],
    readonly type = `https://errors.claims.example/${status}`,
  ) {
    super(detail);
  }

  toBody(): ProblemBody {
    return {
      type: this.type,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      ...(this.errors && this.errors.length > 0 ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (errors: readonly ProblemFieldError[], detail = 'The request is not valid.') => new HttpProblem(400, detail, errors);
export const unauthorized = (detail = 'Authentication is required.') => new HttpProblem(401, detail);
export const forbidden = (detail = 'Your role may not do this.') => new HttpProblem(403, detail);
export const notFound = (detail = 'Not found.') => new HttpProblem(404, detail);
export const conflict = (detail: string, errors?: readonly ProblemFieldError[]) => new HttpProblem(409, detail, errors);
/** 429 with `Retry-After` in whole seconds. */
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  Object.assign(new HttpProblem(429, detail), { headers: { 'retry-after': String(retryAfterSeconds) } });
export const unprocessable = (detail: string, errors?: readonly ProblemFieldError[]) => new HttpProblem(422, detail, errors);

/** Zod issues → problem field errors, paths relative to the request body (`orders.3.acceptedAt`). */
export const fieldErrors = (
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[],
  prefix: readonly (string | number)[] = [],
): ProblemFieldError[] =>
  issues.flatMap((issue) => {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Unknown field.' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
