/**
 * Typed domain errors of the rules core. Handlers map `name` to an HTTP status in one place; the
 * state machines match it with `ErrorEquals`. The core itself prefers typed results (`{ ok: false }`)
 * for business refusals and throws only for broken invariants (programming errors), using `RangeError`.
 */
export const DOMAIN_ERROR_NAMES = ['ValidationError', 'MissingParameter', 'MissingRate', 'LateApplication', 'OutsideAssessmentWindow', 'NotEnrolled'] as const;

export type DomainErrorName = (typeof DOMAIN_ERROR_NAMES)[number];

/** A business rule refused an input; `name` is one of {@link DOMAIN_ERROR_NAMES}. */
export class DomainError extends Error {
  override readonly name: DomainErrorName;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(name: DomainErrorName, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = name;
    this.details = details;
  }
}

/** True when `error` is a {@link DomainError} (optionally of the given name). */
export function isDomainError(error: unknown, name?: DomainErrorName): error is DomainError {
  return error instanceof DomainError && (name === undefined || error.name === name);
}
