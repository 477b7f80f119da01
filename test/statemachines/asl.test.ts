/**
 * Static checks of every ASL file: valid (asl-validator), JSONPath only, Title Case names, every state
 * reachable, every Task with explicit Retry (never States.ALL) and a Catch, every wait for a person with a
 * timeout and a timeout path, placeholders ⇔ substitutions one to one, and a local override for every Task.
 */
import { readdirSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { LOCAL_FUNCTIONS, taskStates } from '../../local/stepfunctions/index.ts';
import {
  localSubstitutions,
  placeholdersIn,
  readDefinition,
  STATE_MACHINES,
  STATEMACHINES_DIR,
  substitute,
  type StateMachineId,
} from '../../statemachines/substitutions.ts';

type State = Record<string, any>;
const ids = Object.keys(STATE_MACHINES) as StateMachineId[];

/** Every (name, state) pair, descending into Map and Parallel. */
const allStates = (states: Record<string, State>, out: [string, State][] = []): [string, State][] => {
  for (const [name, s] of Object.entries(states)) {
    out.push([name, s]);
    if (s.ItemProcessor) allStates(s.ItemProcessor.States, out);
    if (s.Iterator) allStates(s.Iterator.States, out);
    for (const b of s.Branches ?? []) allStates(b.States, out);
  }
  return out;
};

/** Names reachable from StartAt within one States scope (Next, Default, Choices, Catch). */
const reachable = (scope: { StartAt: string; States: Record<string, State> }): Set<string> => {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !scope.States[name]) return;
    seen.add(name);
    const s = scope.States[name]!;
    const next: string[] = [s.Next, s.Default, ...(s.Choices ?? []).map((c: State) => c.Next), ...(s.Catch ?? []).map((c: State) => c.Next)].filter(Boolean);
    next.forEach(visit);
  };
  visit(scope.StartAt);
  return seen;
};

const scopes = (def: { StartAt: string; States: Record<string, State> }): { StartAt: string; States: Record<string, State> }[] => [
  def,
  ...Object.values(def.States).flatMap((s) => [
    ...(s.ItemProcessor ? scopes(s.ItemProcessor) : []),
    ...(s.Iterator ? scopes(s.Iterator) : []),
    ...(s.Branches ?? []).flatMap(scopes),
  ]),
];

describe.each(ids)('state machine %s', (id) => {
  const text = readDefinition(id);
  const def = JSON.parse(substitute(text, localSubstitutions(id)));

  it('is valid ASL once substituted (asl-validator)', () => {
    const result = aslValidator(def);
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only: no QueryLanguage JSONata, no Assign, no Arguments/Output', () => {
    expect(text).not.toMatch(/"QueryLanguage"\s*:\s*"JSONata"|"Assign"|"Arguments"|"Output"\s*:/);
  });

  it('has every placeholder inside a string and listed in substitutions, and every substitution used', () => {
    expect(text).not.toMatch(/:\s*\$\{/);
    expect(placeholdersIn(text)).toEqual(Object.keys(STATE_MACHINES[id].placeholders).sort());
  });

  it('names states in Title Case', () => {
    for (const [name] of allStates(def.States)) expect(name, name).toMatch(/^[A-Z][a-z0-9]*( [A-Z][a-z0-9]*)*$/);
  });

  it('reaches every state from StartAt', () => {
    for (const scope of scopes(def)) expect([...reachable(scope)].sort()).toEqual(Object.keys(scope.States).sort());
  });

  it('gives every Task an explicit Retry for transient errors only and a Catch to a named state', () => {
    for (const [name, s] of allStates(def.States).filter(([, s]) => s.Type === 'Task')) {
      expect(s.Retry?.length, `${name} Retry`).toBeGreaterThan(0);
      for (const r of s.Retry) expect(r.ErrorEquals, `${name} retries States.ALL`).not.toContain('States.ALL');
      expect(s.Catch?.length, `${name} Catch`).toBeGreaterThan(0);
      const errors = s.Catch.flatMap((c: State) => c.ErrorEquals);
      expect(errors, `${name} catches everything`).toContain('States.ALL');
    }
  });

  it('waits for people only with a backstop timeout whose expiry escalates', () => {
    for (const [name, s] of allStates(def.States).filter(([, s]) => String(s.Resource).endsWith('.waitForTaskToken'))) {
      expect(s.TimeoutSeconds ?? s.TimeoutSecondsPath, `${name} timeout`).toBeDefined();
      expect(s.Catch.find((c: State) => c.ErrorEquals.includes('States.Timeout'))?.Next, name).toBe('Escalate Timeout');
      expect(s.Parameters.Payload['taskToken.$']).toBe('$$.Task.Token');
    }
  });

  it('binds every Task (also inside Map and Parallel) to a local handler', () => {
    const { tasks } = taskStates(def.States);
    expect(Object.keys(tasks).length).toBeGreaterThan(0);
    for (const [name, s] of Object.entries(tasks)) {
      expect(s.Resource, name).toMatch(/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/);
      const fn = String((s as State).Parameters.FunctionName)
        .split(':')
        .at(-1)!;
      expect(LOCAL_FUNCTIONS[fn], `${name} → ${fn}`).toBeDefined();
    }
  });
});

describe('statemachines folder', () => {
  it('has exactly the state machines the substitutions module lists', () => {
    const files = readdirSync(STATEMACHINES_DIR)
      .filter((f) => f.endsWith('.asl.json'))
      .sort();
    expect(files).toEqual(ids.map((id) => STATE_MACHINES[id].file).sort());
  });
});
