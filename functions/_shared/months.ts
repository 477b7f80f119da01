/**
 * A platform's month as D19 sees it: `contributionDueDay` (a national parameter, the version in force on
 * the first day of the following month; every month has one), `closesOn`, the stored state and the status
 * on a date.
 */
import { closesOn, declarationStatus, type DeclarationStatus, monthDueDay, type ParameterVersion, shanghaiDate } from '../../core/index.ts';
import { parametersRepository } from './repositories/parameters.ts';
import { type MonthState, settlementRepository } from './repositories/settlement.ts';

/** The due day of a month's bill (core `monthDueDay`: the seeded national version makes it always defined). */
export const dueDayOf = async (month: string): Promise<number> => monthDueDay(await parametersRepository.cachedVersions('contributionDueDay'), month);

/**
 * The versions an order's or a month's expiry needs (core `orderExpiresAt`, `monthExpiresAt`):
 * `contributionDueDay` and `orderHotDaysAfterClose`, each cached per container.
 */
export const expiryVersions = async (): Promise<ParameterVersion[]> => {
  const [due, hot] = await Promise.all([
    parametersRepository.cachedVersions('contributionDueDay'),
    parametersRepository.cachedVersions('orderHotDaysAfterClose'),
  ]);
  return [...due, ...hot];
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
 * Which of `months` are CLOSED for the platform now (D19): one consistent read of each month's stored state
 * (a batch of orders spans one or two months), then the date.
 */
export const closedMonths = async (platformId: string, months: readonly string[], now: Date): Promise<Set<string>> => {
  const views = await Promise.all(months.map(async (month) => ({ month, view: await monthView(platformId, month, now) })));
  return new Set(views.filter((v) => v.view.status === 'CLOSED').map((v) => v.month));
};
