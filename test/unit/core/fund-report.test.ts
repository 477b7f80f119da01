/** The fund report (D15): movements summed per benefit item, reconciled with the month's bank batches to the fen. */
import { describe, expect, it } from 'vitest';
import { type FundMovementInput, fundReport } from '../../../core/fund-report.ts';

const move = (kind: FundMovementInput['kind'], items: [string, number][], offsetFen = 0): FundMovementInput => ({
  kind,
  offsetFen,
  items: items.map(([item, amountFen]) => ({ item, amountFen })),
});

describe('fundReport', () => {
  it('sums each kind per benefit item in the order of the benefit items, with totals', () => {
    const report = fundReport(
      [
        move('instructed', [
          ['nursing', 600_000],
          ['medical', 80_000],
        ]),
        move('sent', [
          ['nursing', 600_000],
          ['medical', 80_000],
        ]),
        move('paid', [['medical', 80_000]]),
        move('returned', [['nursing', 600_000]]),
        move('cancelled', [['nursing', 1_000]]),
      ],
      [{ batchId: 'B1', totalFen: 680_000, payments: 1 }],
    );
    expect(report.items).toEqual([
      { item: 'medical', instructedFen: 80_000, sentFen: 80_000, paidFen: 80_000, returnedFen: 0, cancelledFen: 0 },
      { item: 'nursing', instructedFen: 600_000, sentFen: 600_000, paidFen: 0, returnedFen: 600_000, cancelledFen: 1_000 },
    ]);
    expect(report.totals).toEqual({ instructedFen: 680_000, sentFen: 680_000, paidFen: 80_000, returnedFen: 600_000, cancelledFen: 1_000 });
    expect(report).toMatchObject({ offsetFen: 0, batchTotalFen: 680_000, reconciled: true });
  });

  it('reconciles sent less offsets with the batch totals to the fen, and says when they differ', () => {
    const movements = [move('sent', [['disability_lump_sum', 100_000]], 30_000), move('paid', [['disability_lump_sum', 100_000]])];
    expect(fundReport(movements, [{ batchId: 'B1', totalFen: 70_000, payments: 1 }])).toMatchObject({
      offsetFen: 30_000,
      batchTotalFen: 70_000,
      reconciled: true,
    });
    expect(fundReport(movements, [{ batchId: 'B1', totalFen: 70_001, payments: 1 }]).reconciled).toBe(false);
    expect(fundReport(movements, []).reconciled).toBe(false);
  });

  it('lists items it does not know after the benefit items, by name', () => {
    const report = fundReport(
      [
        move('instructed', [
          ['zz_other', 1],
          ['aa_other', 2],
          ['funeral', 3],
        ]),
      ],
      [],
    );
    expect(report.items.map((i) => i.item)).toEqual(['funeral', 'aa_other', 'zz_other']);
  });

  it('is empty and reconciled for a month without movements or batches', () => {
    expect(fundReport([], [])).toEqual({
      items: [],
      totals: { instructedFen: 0, sentFen: 0, paidFen: 0, returnedFen: 0, cancelledFen: 0 },
      offsetFen: 0,
      batches: [],
      batchTotalFen: 0,
      reconciled: true,
      bank: { paidFen: 0, returnedFen: 0 },
    });
  });

  it("says what the bank's results moved: paid and returned less their offsets (review of issue 12)", () => {
    const items = [{ item: 'nursing', amountFen: 10_000 }];
    const report = fundReport(
      [
        { kind: 'paid', offsetFen: 3_000, items },
        { kind: 'returned', offsetFen: 1_000, items },
        { kind: 'paid', offsetFen: 0, items },
      ],
      [],
    );
    expect(report.totals).toMatchObject({ paidFen: 20_000, returnedFen: 10_000 });
    expect(report.bank).toEqual({ paidFen: 17_000, returnedFen: 9_000 });
  });
});
