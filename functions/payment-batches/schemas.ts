/** Request and response schemas of the payment-batch routes (contract: Approval, payee and payments; v2 "Payment chain"). Strict requests. */
import { BENEFIT_ITEMS, PAYMENT_STATUSES } from '../../core/index.ts';
import { ClientId, FreeText, Month, ProvinceCode } from '../_shared/schemas.ts';
import * as z from '../_shared/zod.ts';

const Int = z.number().check(z.int());

/** The most results one request may carry. */
const MAX_RESULTS_PER_REQUEST = 1000;

export const CreateBatchRequest = z.withMeta(z.strictObject({ province: ProvinceCode }), { id: 'PaymentBatchRequest' });

const Debtor = z.object({ name: z.string(), account: z.string(), bankName: z.string(), bankCode: z.string() });

/** What every answer about a batch says of it. */
const BatchSummary = z.object({
  batchId: z.string(),
  province: z.string(),
  status: z.enum(['ASSEMBLING', 'READY']),
  payments: Int,
  totalFen: Int,
  createdAt: z.string(),
});

export const BatchCreatedResponse = z.withMeta(
  z.extend(BatchSummary, {
    /** Positive instructed payments left out of the batch (they stay INSTRUCTED): no copy of a payee to pay. */
    held: z.optional(z.array(z.object({ paymentId: z.string(), caseId: z.string(), reason: z.enum(['NO_PAYEE']) }))),
  }),
  { id: 'PaymentBatchCreated' },
);

const BatchItem = z.withMeta(
  z.object({
    paymentId: z.string(),
    caseId: z.string(),
    amountFen: Int,
    /** What the bank pays: the amount less the recoveries offset against it (0: settled by offsets, not in the file). */
    bankAmountFen: Int,
    status: z.enum(PAYMENT_STATUSES),
    returnReason: z.optional(z.string()),
  }),
  { id: 'PaymentBatchItem' },
);

export const BatchResponse = z.withMeta(
  z.extend(BatchSummary, {
    createdBy: z.string(),
    debtor: Debtor,
    items: z.array(BatchItem),
    downloads: z.array(z.object({ by: z.string(), at: z.string(), format: z.enum(['csv', 'pain.001']) })),
  }),
  { id: 'PaymentBatch' },
);

export const BankFileQuery = z.strictObject({ format: z.optional(z.enum(['csv', 'pain.001'])) });

const ResultShape = z.strictObject({
  paymentId: ClientId,
  status: z.enum(['PAID', 'RETURNED']),
  returnReason: z.optional(FreeText),
});
type Result = z.infer<typeof ResultShape>;

/** A bank result; `returnReason` goes with RETURNED and only with it. */
const BankResultItem = z.withMeta(
  ResultShape.check(
    z.superRefine((r: Result, ctx) => {
      if (r.status === 'RETURNED' && r.returnReason === undefined)
        ctx.addIssue({ code: 'custom', path: ['returnReason'], message: '退回的支付须写明银行的退回原因（returnReason）。' });
      if (r.status === 'PAID' && r.returnReason !== undefined)
        ctx.addIssue({ code: 'custom', path: ['returnReason'], message: '只有退回（RETURNED）的支付才有退回原因：请删除此字段。' });
    }),
  ),
  { id: 'BankResult' },
);

export const BankResultsRequest = z.withMeta(z.strictObject({ results: z.array(BankResultItem).check(z.minLength(1), z.maxLength(MAX_RESULTS_PER_REQUEST)) }), {
  id: 'BankResults',
});

export const BankResultsResponse = z.withMeta(
  z.object({
    accepted: Int,
    duplicates: Int,
    rejected: Int,
    results: z.array(
      z.object({
        index: Int,
        paymentId: z.string(),
        status: z.enum(['accepted', 'duplicate', 'rejected']),
        errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
      }),
    ),
  }),
  { id: 'BankResultsOutcome' },
);

export const FundReportQuery = z.strictObject({ province: ProvinceCode });
export const FundReportPath = z.strictObject({ month: Month });

const Amounts = {
  instructedFen: Int,
  sentFen: Int,
  paidFen: Int,
  returnedFen: Int,
  cancelledFen: Int,
};

export const FundReportResponse = z.withMeta(
  z.object({
    province: z.string(),
    month: z.string(),
    items: z.array(z.object({ item: z.enum(BENEFIT_ITEMS), ...Amounts })),
    totals: z.object(Amounts),
    offsetFen: Int,
    batches: z.array(z.object({ batchId: z.string(), status: z.enum(['ASSEMBLING', 'READY']), totalFen: Int, payments: Int, createdAt: z.string() })),
    batchTotalFen: Int,
    reconciled: z.boolean(),
    /** What the bank's results of the month moved: paid and returned less the recoveries offset against them. */
    bank: z.object({ paidFen: Int, returnedFen: Int }),
  }),
  { id: 'FundReport' },
);
