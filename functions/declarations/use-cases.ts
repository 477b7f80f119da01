/**
 * A platform's monthly fee declaration (D5) from pre-aggregated counters: one Query per fee-counter shard
 * partition (in parallel), the rate versions and the platform profile (both cached per container); never
 * a read of orders.
 */
import { randomBytes } from 'node:crypto';
import {
  addDays,
  computeDeclaration,
  computeEmploymentReport,
  type EmploymentReport,
  creditOnClose,
  dueFen,
  monthArchived,
  monthExpiresAt,
  resolveParameter,
  settlementResolves,
  shanghaiDate,
  shanghaiMonth,
  toShanghaiIso,
  unpaidRecordId,
  type CreditRecord,
  type Declaration,
} from '../../core/index.ts';
import { commitAuditedWith } from '../_shared/audit.ts';
import { cancellationReasons } from '../_shared/db.ts';
import { expiryVersions, monthView } from '../_shared/months.ts';
import { badRequest, notFound, problem } from '../_shared/problem.ts';
import { creditActionItem, type MonthState, MonthStateMoved, settlementRepository } from '../_shared/repositories/settlement.ts';
import { ledgerRepository } from '../_shared/repositories/ledger.ts';
import { ordersRepository } from '../_shared/repositories/orders.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { platformsRepository } from '../_shared/repositories/platforms.ts';
import { reportsRepository } from '../_shared/repositories/reports.ts';
import { CREDIT_RECORDS_PAGE } from './schemas.ts';

const monthlyDeclaration = async (platformId: string, month: string, now: Date): Promise<Declaration> => {
  const [platform, counts, rates] = await Promise.all([
    platformsRepository.cached(platformId),
    ledgerRepository.feeCounts(platformId, month),
    parametersRepository.cachedVersions('contributionRateFen'),
  ]);
  if (!platform) throw notFound();
  const result = computeDeclaration({
    platformId,
    month,
    counts,
    resolveRate: (province, industry, date) => resolveParameter(rates, 'contributionRateFen', date, { platformId, province, industry }),
    provisional: month >= shanghaiMonth(now),
  });
  if (!result.ok) {
    throw problem('MISSING_RATE', {
      errors: result.missingRates.map((m) => ({
        path: `rates.${m.province}.${m.industry}`,
        message: `${m.province} ${m.industry} 没有生效的缴费费率（contributionRateFen）：请管理员先配置该参数。`,
      })),
    });
  }
  return result.declaration;
};

// ---- Month close, settlements, credit records (D19) --------------------------------------------------

/** Attempts of a month change whose state moved under it (a concurrent settlement or close). */
const MONTH_CHANGE_ATTEMPTS = 5;

const withRetries = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const moved =
        error instanceof MonthStateMoved || cancellationReasons(error)?.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
      if (!moved || i >= MONTH_CHANGE_ATTEMPTS) throw moved ? problem('VERSION_CONFLICT') : error;
    }
  }
};

/** The declaration with its D19 status, `closesOn`, `settledFen` and `dueFen`. */
export const declarationView = async (platformId: string, month: string, now: Date) => {
  const [declaration, view, settlements, projectionCaughtUp] = await Promise.all([
    monthlyDeclaration(platformId, month, now),
    monthView(platformId, month, now),
    settlementRepository.settlements(platformId, month),
    ordersRepository.projectionCaughtUp(platformId, month),
  ]);
  const settledFen = view.state?.settledFen ?? 0;
  return {
    declaration,
    status: view.status,
    // Every month closes: provisional means not CLOSED (contract, v2 clarifications).
    provisional: view.status !== 'CLOSED',
    projectionCaughtUp,
    closesOn: view.closesOn,
    settledFen,
    dueFen: dueFen(declaration.totalFen, settledFen),
    settlements,
  };
};

