/** Request and response schemas of the case routes (contract: Injury reports and cases). Strict: unknown fields → 400. */
import { ChecklistSchema, DocumentSchema } from '../_shared/document-view.ts';
import { ClientId, Fen, FreeText, Instant, LocalDate, PersonName, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';
import {
  APPEAL_AGAINST,
  APPEAL_KINDS,
  APPEAL_RESULTS,
  bankAccountProblem,
  LIFE_EVENT_TYPES,
  PAYMENT_STATUSES,
  CASE_STATUSES,
  CONFIRMATION_BASES,
  CONFIRMATION_OUTCOMES,
  DEPENDANT_RELATIONS,
  dependantNeedsBirthDate,
  validateConfirmation,
} from '../../core/index.ts';

const ALL_BASES = Object.values(CONFIRMATION_BASES).flat() as [string, ...string[]];

/** D14: 8–32 digits; a UnionPay card number (16–19 digits starting with 62) passes the Luhn check. */
const BankAccount = z.withMeta(
  z.string().check(
    z.superRefine((v: string, ctx) => {
      const problem = bankAccountProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
    }),
  ),
  { example: '6222020200112230' },
);
/** The payee's bank as written on the account proof (a short name, like a person's: 1–64 characters). */
const BankName = PersonName;
/** 12-digit CNAPS code of the payee's bank (optional). */
const BankCode = z.string().check(z.regex(/^\d{12}$/, '须为 12 位数字的联行号（CNAPS）。'));

const OpenCaseShape = z.strictObject({
  reportId: ClientId,
  kind: z.enum(['injury', 'death']),
  applicant: z.strictObject({ type: z.enum(['platform', 'worker', 'relative', 'union']), name: z.optional(PersonName) }),
  /** D14: the beneficiary's account; omitted only by a platform or union opening a death case (a handler sets it later). */
  payee: z.optional(z.strictObject({ name: PersonName, bankAccount: BankAccount, bankName: z.optional(BankName), bankCode: z.optional(BankCode) })),
  /** D16: a death case's date of death (default `occurredAt`). */
  diedAt: z.optional(Instant),
  consent: z.literal(true),
  lateExplanation: z.optional(FreeText),
});
export const OpenCaseRequest = z.withMeta(
  OpenCaseShape.check(
    z.superRefine((v: z.infer<typeof OpenCaseShape>, ctx) => {
      if (v.applicant.type === 'relative' && v.applicant.name === undefined)
        ctx.addIssue({ code: 'custom', path: ['applicant', 'name'], message: '以亲属身份申请须填写申请人姓名（D14）。' });
      const payeeOptional = v.kind === 'death' && (v.applicant.type === 'platform' || v.applicant.type === 'union');
      if (v.payee === undefined && !payeeOptional) ctx.addIssue({ code: 'custom', path: ['payee'], message: '须填写收款人（待遇享受人本人的银行账户）。' });
      if (v.diedAt !== undefined && v.kind !== 'death') ctx.addIssue({ code: 'custom', path: ['diedAt'], message: '只有因工死亡案件填写死亡时间。' });
    }),
  ),
  { id: 'OpenCase' },
);

/** D14: `PUT /v1/cases/{caseId}/payee` (handler), with a BANK_ACCOUNT_PROOF document of the case. */
export const PayeeRequest = z.withMeta(
  z.strictObject({ name: PersonName, bankAccount: BankAccount, bankName: BankName, bankCode: z.optional(BankCode), documentId: ClientId }),
  { id: 'PayeeChange' },
);

/** D16: `POST /v1/cases/{caseId}/life-events` (handler). */
export const LifeEventRequest = z.withMeta(
  z.strictObject({
    type: z.enum(LIFE_EVENT_TYPES),
    on: LocalDate,
    dependantIndex: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(50))),
  }),
  { id: 'LifeEvent' },
);

/** D16: `POST /v1/cases/{caseId}/certifications` (handler, or the worker for themself). */
export const CertificationRequest = z.withMeta(z.strictObject({ personIndex: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(50))) }), {
  id: 'Certification',
});

export const CertificationResponse = z.withMeta(z.object({ certifiedOn: LocalDate, nextDueOn: LocalDate }), { id: 'CertificationResult' });

/** D17: `POST /v1/cases/{caseId}/appeals` (handler; the worker or the platform for their own case). */
export const AppealRequest = z.withMeta(z.strictObject({ kind: z.enum(APPEAL_KINDS), against: z.enum(APPEAL_AGAINST), filedOn: LocalDate }), { id: 'Appeal' });

/** D17: `POST /v1/cases/{caseId}/appeals/{appealId}/result` (handler). */
export const AppealResultRequest = z.withMeta(z.strictObject({ result: z.enum(APPEAL_RESULTS), decidedOn: LocalDate, summary: FreeText }), {
  id: 'AppealResult',
});

