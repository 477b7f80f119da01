/** Versioned parameters (contract: Parameters) and working-day calendars (D12), each change audited. */
import { scopeKey, validateParameterVersion, validateYearArrangement, type ParameterVersion, type YearArrangement } from '../../core/index.ts';
import { appendAudit } from '../_shared/audit.ts';
import { badRequest, conflict } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';

/** What the schema cannot express per name: the scope fields a parameter may carry and its range. */
export const checkParameterVersion = (version: ParameterVersion): void => {
  const errors = validateParameterVersion(version);
  if (errors.length > 0) throw badRequest(errors);
};

/** One audit chain per parameter series (name and scope): `contributionRateFen@province=110000`. */
export const parameterAuditId = (v: Pick<ParameterVersion, 'name' | 'scope'>): string => `${v.name}@${scopeKey(v.scope)}`;

/**
 * Adds a version (A16): 'created' (201) appends `parameter.versionAdded` to the series' chain; a replay
 * (200) changes nothing and audits nothing; another value for an existing version → 409.
 */
export const addParameterVersion = async (input: ParameterVersion, actor: string, now: Date): Promise<{ created: boolean; version: ParameterVersion }> => {
  checkParameterVersion(input);
  const result = await parametersRepository.add(input, actor, now.toISOString());
  if (result.outcome === 'conflict') {
    throw conflict('This version (name, scope, effectiveFrom) exists with another value; versions are never edited.', [
      { path: 'value', message: `Already ${result.existing.value}.` },
    ]);
  }
  if (result.outcome === 'created') {
    await appendAudit({ entityType: 'parameter', entityId: parameterAuditId(result.version), actor, action: 'parameter.versionAdded', before: null, after: result.version }, now);
  }
  return { created: result.outcome === 'created', version: result.version };
};

/** Loads a year's arrangement (A17, D12), auditing what it replaces (a loaded or seeded year, or none). */
export const loadCalendar = async (year: number, input: { holidays: readonly string[]; workdays: readonly string[] }, actor: string, now: Date): Promise<YearArrangement> => {
  const arrangement: YearArrangement = { year, holidays: [...input.holidays].sort(), workdays: [...input.workdays].sort() };
  const check = validateYearArrangement(year, arrangement);
  if (!check.ok) throw badRequest(check.errors);
  const previous = await calendarsRepository.get(year);
  await calendarsRepository.put(arrangement, actor, now.toISOString());
  await appendAudit(
    {
      entityType: 'calendar',
      entityId: String(year),
      actor,
      action: 'calendar.loaded',
      before: previous ? { holidays: previous.holidays, workdays: previous.workdays, source: previous.source } : null,
      after: { holidays: arrangement.holidays, workdays: arrangement.workdays, source: 'loaded' },
    },
    now,
  );
  return arrangement;
};