/** The credit-record change a close implies, as a transaction item (reads the month's record). */
const closeCredit = async (platformId: string, month: string, dueDay: number, totalFen: number, state: MonthState | undefined, closedOn: string) => {
  const recordId = unpaidRecordId(platformId, month);
  const existing = await settlementRepository.creditRecord(recordId);
  const action = creditOnClose({
    platformId,
    month,
    dueDay,
    totalFen,
    settledFen: state?.settledFen ?? 0,
    closedOn,
    ...(existing ? { existing } : {}),
    ...(state?.lastPaidOn ? { lastPaidOn: state.lastPaidOn } : {}),
  });
  return creditActionItem(recordId, action);
};

/**
 * The scheduled close of one platform's month (D19): stores CLOSED with the total and creates the unpaid
 * record in one transaction, once. A month already closed or reopened is left as it is (idempotent). A
 * month whose orders are not all counted yet (the projection lags the orders by seconds, issue 18) is left
 * for the next run (`pending`): the stored total is the final one.
 */
export const closeMonthByDate = async (platformId: string, month: string, now: Date): Promise<'closed' | 'already' | 'pending'> =>
  withRetries(async () => {
    const view = await monthView(platformId, month, now);
    if (view.state?.status !== undefined || view.status !== 'CLOSED') return 'already';
    if (!(await ordersRepository.projectionCaughtUp(platformId, month))) return 'pending';
    const { totalFen } = await monthlyDeclaration(platformId, month, now);
    const credit = await closeCredit(platformId, month, view.dueDay, totalFen, view.state, addDays(view.closesOn, 1));
    await settlementRepository.write(
      settlementRepository.statusItems(platformId, month, view.state, { status: 'CLOSED', at: now.toISOString(), totalFen }, credit),
    );
    return 'closed';
  });

const declarationEntity = (platformId: string, month: string) => ({ entityType: 'declaration' as const, entityId: `${platformId}#${month}` });

/** An administrator reopens a CLOSED month with a written reason (补报); audited. */
export const reopenMonth = async (actor: string, platformId: string, month: string, reason: string, now: Date) => {
  if (!(await platformsRepository.cached(platformId))) throw notFound();
  // Issue 18: once the month's orders have expired to the archive, a re-sent order would no longer be
  // recognised as a duplicate (the order item is the exactly-once key, A8): the month stays closed.
  const versions = await expiryVersions();
  if (monthArchived(versions, month, now)) {
    const expiresAt = monthExpiresAt(versions, month);
    throw problem('MONTH_ARCHIVED', {
      detail: `${month} 的订单明细已于 ${toShanghaiIso(new Date(expiresAt * 1000))} 过在线保留期并转入归档，不能再重新开放补报（重复订单将无法识别）。`,
    });
  }
  await withRetries(() =>
    commitAuditedWith(
      declarationEntity(platformId, month),
      async () => {
        const view = await monthView(platformId, month, now);
        if (view.status !== 'CLOSED') throw problem('MONTH_NOT_CLOSED', { detail: `${month} 当前状态为 ${view.status}，只有已关账的月份可以重新开放。` });
        return {
          items: settlementRepository.statusItems(platformId, month, view.state, { status: 'REOPENED', at: now.toISOString(), reason }),
          entry: {
            ...declarationEntity(platformId, month),
            actor,
            action: 'declaration.reopened',
            before: { status: view.status },
            after: { status: 'REOPENED', reason },
          },
        };
      },
      now,
    ),
  );
  return declarationView(platformId, month, now);
};