/** D18: `POST /v1/cases/{caseId}/assistance-requests` (handler of the case's province) to another province. */
export const AssistanceRequestBody = z.withMeta(z.strictObject({ province: ProvinceCode, task: FreeText }), { id: 'AssistanceRequest' });
export const AssistanceCreatedResponse = z.withMeta(z.object({ requestId: z.string() }), { id: 'AssistanceRequestCreated' });
/** D18: `POST /v1/assistance-requests/{requestId}/answer` (staff of the province asked). */
export const AssistanceAnswerRequest = z.withMeta(z.strictObject({ answer: FreeText }), { id: 'AssistanceAnswer' });
export const AssistanceListQuery = z.strictObject({ direction: z.optional(z.enum(['received', 'sent'])) });
/** What staff see of a request (D18): the request and the case's non-personal facts only. */
export const AssistanceItem = z.withMeta(
  z.object({
    requestId: z.string(),
    caseId: z.string(),
    fromProvince: z.string(),
    province: z.string(),
    task: z.string(),
    occurredOn: LocalDate,
    place: z.string(),
    kind: z.enum(['injury', 'death']),
    requestedAt: z.string(),
    answer: z.optional(z.string()),
    answeredAt: z.optional(z.string()),
  }),
  { id: 'AssistanceRequestView' },
);
export const AssistanceListResponse = z.withMeta(z.object({ items: z.array(AssistanceItem) }), { id: 'AssistanceRequests' });

export const SuspensionRequest = z.withMeta(z.strictObject({ reason: FreeText }), { id: 'Suspension' });

const ConfirmationShape = z.strictObject({
  outcome: z.enum(CONFIRMATION_OUTCOMES),
  basis: z.enum(ALL_BASES),
  reasons: z.optional(z.array(FreeText).check(z.maxLength(20))),
  assessmentRequired: z.boolean(),
});
export const ConfirmationRequest = z.withMeta(
  ConfirmationShape.check(
    z.superRefine((v: z.infer<typeof ConfirmationShape>, ctx) => {
      // D7 from the rules core: the basis belongs to the outcome; a refusal has a reason that is not blank.
      for (const e of validateConfirmation(v)) {
        const message = e.path === 'basis' ? `${v.basis} 不是结论 ${v.outcome} 的依据：请选择与结论相符的依据（D7）。` : '不予认定须至少写明一条理由（D7）。';
        ctx.addIssue({ code: 'custom', path: [e.path], message });
      }
    }),
  ),
  { id: 'Confirmation' },
);

export const ExpensesRequest = z.withMeta(
  z.strictObject({
    items: z.array(z.strictObject({ description: FreeText, amountFen: Fen, inCatalogue: z.boolean() })).check(z.maxLength(200)),
    inpatientDays: z.number().check(z.int(), z.nonnegative(), z.maximum(3660)),
  }),
  { id: 'Expenses' },
);

export const AssessmentRequest = z.withMeta(
  z.strictObject({
    type: z.optional(z.enum(['initial', 'reassessment', 'review'])),
    grade: z.nullable(z.number().check(z.int(), z.minimum(1), z.maximum(10))),
    nursing: z.nullable(z.enum(['FULL', 'MAJOR', 'PARTIAL'])),
    concludedOn: LocalDate,
  }),
  { id: 'Assessment' },
);

const DependantsShape = z.strictObject({
  dependants: z
    .array(
      z.strictObject({
        name: PersonName,
        relation: z.enum(DEPENDANT_RELATIONS),
        orphanOrAlone: z.boolean(),
        birthDate: z.optional(LocalDate),
      }),
    )
    .check(z.minLength(1), z.maxLength(30)),
});
export const DependantsRequest = z.withMeta(
  DependantsShape.check(
    z.superRefine((v: z.infer<typeof DependantsShape>, ctx) => {
      v.dependants.forEach((d, i) => {
        if (dependantNeedsBirthDate(d.relation) && d.birthDate === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['dependants', i, 'birthDate'],
            message: `${d.relation} 须填写出生日期（D9：抚恤金发放至其年满 18 周岁的当月）。`,
          });
        }
      });
    }),
  ),
  { id: 'Dependants' },
);

/** Extension of the contract: `POST /v1/cases/{caseId}/assessment-extension` (assessor), once (D8 +30). */
export const AssessmentExtensionRequest = z.withMeta(z.strictObject({ reason: FreeText }), { id: 'AssessmentExtension' });

export const ApprovalRequest = z.withMeta(
  z.strictObject({
    decision: z.enum(['approve', 'return']),
    /** D14: the calculation the reviewer saw (`GET …/benefits`); another than the current one → 409. */
    calculationId: z.string().check(z.minLength(1), z.maxLength(64)),
    comment: z.optional(FreeText),
  }),
  { id: 'Approval' },
);

export const ResubmissionRequest = z.withMeta(z.strictObject({ comment: z.optional(FreeText) }), { id: 'Resubmission' });

