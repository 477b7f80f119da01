/** Versioned parameters (contract: Parameters) and working-day calendars (D12), each change audited. */
import { scopeKey, validateParameterVersion, validateYearArrangement, type ParameterVersion, type YearArrangement } from '../../core/index.ts';
import { badRequest, problem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';

/** What the schema cannot express per name: the scope fields a parameter may carry and its range. */
const checkParameterVersion = (version: ParameterVersion): void => {
  const errors = validateParameterVersion(version);
  if (errors.length > 0) throw badRequest(errors);
};

/** One audit chain per parameter series (name and scope): `contributionRateFen@province=110000`. */
const parameterAuditId = (v: Pick<ParameterVersion, 'name' | 'scope'>): string => `${v.name}@${scopeKey(v.scope)}`;

/**
 * Adds a version (A16): 'created' (201) writes it with `parameter.versionAdded` in the series' chain, in
 * one transaction; a replay (200) changes nothing and audits nothing; another value for an existing
 * version → 409.
 */
export const addParameterVersion = async (input: ParameterVersion, actor: string, now: Date): Promise<{ created: boolean; version: ParameterVersion }> => {
  checkParameterVersion(input);
  const result = await parametersRepository.add(input, actor, now, (version) => ({
    entityType: 'parameter',
    entityId: parameterAuditId(version),
    actor,
    action: 'parameter.versionAdded',
    before: null,
    after: version,
  }));
  if (result.outcome === 'conflict') {
    throw problem('PARAMETER_VERSION_EXISTS', { errors: [{ path: 'value', message: `已存在，取值为 ${result.existing.value}；参数版本不可修改。` }] });
  }
  return { created: result.outcome === 'created', version: result.version };
};

/** Loads a year's arrangement (A17, D12) with its audit record, which names what it replaces (a loaded or seeded year, or none). */
export const loadCalendar = async (
  year: number,
  input: { holidays: readonly string[]; workdays: readonly string[] },
  actor: string,
  now: Date,
): Promise<YearArrangement> => {
  const arrangement: YearArrangement = { year, holidays: [...input.holidays].sort(), workdays: [...input.workdays].sort() };
  const check = validateYearArrangement(year, arrangement);
  if (!check.ok) throw badRequest(check.errors);
  await calendarsRepository.put(arrangement, actor, now, (previous) => ({
    entityType: 'calendar',
    entityId: String(year),
    actor,
    action: 'calendar.loaded',
    before: previous ? { holidays: previous.holidays, workdays: previous.workdays, source: previous.source } : null,
    after: { holidays: arrangement.holidays, workdays: arrangement.workdays, source: 'loaded' },
  }));
  return arrangement;
};