/** An administrator closes a REOPENED month again (amounts added meanwhile become due); audited. */
export const closeReopenedMonth = async (actor: string, platformId: string, month: string, reason: string | undefined, now: Date) => {
  if (!(await platformsRepository.cached(platformId))) throw notFound();
  await withRetries(() =>
    commitAuditedWith(
      declarationEntity(platformId, month),
      async () => {
        const view = await monthView(platformId, month, now);
        if (view.status !== 'REOPENED') throw problem('MONTH_NOT_REOPENED', { detail: `${month} 当前状态为 ${view.status}，只有已重新开放的月份可以关账。` });
        if (!(await ordersRepository.projectionCaughtUp(platformId, month))) {
          throw problem('VERSION_CONFLICT', { detail: `${month} 仍有刚收到的订单正在计入费用（通常几秒内完成）：请稍后再关账。` });
        }
        const { totalFen } = await monthlyDeclaration(platformId, month, now);
        const credit = await closeCredit(platformId, month, view.dueDay, totalFen, view.state, shanghaiDate(now));
        return {
          items: settlementRepository.statusItems(platformId, month, view.state, { status: 'CLOSED', at: now.toISOString(), totalFen }, credit),
          entry: {
            ...declarationEntity(platformId, month),
            actor,
            action: 'declaration.closed',
            before: { status: 'REOPENED' },
            after: { status: 'CLOSED', totalFen, ...(reason ? { reason } : {}) },
          },
        };
      },
      now,
    ),
  );
  return declarationView(platformId, month, now);
};

/** An administrator records what the platform paid; the settlement that completes a closed bill resolves its record. */
export const recordSettlement = async (actor: string, platformId: string, month: string, input: { amountFen: number; paidOn: string }, now: Date) => {
  if (!(await platformsRepository.cached(platformId))) throw notFound();
  const settlementId = `S${randomBytes(8).toString('hex')}`;
  const settlement = { settlementId, platformId, month, amountFen: input.amountFen, paidOn: input.paidOn, recordedAt: now.toISOString(), recordedBy: actor };
  await withRetries(async () => {
    const view = await monthView(platformId, month, now);
    const recordId = unpaidRecordId(platformId, month);
    const [record, declaration] = await Promise.all([settlementRepository.creditRecord(recordId), monthlyDeclaration(platformId, month, now)]);
    const after = (view.state?.settledFen ?? 0) + input.amountFen;
    const resolves = settlementResolves(view.status, view.state?.totalFen ?? declaration.totalFen, after, record);
    await settlementRepository.settle(settlement, view.state, resolves ? recordId : undefined);
  });
  return settlement;
};

/**
 * One page of credit records: staff and administrators see every platform's (or one's), a platform only its
 * own (the handler pins its platformId). A nextToken this list did not issue → 400 naming `nextToken`.
 */
export const listCreditRecords = async (
  query: { platformId?: string; status?: 'open' | 'resolved'; limit?: number },
  nextToken: string | undefined,
): Promise<{ items: CreditRecord[]; nextToken?: string }> => {
  try {
    return await settlementRepository.creditRecordsPage(
      { ...(query.platformId ? { platformId: query.platformId } : {}), ...(query.status ? { status: query.status } : {}) },
      nextToken,
      query.limit ?? CREDIT_RECORDS_PAGE,
    );
  } catch (error) {
    if (error instanceof RangeError) throw badRequest([{ path: 'nextToken', message: '不是本接口为同一查询签发的分页令牌：请使用上一页返回的 nextToken。' }]);
    throw error;
  }
};

/** A platform's employment report of a month (D19): enrolment days, fee lines, reports and their cases' statuses. */
export const employmentReport = async (platformId: string, month: string, now: Date): Promise<EmploymentReport> => {
  const [declaration, days, reports] = await Promise.all([
    monthlyDeclaration(platformId, month, now),
    ledgerRepository.platformDays(platformId, month),
    reportsRepository.ofPlatformMonth(platformId, month),
  ]);
  const caseIds = reports.flatMap((r) => (r.caseId ? [r.caseId] : []));
  const caseStatuses = caseIds.length > 0 ? await reportsRepository.caseStatuses(caseIds) : [];
  return computeEmploymentReport({ platformId, month, days, lines: declaration.lines, injuryReports: reports.length, caseStatuses });
};