export const ListCasesQuery = z.strictObject({
  status: z.optional(z.enum(CASE_STATUSES)),
  province: z.optional(ProvinceCode),
  nextToken: z.optional(z.string().check(z.maxLength(2000))),
  /** Extension: page size, 1–500 (default 50): the console reads a 1,000-case queue in two pages. */
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500))),
});

const int = () => z.number().check(z.int());
const DeadlineSchema = z.object({ date: LocalDate, provisional: z.boolean() });
export const AppealFiledResponse = z.withMeta(z.object({ appealId: z.string(), due: DeadlineSchema, late: z.boolean() }), { id: 'AppealFiled' });
const AppealSchema = z.looseObject({
  appealId: z.string(),
  kind: z.enum(APPEAL_KINDS),
  against: z.enum(APPEAL_AGAINST),
  decisionOn: LocalDate,
  filedOn: LocalDate,
  due: DeadlineSchema,
  late: z.boolean(),
  result: z.optional(z.enum(APPEAL_RESULTS)),
  decidedOn: z.optional(LocalDate),
  summary: z.optional(z.string()),
});
const Coverage = z.object({ covered: z.boolean(), orderId: z.optional(z.string()), reason: z.string() });

export const BenefitsResponse = z.withMeta(
  z.object({
    lines: z.array(
      z.object({
        item: z.string(),
        key: z.string(),
        amountFen: int(),
        monthly: z.boolean(),
        fromMonth: z.optional(z.string()),
        untilMonth: z.optional(z.string()),
        basis: z.record(z.string(), z.unknown()),
      }),
    ),
    oneOffTotalFen: int(),
    monthlyTotalFen: int(),
    calculated: z.boolean(),
    calculationId: z.optional(z.string()),
    calculatedAt: z.optional(z.string()),
    approved: z.optional(z.boolean()),
    ruleTable: z.optional(z.string()),
    parameterVersions: z.optional(z.array(z.string())),
    excludedDependants: z.optional(z.array(z.record(z.string(), z.unknown()))),
  }),
  { id: 'Benefits' },
);

export const PaymentSchema = z.withMeta(
  z.object({
    paymentId: z.string(),
    amountFen: int(),
    status: z.enum(PAYMENT_STATUSES),
    kind: z.optional(z.enum(['approval', 'monthly', 'life-event', 'reinstruction'])),
    items: z.array(z.object({ item: z.string(), key: z.string(), amountFen: int(), month: z.optional(z.string()) })),
    batchId: z.optional(z.string()),
    returnReason: z.optional(z.string()),
    replaces: z.optional(z.string()),
    replacedBy: z.optional(z.string()),
  }),
  { id: 'Payment' },
);

/**
 * An escalation: its kind and a coded reason in Chinese for everyone; `detail` (the cause, sanitised: no
 * stack trace, ARN or path) for staff only (issue 17).
 */
const Escalation = z.object({
  kind: z.string(),
  due: z.optional(z.string()),
  recordedAt: z.string(),
  reason: z.string(),
  detail: z.optional(z.string()),
});

/** `looseObject` is classic's `.passthrough()`: unknown fields are kept (documented as additionalProperties). */
export const CaseResponse = z.withMeta(
  z.looseObject({
    caseId: z.string(),
    status: z.enum(CASE_STATUSES),
    kind: z.enum(['injury', 'death']),
    workerId: z.optional(z.string()),
    platformId: z.string(),
    province: z.string(),
    occurredAt: z.string(),
    late: z.boolean(),
    coverage: Coverage,
    deadlines: z.record(z.string(), DeadlineSchema),
    documents: z.optional(z.array(DocumentSchema)),
    checklist: z.optional(ChecklistSchema),
    suspended: z.optional(z.object({ since: z.string(), reason: z.string() })),
    escalations: z.array(Escalation),
    confirmation: z.optional(z.record(z.string(), z.unknown())),
    assessment: z.optional(z.record(z.string(), z.unknown())),
    benefits: z.optional(BenefitsResponse),
    payments: z.array(PaymentSchema),
    appeals: z.optional(z.array(AppealSchema)),
    timeline: z.array(z.looseObject({ at: z.string(), actor: z.string(), action: z.string() })),
  }),
  { id: 'Case' },
);

export const CaseListResponse = z.withMeta(
  z.object({
    items: z.array(
      z.looseObject({
        caseId: z.string(),
        status: z.enum(CASE_STATUSES),
        province: z.string(),
        kind: z.optional(z.enum(['injury', 'death'])),
        occurredAt: z.optional(z.string()),
        openedAt: z.optional(z.string()),
        late: z.optional(z.boolean()),
        deadlines: z.optional(z.record(z.string(), DeadlineSchema)),
        suspended: z.optional(z.boolean()),
        escalations: z.optional(z.array(Escalation)),
      }),
    ),
    nextToken: z.optional(z.string()),
  }),
  { id: 'CaseList' },
);

export const PaymentsResponse = z.withMeta(z.object({ payments: z.array(PaymentSchema) }), { id: 'Payments' });
