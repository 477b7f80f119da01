/**
 * Zod schemas of the contract's shared vocabulary (../shared/api/contract.md, Conventions).
 * Request schemas are strict: unknown fields are rejected, never dropped. Types are inferred from here.
 * zod/mini's functional form (./zod.ts): `x.check(...)` for classic's chained checks, `z.withMeta(x, …)` for `.meta(…)`.
 */
import type {} from 'zod-openapi';
import { INDUSTRIES, checkCreditCode, checkResidentId, isProvinceCode, parseInstant } from '../../core/index.ts';
import * as z from './zod.ts';

export const ClientId = z.withMeta(z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'Must be 1–64 characters of A–Z, a–z, 0–9, ".", "_", ":" or "-".')), {
  example: 'rider-000123',
});

/** Free text: at most 1,000 characters, no control characters (tab and newline allowed). */
export const FreeText = z.string().check(
  z.minLength(1),
  z.maxLength(1000),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  z.refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'Must not contain control characters.'),
);

export const PersonName = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(64),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  z.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'Must not contain control characters.'),
);

export const ProvinceCode = z.withMeta(z.string().check(z.refine(isProvinceCode, 'Must be a 6-digit GB/T 2260 province-level code such as 110000.')), {
  example: '110000',
});

export const Industry = z.enum(INDUSTRIES);

export const LocalDate = z.withMeta(
  z.string().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'Must be a date YYYY-MM-DD.'),
    z.refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
    }, 'Must be a real calendar date.'),
  ),
  { example: '2025-07-01' },
);

export const Month = z.withMeta(z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Must be a month YYYY-MM.')), { example: '2025-08' });

export const Instant = z.withMeta(
  z.string().check(
    z.maxLength(40),
    z.refine((s) => parseInstant(s) !== undefined, 'Must be an RFC 3339 date-time with an offset, e.g. 2025-08-01T10:05:00+08:00.'),
  ),
  { example: '2025-08-01T10:05:00+08:00' },
);

export const ResidentIdNumber = z.withMeta(
  z.string().check(
    z.superRefine((s, ctx) => {
      const r = checkResidentId(s);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
    }),
  ),
  { description: '18-character resident ID (GB 11643) with a valid check digit and birth date.' },
);

export const CreditCode = z.withMeta(
  z.string().check(
    z.superRefine((s, ctx) => {
      const r = checkCreditCode(s);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
    }),
  ),
  { description: 'Unified social credit code (GB 32100) with a valid check character.' },
);

export const Phone = z.string().check(z.regex(/^1\d{10}$/, 'Must be an 11-digit mainland mobile number.'));

export const Fen = z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

export const ProblemSchema = z.withMeta(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
  { id: 'Problem', description: 'RFC 9457 problem details' },
);
