/**
 * The storage shape of payments and their ledger (docs/payments.md), shared by the cases repository (case
 * transitions, payment runs) and the payment-batches repository. Pure item builders: no I/O here.
 *
 *   CASE#{caseId} / LEDGER                 `seq`: advanced by every write that instructs or cancels a payment of the
 *                                          case (conditional on the value read), so racing instructions serialise
 *   CASE#{caseId} / PAYMENT#{key}          a payment; GSI byStatus `PAYMENTS#INSTRUCTED#{province}` while instructed
 *                                          (the batch's work list); GSI byProvince `BATCH#{batchId}` once batched
 *   FUND#{province}#{month} / {kind}#{paymentId}   a fund movement (instructed, sent, paid, returned, cancelled) by
 *                                          benefit item, in the Asia/Shanghai month it happened: the fund report
 */
import { type FundMovementKind, fundMovements, type PaymentChange, type PaymentRecord, shanghaiMonth } from '../../../core/index.ts';
import { config } from '../config.ts';
import { paymentKey } from './cases-table.ts';

type TransactItem = Record<string, unknown>;

export const ledgerKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'LEDGER' });

/** The GSI key of the instructed payments of a province (the next batch's work list). */
export const instructedPartition = (province: string) => `PAYMENTS#INSTRUCTED#${province}`;
export const batchPartition = (batchId: string) => `BATCH#${batchId}`;

const indexKeys = (p: PaymentRecord) => ({
  ...(p.status === 'INSTRUCTED' && p.amountFen !== 0 && p.province ? { gsi1pk: instructedPartition(p.province), gsi1sk: `${p.createdAt}#${p.paymentId}` } : {}),
  ...(p.batchId ? { gsi2pk: batchPartition(p.batchId), gsi2sk: p.paymentId } : {}),
});

const paymentItem = (p: PaymentRecord) => ({ ...paymentKey(p.caseId, p.key), type: 'Payment', ...p, ...indexKeys(p) });

/** Advances the case's ledger from `from` to `to`, failing (a lost race) when someone advanced it since. */
export const ledgerUpdate = (caseId: string, ledger: { from: number; to: number }): TransactItem => ({
  Update: {
    TableName: config.tables.cases,
    Key: ledgerKey(caseId),
    UpdateExpression: 'SET seq = :to',
    ConditionExpression: ledger.from === 0 ? 'attribute_not_exists(seq) OR seq = :from' : 'seq = :from',
    ExpressionAttributeValues: { ':from': ledger.from, ':to': ledger.to },
  },
});

/** The write of one payment change: a new payment once, a changed one only from the status it was read in. */
const paymentWrite = (change: PaymentChange): TransactItem =>
  change.expected === undefined
    ? { Put: { TableName: config.tables.cases, Item: paymentItem(change.next), ConditionExpression: 'attribute_not_exists(pk)' } }
    : {
        Put: {
          TableName: config.tables.cases,
          Item: paymentItem(change.next),
          ConditionExpression: '#s = :expected',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':expected': change.expected },
        },
      };

export const fundPartition = (province: string, month: string) => `FUND#${province}#${month}`;

interface FundMovement {
  readonly kind: FundMovementKind;
  readonly paymentId: string;
  readonly caseId: string;
  readonly province: string;
  readonly month: string;
  readonly at: string;
  readonly amountFen: number;
  readonly offsetFen: number;
  readonly items: readonly { readonly item: string; readonly amountFen: number }[];
  readonly batchId?: string;
}

/** The fund movements a change records, as puts (one per payment and kind: a retry writes the same item). */
const fundWrites = (change: PaymentChange, at: string): TransactItem[] =>
  fundMovements(change).map(({ kind, offsetFen }) => {
    const p = change.next;
    const province = p.province ?? 'unknown';
    const month = shanghaiMonth(at);
    const movement: FundMovement = {
      kind,
      paymentId: p.paymentId,
      caseId: p.caseId,
      province,
      month,
      at,
      amountFen: p.amountFen,
      offsetFen,
      items: p.items.map((i) => ({ item: i.item, amountFen: i.amountFen })),
      ...(p.batchId ? { batchId: p.batchId } : {}),
    };
    return { Put: { TableName: config.tables.cases, Item: { pk: fundPartition(province, month), sk: `${kind}#${p.paymentId}`, type: 'Fund', ...movement } } };
  });

/** Every write of a list of payment changes made at `at`: the payments and their fund movements. */
export const paymentWrites = (changes: readonly PaymentChange[], at: string): TransactItem[] => changes.flatMap((c) => [paymentWrite(c), ...fundWrites(c, at)]);
