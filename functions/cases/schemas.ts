/** Request and response schemas of the case routes (contract: Injury reports and cases). Strict: unknown fields → 400. */
import { z } from 'zod';
import { CASE_STATUSES } from '../_shared/repositories/cases.ts';
import { ClientId, Fen, FreeText, LocalDate, PersonName, ProvinceCode } from '../_shared/schemas.ts';
import { CONFIRMATION_BASES, CONFIRMATION_OUTCOMES, DEPENDANT_RELATIONS, dependantNeedsBirthDate, validateConfirmation } from '../../core/index.ts';

const ALL_BASES = Object.values(CONFIRMATION_BASES).flat() as [string, ...string[]];

export const OpenCaseRequest = z
  .strictObject({
    reportId: ClientId,
    kind: z.enum(['injury', 'death']),
    applicant: z.strictObject({ type: z.enum(['platform', 'worker', 'relative', 'union']), name: PersonName.optional() }),
    payee: z.strictObject({ name: PersonName, bankAccount: z.string().regex(/^\d{8,30}$/, 'Must be 8–30 digits.') }),
    consent: z.literal(true),
    lateExplanation: FreeText.optional(),
  })
  .meta({ id: 'OpenCase' });

export const SuspensionRequest = z.strictObject({ reason: FreeText }).meta({ id: 'Suspension' });

export const ConfirmationRequest = z
  .strictObject({
    outcome: z.enum(CONFIRMATION_OUTCOMES),
    basis: z.enum(ALL_BASES),
    reasons: z.array(FreeText).max(20).optional(),
    assessmentRequired: z.boolean(),
  })
  .superRefine((v, ctx) => {
    // D7 from the rules core: the basis belongs to the outcome; a refusal has a reason that is not blank.
    for (const e of validateConfirmation(v)) ctx.addIssue({ code: 'custom', path: [e.path], message: `${e.message} (D7).` });
  })
  .meta({ id: 'Confirmation' });

export const ExpensesRequest = z
  .strictObject({
    items: z.array(z.strictObject({ description: FreeText, amountFen: Fen, inCatalogue: z.boolean() })).max(200),
    inpatientDays: z.number().int().nonnegative().max(3660),
  })
  .meta({ id: 'Expenses' });

export const AssessmentRequest = z
  .strictObject({
    type: z.enum(['initial', 'reassessment', 'review']).optional(),
    grade: z.number().int().min(1).max(10).nullable(),
    nursing: z.enum(['FULL', 'MAJOR', 'PARTIAL']).nullable(),
    concludedOn: LocalDate,
  })
  .meta({ id: 'Assessment' });

export const DependantsRequest = z
  .strictObject({
    dependants: z
      .array(
        z.strictObject({
          name: PersonName,
          relation: z.enum(DEPENDANT_RELATIONS),
          orphanOrAlone: z.boolean(),
          birthDate: LocalDate.optional(),
        }),
      )
      .min(1)
      .max(30),
  })
  .superRefine((v, ctx) => {
    v.dependants.forEach((d, i) => {
      if (dependantNeedsBirthDate(d.relation) && d.birthDate === undefined) {
        ctx.addIssue({ code: 'custom', path: ['dependants', i, 'birthDate'], message: `Required for a ${d.relation} (D9: the pension ends the month they turn 18).` });
      }
    });
  })
  .meta({ id: 'Dependants' });

/** Extension of the contract: `POST /v1/cases/{caseId}/assessment-extension` (assessor), once (D8 +30). */
export const AssessmentExtensionRequest = z.strictObject({ reason: FreeText }).meta({ id: 'AssessmentExtension' });

export const ApprovalRequest = z
  .strictObject({ decision: z.enum(['approve', 'return']), comment: FreeText.optional() })
  .meta({ id: 'Approval' });

export const ResubmissionRequest = z.strictObject({ comment: FreeText.optional() }).meta({ id: 'Resubmission' });

export const ListCasesQuery = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  province: ProvinceCode.optional(),
  nextToken: z.string().max(2000).optional(),
  /** Extension: page size, 1–100 (default 50). */
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

const DeadlineSchema = z.object({ date: LocalDate, provisional: z.boolean() });
const Coverage = z.object({ covered: z.boolean(), orderId: z.string().optional(), reason: z.string() });

export const BenefitsResponse = z
  .object({
    lines: z.array(z.object({ item: z.string(), key: z.string(), amountFen: z.number().int(), monthly: z.boolean(), fromMonth: z.string().optional(), untilMonth: z.string().optional(), basis: z.record(z.string(), z.unknown()) })),
    oneOffTotalFen: z.number().int(),
    monthlyTotalFen: z.number().int(),
    calculated: z.boolean(),
  })
  .meta({ id: 'Benefits' });

export const PaymentSchema = z
  .object({ paymentId: z.string(), amountFen: z.number().int(), status: z.enum(['PENDING', 'PAID', 'FAILED']), items: z.array(z.object({ item: z.string(), key: z.string(), amountFen: z.number().int() })) })
  .meta({ id: 'Payment' });

export const CaseResponse = z
  .object({
    caseId: z.string(),
    status: z.enum(CASE_STATUSES),
    kind: z.enum(['injury', 'death']),
    workerId: z.string().optional(),
    platformId: z.string(),
    province: z.string(),
    occurredAt: z.string(),
    late: z.boolean(),
    coverage: Coverage,
    deadlines: z.record(z.string(), DeadlineSchema),
    suspended: z.object({ since: z.string(), reason: z.string() }).optional(),
    escalations: z.array(z.object({ kind: z.string(), due: z.string().optional(), recordedAt: z.string() })),
    confirmation: z.record(z.string(), z.unknown()).optional(),
    assessment: z.record(z.string(), z.unknown()).optional(),
    benefits: BenefitsResponse.optional(),
    payments: z.array(PaymentSchema),
    timeline: z.array(z.object({ at: z.string(), actor: z.string(), action: z.string() }).passthrough()),
  })
  .passthrough()
  .meta({ id: 'Case' });

export const CaseListResponse = z
  .object({ items: z.array(z.object({ caseId: z.string(), status: z.enum(CASE_STATUSES), province: z.string() }).passthrough()), nextToken: z.string().optional() })
  .meta({ id: 'CaseList' });

export const PaymentsResponse = z.object({ payments: z.array(PaymentSchema) }).meta({ id: 'Payments' });
