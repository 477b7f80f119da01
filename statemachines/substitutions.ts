/**
 * Reading the ASL files: the state machines and their placeholders are data in manifest/state-machines.ts
 * (re-exported here); this module finds the files, lists their `${Placeholder}`s and substitutes values
 * (as CDK's definitionSubstitutions does, and as the local runner does with the `local` values).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Placeholder, STATE_MACHINES, type StateMachineId } from '../manifest/state-machines.ts';

export { type Placeholder, STATE_MACHINES, type StateMachineId } from '../manifest/state-machines.ts';

export const STATEMACHINES_DIR = dirname(fileURLToPath(import.meta.url));

/** `${Name}` placeholders found in a definition text. */
export const placeholdersIn = (text: string): string[] => [...new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]!))].sort();

export const readDefinition = (id: StateMachineId): string => readFileSync(join(STATEMACHINES_DIR, STATE_MACHINES[id].file), 'utf8');

/** The definition with `values` substituted (as CDK's definitionSubstitutions does). */
export const substitute = (text: string, values: Readonly<Record<string, string>>): string =>
  text.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No substitution for \${${name}}`);
    return value;
  });

/** The local values of a state machine's placeholders. */
export const localSubstitutions = (id: StateMachineId): Record<string, string> =>
  Object.fromEntries(Object.entries(STATE_MACHINES[id].placeholders).map(([k, v]) => [k, (v as Placeholder).local]));
