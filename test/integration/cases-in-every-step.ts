/**
 * Cases of one worker brought to each status a human step is accepted in (contract: "Case statuses and which
 * step accepts what"), through the HTTP API and the case workflow, for the access matrix and the fuzzing of
 * the case routes. Built on cases-fixtures.ts; each case is settled (no pending step) when returned.
 */
import { monthOfDate, shanghaiDate } from '../../core/index.ts';
import {
  approvalBody,
  handInDocuments,
  orderAround,
  openCaseBody,
  payMinorInjury,
  report,
  waitForRun,
  waitForStatus,
  type Res,
  type Worker,
  type World,
} from './cases-fixtures.ts';

/** The body of a confirmation that every handler may send to an UNDER_REVIEW case. */
export const CONFIRM = (assessmentRequired: boolean) => ({ outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired });

const expect2 = (res: Res, status: number, what: string): Res => {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
  return res;
};

let minutes = 30;
/** A report about `worker` (covered by an order an hour before), with no case yet. */
export async function freshReport(world: World, worker: Worker): Promise<string> {
  // A distinct injury time per report (same worker, many reports).
  const at = new Date(Date.now() - ++minutes * 60_000);
  await orderAround(world, worker, at);
  return expect2(await report(world, worker, at), 201, 'report').body.reportId as string;
}

/** A case of `worker` opened by the platform (injury) or by a handler for a relative (death): UNDER_REVIEW. */
async function caseOf(world: World, worker: Worker, kind: 'injury' | 'death' = 'injury'): Promise<string> {
  const reportId = await freshReport(world, worker);
  const [token, applicant] = kind === 'death' ? [world.tokens.handler, 'relative' as const] : [world.tokens.platform, 'platform' as const];
  const caseId = expect2(await world.api('POST', '/v1/cases', { token, body: openCaseBody(reportId, kind, applicant) }), 201, 'open case').body
    .caseId as string;
  await handInDocuments(world, caseId);
  return caseId;
}

const post = (world: World, path: string, token: string, body: unknown, what: string) =>
  world.api('POST', path, { token, body }).then((res) => expect2(res, 202, what));

export interface CasesInEveryStep {
  /** UNDER_REVIEW, clock running (suspension, confirmation, expenses). */
  readonly underReview: () => Promise<string>;
  /** UNDER_REVIEW with the confirmation clock suspended (DELETE suspension). */
  readonly suspended: () => Promise<string>;
  /** AWAITING_ASSESSMENT (assessment, assessment-extension, expenses). */
  readonly awaitingAssessment: () => Promise<string>;
  /** A death case in AWAITING_DEPENDANTS (dependants). */
  readonly awaitingDependants: () => Promise<string>;
  /** AWAITING_APPROVAL with one expense recorded by handler-2 and the confirmation by handler-1. */
  readonly awaitingApproval: () => Promise<string>;
  /** RETURNED by reviewer-1 (resubmission). */
  readonly returned: () => Promise<string>;
  /** APPROVED: one approval payment instructed (benefits, payments). */
  readonly paid: () => Promise<string>;
  /** A finished payment run of the current month (admin). */
  readonly run: () => Promise<string>;
  /** APPROVED with a monthly item (grade 2, concluded today): the worker receives the disability allowance (D16). */
  readonly monthly: () => Promise<string>;
}

export const casesInEveryStep = (world: World, worker: Worker): CasesInEveryStep => {
  const { tokens } = world;
  const awaitingApproval = async () => {
    const caseId = await caseOf(world, worker);
    await post(
      world,
      `/v1/cases/${caseId}/expenses`,
      tokens.handler2,
      { items: [{ description: '门诊', amountFen: 50_000, inCatalogue: true }], inpatientDays: 0 },
      'expenses',
    );
    await post(world, `/v1/cases/${caseId}/confirmation`, tokens.handler, CONFIRM(false), 'confirmation');
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    return caseId;
  };
  return {
    underReview: () => caseOf(world, worker),
    suspended: async () => {
      const caseId = await caseOf(world, worker);
      await post(world, `/v1/cases/${caseId}/suspension`, tokens.handler, { reason: '等待交警责任认定书' }, 'suspension');
      return caseId;
    },
    awaitingAssessment: async () => {
      const caseId = await caseOf(world, worker);
      await post(world, `/v1/cases/${caseId}/confirmation`, tokens.handler, CONFIRM(true), 'confirmation');
      await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
      return caseId;
    },
    awaitingDependants: async () => {
      const caseId = await caseOf(world, worker, 'death');
      await post(
        world,
        `/v1/cases/${caseId}/confirmation`,
        tokens.handler,
        { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false },
        'confirmation',
      );
      await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
      return caseId;
    },
    awaitingApproval,
    returned: async () => {
      const caseId = await awaitingApproval();
      await post(world, `/v1/cases/${caseId}/approval`, tokens.reviewer, await approvalBody(world, caseId, 'return', '缺发票'), 'return');
      await waitForStatus(world, caseId, 'RETURNED');
      return caseId;
    },
    paid: async () => {
      const caseId = await caseOf(world, worker);
      await payMinorInjury(world, caseId);
      return caseId;
    },
    monthly: async () => {
      const caseId = await caseOf(world, worker);
      await post(world, `/v1/cases/${caseId}/confirmation`, tokens.handler, CONFIRM(true), 'confirmation');
      await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
      const concludedOn = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
      await post(world, `/v1/cases/${caseId}/assessment`, tokens.assessor, { grade: 2, nursing: null, concludedOn }, 'assessment');
      await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
      await post(world, `/v1/cases/${caseId}/approval`, tokens.reviewer, await approvalBody(world, caseId), 'approval');
      await waitForStatus(world, caseId, 'APPROVED');
      return caseId;
    },
    run: async () => {
      const month = currentMonth();
      const res = await world.api('POST', '/v1/payment-runs', { token: tokens.admin, body: { month } });
      expect2(res, 202, 'payment run');
      await waitForRun(world, res.body.runId);
      return res.body.runId as string;
    },
  };
};

/** The current month in Asia/Shanghai (`YYYY-MM`), the month a payment run may be started for. */
export const currentMonth = (now = new Date()): string => monthOfDate(shanghaiDate(now));
