/**
 * What the cases API, the workflow tasks and the deadline sweep share about driving a case: the
 * execution name of its workflow, how a recorded step reaches the workflow, and the benefit inputs the
 * rules core needs from the stores. The decisions themselves are in core/case-lifecycle.ts.
 */
import { BENEFIT_PARAMETER_NAMES, type BenefitInputs, type CaseRecord, workflowEnds } from '../../core/index.ts';
import { config } from './config.ts';
import { logger } from './observability.ts';
import { workerBirthDate } from './pii-fields.ts';
import { caseTasksRepository } from './repositories/case-tasks.ts';
import { parametersRepository } from './repositories/parameters.ts';
import { workersRepository } from './repositories/workers.ts';
import { workflowPort } from './repositories/workflow.ts';

/** The case workflow's execution name: deterministic, so a repeated start starts nothing twice. */
export const caseWorkflowName = (caseId: string) => `case-${caseId}`;

/** Starts an execution of the case workflow; every execution begins by awaiting the next step (and takes a recorded one at once). */
export const startCaseWorkflow = (caseId: string, executionName: string): Promise<boolean> =>
  workflowPort.start(config.stateMachines.caseWorkflow, executionName, { caseId });

/**
 * Hands a recorded step to the workflow: resumes the execution waiting for it or, when the workflow has
 * ended in the case's status (a re-assessment or review of a paid case), starts a new execution for it.
 * True when an execution took the step; false when none did (no wait registered yet — the wait takes the
 * step when it registers —, the token no longer waiting, or the signal failed: the sweep signals again).
 */
export const signalStep = async (record: CaseRecord): Promise<boolean> => {
  const step = record.pendingStep;
  if (!step) return false;
  try {
    if (workflowEnds(record.status)) return await startCaseWorkflow(record.caseId, `${caseWorkflowName(record.caseId)}-v${record.version}`);
    const task = await caseTasksRepository.get(record.caseId);
    return task !== undefined && (await workflowPort.resume(task.token, { step }));
  } catch (error) {
    logger.error('Could not signal the case workflow', {
      caseId: record.caseId,
      step,
      errorName: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    return false;
  }
};

/** The worker's sex and birth date and the parameter versions a benefit calculation reads (D9). */
export const loadBenefitInputs = async (record: CaseRecord): Promise<BenefitInputs> => {
  const [profile, ...lists] = await Promise.all([
    record.workerId ? workersRepository.profile(record.workerId) : Promise.resolve(undefined),
    ...BENEFIT_PARAMETER_NAMES.map((name) => parametersRepository.versions(name)),
  ]);
  return { ...(profile ? { worker: { sex: profile.sex, birthDate: workerBirthDate(profile) } } : {}), parameterVersions: lists.flat() };
};
