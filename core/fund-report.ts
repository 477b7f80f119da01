/**
 * The fund report of a province and month (D15), pure: the fund movements recorded that month
 * (core/payment-chain.ts `fundMovements`: the amounts that entered `instructed`, `sent`, `paid`,
 * `returned`, `cancelled`, per benefit item) summed per item, and reconciled with the bank batches created
 * that month: what was sent less the recoveries offset against it is what the banks were asked to pay,
 * Σ sentFen − offsetFen = Σ batch totalFen, to the fen.
 */
import { BENEFIT_ITEMS } from './benefits.ts';
import { sumFen } from './money.ts';
import type { FundMovementKind } from './payment-chain.ts';

export interface FundMovementInput {
  readonly kind: FundMovementKind;
  /** Recoveries offset against the payment (`sent`, `paid`, `returned`; else 0): the bank moves the amount less these. */
  readonly offsetFen: number;
  readonly items: readonly { readonly item: string; readonly amountFen: number }[];
}

export interface BatchTotal {
  readonly batchId: string;
  readonly totalFen: number;
  readonly payments: number;
}

interface FundAmounts {
  readonly instructedFen: number;
  readonly sentFen: number;
  readonly paidFen: number;
  readonly returnedFen: number;
  readonly cancelledFen: number;
}

export interface FundReport {
  /** Per benefit item that moved, in the order of BENEFIT_ITEMS (unknown items last, by name). */
  readonly items: readonly ({ readonly item: string } & FundAmounts)[];
  readonly totals: FundAmounts;
  /** Recoveries offset against the payments sent this month (the bank pays the rest). */
  readonly offsetFen: number;
  readonly batches: readonly BatchTotal[];
  /** Σ batch totalFen: what the bank files of the month pay. */
  readonly batchTotalFen: number;
  /** totals.sentFen − offsetFen = batchTotalFen. */
  readonly reconciled: boolean;
  /** What the bank's results of the month moved: paid and returned amounts less the recoveries offset against them. */
  readonly bank: { readonly paidFen: number; readonly returnedFen: number };
}

const FIELD: Readonly<Record<FundMovementKind, keyof FundAmounts>> = {
  instructed: 'instructedFen',
  sent: 'sentFen',
  paid: 'paidFen',
  returned: 'returnedFen',
  cancelled: 'cancelledFen',
};

const ZERO: FundAmounts = { instructedFen: 0, sentFen: 0, paidFen: 0, returnedFen: 0, cancelledFen: 0 };

const rank = (item: string): number => {
  const i = (BENEFIT_ITEMS as readonly string[]).indexOf(item);
  return i < 0 ? BENEFIT_ITEMS.length : i;
};

/** The month's report from its fund movements and the batches created in it. */
export function fundReport(movements: readonly FundMovementInput[], batches: readonly BatchTotal[]): FundReport {
  const byItem = new Map<string, Record<keyof FundAmounts, number>>();
  for (const m of movements) {
    const field = FIELD[m.kind];
    for (const i of m.items) {
      const row = byItem.get(i.item) ?? { ...ZERO };
      row[field] = sumFen([row[field], i.amountFen]);
      byItem.set(i.item, row);
    }
  }
  const items = [...byItem.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([item, amounts]) => ({ item, ...amounts }));
  const total = (field: keyof FundAmounts) => sumFen(items.map((i) => i[field]));
  const totals: FundAmounts = {
    instructedFen: total('instructedFen'),
    sentFen: total('sentFen'),
    paidFen: total('paidFen'),
    returnedFen: total('returnedFen'),
    cancelledFen: total('cancelledFen'),
  };
  const offsetOf = (kind: FundMovementKind) => sumFen(movements.filter((m) => m.kind === kind).map((m) => m.offsetFen));
  const offsetFen = offsetOf('sent');
  const batchTotalFen = sumFen(batches.map((b) => b.totalFen));
  return {
    items,
    totals,
    offsetFen,
    batches,
    batchTotalFen,
    reconciled: totals.sentFen - offsetFen === batchTotalFen,
    bank: { paidFen: totals.paidFen - offsetOf('paid'), returnedFen: totals.returnedFen - offsetOf('returned') },
  };
}
