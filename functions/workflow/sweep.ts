/** Lambda entry point of the deadline sweep (EventBridge Scheduler in AWS; a timer in the local runtime). */
import { logger } from '../_shared/observability.ts';
import { sweepDeadlines } from './deadline-sweep.ts';

export const handler = async (): Promise<Awaited<ReturnType<typeof sweepDeadlines>>> => {
  const result = await sweepDeadlines(new Date());
  logger.info('Deadline sweep', result);
  return result;
};
