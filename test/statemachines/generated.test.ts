/**
 * The ASL files are generated from statemachines/definitions.ts (`npm run asl`): committed files equal the
 * generator's output, every Task shares the one transient retry policy, and the case workflow's loop
 * ends exactly where the lifecycle table says the workflow ends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, LIFECYCLE } from '../../core/index.ts';
import { caseWorkflow, GENERATED, render, TRANSIENT_RETRY } from '../../statemachines/definitions.ts';

const dir = fileURLToPath(new URL('../../statemachines/', import.meta.url));

type State = Record<string, any>;
const tasksOf = (states: Record<string, State>): State[] =>
  Object.values(states).flatMap((s) => [...(s.Type === 'Task' ? [s] : []), ...(s.ItemProcessor ? tasksOf(s.ItemProcessor.States) : [])]);

describe.each(Object.entries(GENERATED))('%s', (file, build) => {
  it('is exactly what statemachines/definitions.ts generates (run `npm run asl` after a change)', () => {
    expect(readFileSync(join(dir, file), 'utf8')).toBe(render(build()));
  });

  it('retries every Task with the one transient policy first', () => {
    const tasks = tasksOf(build().States as Record<string, State>);
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) expect(t.Retry[0]).toEqual(TRANSIENT_RETRY);
  });
});

describe('the case workflow loop', () => {
  const def = caseWorkflow();

  it('is a loop of three states: await the next step, apply it, check whether the workflow is done', () => {
    expect(def.States['Await Step'].Next).toBe('Apply Step');
    expect(def.States['Apply Step'].Next).toBe('Check Done');
    expect(def.States['Check Done']).toMatchObject({ Choices: [{ Variable: '$.result.done', BooleanEquals: true, Next: 'Done' }], Default: 'Await Step' });
    expect(Object.keys(def.States).filter((s) => s.startsWith('Await') || s.startsWith('Apply'))).toEqual(['Await Step', 'Apply Step']);
  });

  it('takes `done` from the lifecycle table, which ends it exactly in NOT_CONFIRMED, APPROVED, PAID and CLOSED (D15: the bank, not a person, moves APPROVED on)', () => {
    expect(def.States['Apply Step'].ResultSelector).toEqual({ 'status.$': '$.Payload.status', 'done.$': '$.Payload.done' });
    expect(CASE_STATUSES.filter((s) => LIFECYCLE[s].workflow === 'ends')).toEqual(['NOT_CONFIRMED', 'APPROVED', 'PAID', 'CLOSED']);
  });

  it('is less than half the size of the per-step machine it replaced (779 lines)', () => {
    expect(render(def).split('\n').length).toBeLessThan(779 / 2);
  });
});
