/**
 * Zod schemas of the contract's shared vocabulary (../shared/api/contract.md, Conventions).
 * Request schemas are strict: unknown fields are rejected, never dropped. Types are inferred from here.
 * zod/mini's functional form (./zod.ts): `x.check(...)` for classic's chained checks, `z.withMeta(x, …)` for `.meta(…)`.
 */
import type {} from 'zod-openapi';
import { INDUSTRIES, checkCreditCode, checkResidentId, isProvinceCode, isValidDate, isValidMonth, parseInstant } from '../../core/index.ts';
import * as z from './zod.ts';

export const ClientId = z.withMeta(z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, '须为 1–64 个字符，只能包含 A–Z、a–z、0–9、“.”、“_”、“:”或“-”。')), {
  example: 'rider-000123',
});

/** Free text: at most 1,000 characters, no control characters (tab and newline allowed). */
export const FreeText = z.string().check(
  z.minLength(1),
  z.maxLength(1000),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  z.refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), '不能包含控制字符。'),
);

/** Characters an XML document cannot carry (U+FFFE, U+FFFF, a lone surrogate): a name goes into the bank's pain.001 file. */
const xmlSafe = (s: string) => !/[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

export const PersonName = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(64),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  z.refine((s) => !/[\u0000-\u001f\u007f]/.test(s), '不能包含控制字符。'),
  z.refine(xmlSafe, '包含无法识别的字符：请重新输入。'),
);

export const ProvinceCode = z.withMeta(z.string().check(z.refine(isProvinceCode, '须为 6 位 GB/T 2260 省级行政区划代码，例如 110000。')), {
  example: '110000',
});

export const Industry = z.enum(INDUSTRIES);

export const LocalDate = z.withMeta(
  z.string().check(
    // abort: a value of the wrong shape gets one error, not this one and the next.
    z.regex(/^\d{4}-\d{2}-\d{2}$/, { message: '须为 YYYY-MM-DD 格式的日期。', abort: true }),
    // The core's own test (a real day, year 1000 or later): a date the schema let through and the core refused
    // (e.g. 0999-12-31) was a RangeError, so a 500.
    z.refine((s) => isValidDate(s), '须为真实存在的日期（公元 1000 年及以后）。'),
  ),
  { example: '2025-07-01' },
);

export const Month = z.withMeta(
  z.string().check(
    z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '须为 YYYY-MM 格式的月份。', abort: true }),
    z.refine((s) => isValidMonth(s), '须为公元 1000 年及以后的月份。'),
  ),
  { example: '2025-08' },
);

export const Instant = z.withMeta(
  z.string().check(
    z.maxLength(40),
    z.refine((s) => parseInstant(s) !== undefined, '须为带时区偏移的 RFC 3339 时间，例如 2025-08-01T10:05:00+08:00。'),
  ),
  { example: '2025-08-01T10:05:00+08:00' },
);

/** The rules core's reasons for a bad ID number or credit code (core/identity.ts), in Chinese. */
const REASONS: Readonly<Record<string, string>> = {
  'must be 18 characters': '须为 18 个字符',
  'must be 17 digits followed by a digit or X': '须为 17 位数字加 1 位数字或 X',
  'unknown region code': '地区代码不存在',
  'birth date is not a real date': '出生日期不是真实日期',
  'birth date is before 1900': '出生日期早于 1900 年',
  'birth date is in the future': '出生日期晚于今天',
  'check digit does not match': '校验码不符',
  'check character does not match': '校验码不符',
};
const chineseReason = (reason: string): string => REASONS[reason] ?? reason.replace(/^character (.+) is not allowed$/, '不允许出现字符 $1');

export const ResidentIdNumber = z.withMeta(
  z.string().check(
    z.superRefine((s, ctx) => {
      const r = checkResidentId(s);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: `身份证号码无效：${chineseReason(r.reason)}。` });
    }),
  ),
  { description: '18-character resident ID (GB 11643) with a valid check digit and birth date.' },
);

export const CreditCode = z.withMeta(
  z.string().check(
    z.superRefine((s, ctx) => {
      const r = checkCreditCode(s);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: `统一社会信用代码无效：${chineseReason(r.reason)}。` });
    }),
  ),
  { description: 'Unified social credit code (GB 32100) with a valid check character.' },
);

export const Phone = z.string().check(z.regex(/^1\d{10}$/, '须为 11 位中国大陆手机号码。'));

export const Fen = z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER));

export const ProblemSchema = z.withMeta(
  z.object({
    type: z.withMeta(z.string(), { description: "URI of the code's catalogue entry (`GET /errors/{code}`)" }),
    code: z.withMeta(z.string(), { description: 'Stable machine code from the error catalogue (docs/errors.md); clients branch on it' }),
    title: z.withMeta(z.string(), { description: "The code's title, simplified Chinese" }),
    title_en: z.string(),
    status: z.number().check(z.int()),
    detail: z.withMeta(z.string(), { description: 'What went wrong in this request, simplified Chinese' }),
    detail_en: z.withMeta(z.string(), { description: 'The same in English' }),
    errors: z.optional(
      z.array(
        z.object({
          path: z.withMeta(z.string(), { description: 'The bad field, relative to the request body (`orders.3.acceptedAt`), or a header name' }),
          message: z.withMeta(z.string(), { description: 'What to fix, simplified Chinese' }),
        }),
      ),
    ),
  }),
  {
    id: 'Problem',
    description: 'RFC 9457 problem details with a stable `code` (docs/errors.md)',
    example: {
      type: 'https://api.example.com/errors/VALIDATION_FAILED',
      code: 'VALIDATION_FAILED',
      title: '请求参数无效',
      title_en: 'Validation failed',
      status: 400,
      detail: '请求未通过校验：请按 errors 中列出的字段逐一修改后重试。',
      detail_en: 'The request is not valid: fix each field listed in errors and retry.',
      errors: [{ path: 'workers.3.idNumber', message: '身份证号码无效：校验码不符。' }],
    },
  },
);

/** An entry of the error catalogue, as `GET /errors/{code}` serves it (core/error-codes.ts). */
export const ErrorCodeEntrySchema = z.withMeta(
  z.object({
    code: z.string(),
    type: z.string(),
    status: z.number().check(z.int()),
    title: z.string(),
    title_en: z.string(),
    detail: z.string(),
    detail_en: z.string(),
  }),
  { id: 'ErrorCodeEntry', description: 'An error code: its status, titles and default details (Chinese and English)' },
);

export const ErrorCatalogueSchema = z.withMeta(z.object({ items: z.array(ErrorCodeEntrySchema) }), { id: 'ErrorCatalogue' });
