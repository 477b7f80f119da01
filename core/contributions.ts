/** Monthly contribution declarations (D5: 按单计费、按月缴纳). */
import type { Industry } from './industries.ts';
import { multiplyFen, sumFen, type Fen } from './money.ts';
import { parameterVersionId, type ParameterVersion } from './parameters.ts';
import { ruleTableOn } from './rule-tables.ts';
import { isValidMonth } from './time.ts';

/** Orders of one day in one province and (charged) industry. */
export interface DailyOrderCount {
  province: string;
  /** Already the charged industry (see `chargedIndustry`, D1). */
  industry: Industry;
  /** YYYY-MM-DD inside the declared month. */
  date: string;
  orders: number;
}

export interface DeclarationLine {
  province: string;
  industry: Industry;
  orders: number;
  rateFen: Fen;
  amountFen: Fen;
  /** Id of the rate's parameter version (e.g. `contributionRateFen@industry=FREIGHT@2025-07-01`). */
  rateVersion: string;
}

export interface Declaration {
  platformId: string;
  month: string;
  provisional: boolean;
  lines: DeclarationLine[];
  totalFen: Fen;
  /** Rule-table versions in force on the counted days. */
  ruleTables: string[];
}

export interface DeclarationInput {
  platformId: string;
  month: string;
  counts: readonly DailyOrderCount[];
  /** Resolves the rate for a (province, industry) on a date (D5 precedence), e.g. with `resolveParameter`. */
  resolveRate: (province: string, industry: Industry, date: string) => ParameterVersion | undefined;
  provisional: boolean;
}

export type DeclarationResult = { ok: true; declaration: Declaration } | { ok: false; missingRates: { province: string; industry: Industry }[] };

/**
 * Computes a platform's declaration for a month (D5): fee = rate × orders per (province, industry),
 * with the rate in force on each day. Days with the same (province, industry, rate version) collapse
 * into one line, so a rate change mid-month yields two lines. Lines are sorted by province, industry
 * and rate start. Days without orders are ignored. When any needed rate is not configured, the result
 * names every (province, industry) without one instead of inventing a rate (the API answers 422).
 */
export function computeDeclaration(input: DeclarationInput): DeclarationResult {
  if (!isValidMonth(input.month)) throw new RangeError(`not a YYYY-MM month: ${input.month}`);
  const lines = new Map<string, { line: DeclarationLine; rateFrom: string }>();
  const missing = new Map<string, { province: string; industry: Industry }>();
  const ruleTables = new Set<string>();
  for (const count of input.counts) {
    if (!Number.isSafeInteger(count.orders) || count.orders < 0) throw new RangeError(`orders must be a non-negative integer, got ${count.orders}`);
    if (count.date.slice(0, 7) !== input.month) throw new RangeError(`count dated ${count.date} is outside ${input.month}`);
    if (count.orders === 0) continue;
    ruleTables.add(ruleTableOn(count.date).id);
    const rate = input.resolveRate(count.province, count.industry, count.date);
    if (rate === undefined) {
      missing.set(`${count.province}|${count.industry}`, { province: count.province, industry: count.industry });
      continue;
    }
    const rateVersion = parameterVersionId(rate);
    const key = `${count.province}|${count.industry}|${rateVersion}`;
    const existing = lines.get(key);
    const orders = (existing?.line.orders ?? 0) + count.orders;
    lines.set(key, {
      rateFrom: rate.effectiveFrom,
      line: { province: count.province, industry: count.industry, orders, rateFen: rate.value, amountFen: multiplyFen(rate.value, orders), rateVersion },
    });
  }
  if (missing.size > 0) {
    return { ok: false, missingRates: [...missing.values()].sort((a, b) => compare(a.province, b.province) || compare(a.industry, b.industry)) };
  }
  const sorted = [...lines.values()]
    .sort(
      (a, b) =>
        compare(a.line.province, b.line.province) ||
        compare(a.line.industry, b.line.industry) ||
        compare(a.rateFrom, b.rateFrom) ||
        compare(a.line.rateVersion, b.line.rateVersion),
    )
    .map((entry) => entry.line);
  return {
    ok: true,
    declaration: {
      platformId: input.platformId,
      month: input.month,
      provisional: input.provisional,
      lines: sorted,
      totalFen: sumFen(sorted.map((l) => l.amountFen)),
      ruleTables: [...ruleTables].sort(),
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
