/**
 * A platform's month as D19 sees it: `contributionDueDay` (a national parameter, the version in force on
 * the first day of the following month), `closesOn`, the stored state and the status on a date.
 */
import { addMonthsToMonth, closedByDate, closesOn, declarationStatus, type DeclarationStatus, resolveParameter, shanghaiDate } from '../../core/index.ts';
import { parametersRepository } from './repositories/parameters.ts';
import { type MonthState, settlementRepository } from './repositories/settlement.ts';

export const dueDayOf = async (month: string): Promise<number> => {
  const versions = await parametersRepository.cachedVersions('contributionDueDay');
  return resolveParameter(versions, 'contributionDueDay', `${addMonthsToMonth(month, 1)}-01`, {})!.value; // the national default is seeded (core NATIONAL_DEFAULT_PARAMETERS)
};

export interface MonthView {
  readonly dueDay: number;
  readonly closesOn: string;
  readonly status: DeclarationStatus;
  readonly state: MonthState | undefined;
}

export const monthView = async (platformId: string, month: string, now: Date): Promise<MonthView> => {
  const [dueDay, state] = await Promise.all([dueDayOf(month), settlementRepository.month(platformId, month)]);
  return { dueDay, closesOn: closesOn(month, dueDay), status: declarationStatus(month, dueDay, shanghaiDate(now), state), state };
};

/**
 * Which of `months` are CLOSED for the platform now: the date decides first (no read for a month still
 * open by its date — the current month, on every order request); past `closesOn`, one read tells whether an
 * administrator reopened it.
 */
export const closedMonths = async (platformId: string, months: readonly string[], now: Date): Promise<Set<string>> => {
  const today = shanghaiDate(now);
  const closed = await Promise.all(
    months.map(async (month) => {
      if (!closedByDate(month, await dueDayOf(month), today)) return undefined;
      const state = await settlementRepository.month(platformId, month);
      return state?.status === 'REOPENED' ? undefined : month;
    }),
  );
  return new Set(closed.filter((m): m is string => m !== undefined));
};
