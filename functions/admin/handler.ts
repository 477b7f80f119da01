/** Route group `admin`: versioned parameters (contract: Parameters) and working-day calendars (D12). */
import { resolveParameter, validateYearArrangement } from '../../core/index.ts';
import { requireRole, STAFF_ROLES } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, conflict, fieldErrors, notFound } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { CalendarYear, PutCalendarRequest, PutParameterRequest, ResolveParameterQuery } from './schemas.ts';
import { checkParameterVersion } from './use-cases.ts';

const yearOf = (raw: string): number => {
  const year = CalendarYear.safeParse(raw);
  if (!year.success) throw badRequest([{ path: 'year', message: 'Must be a year between 2000 and 2100.' }]);
  return year.data;
};

export const handler = httpHandler({
  'PUT /v1/parameters': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const input = ctx.body(PutParameterRequest);
    checkParameterVersion(input);
    const result = await parametersRepository.add(input, principal.sub, new Date().toISOString());
    if (result.outcome === 'conflict') {
      throw conflict('This version (name, scope, effectiveFrom) exists with another value; versions are never edited.', [
        { path: 'value', message: `Already ${result.existing.value}.` },
      ]);
    }
    return { status: result.outcome === 'created' ? 201 : 200, body: result.version };
  },
  'GET /v1/parameters/resolve': async (ctx) => {
    requireRole(ctx.principal(), STAFF_ROLES);
    const parsed = ResolveParameterQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    const { name, on, ...scope } = parsed.data;
    const version = resolveParameter(await parametersRepository.versions(name), name, on, scope);
    if (!version) throw notFound(`No version of ${name} is in force on ${on} for this scope.`);
    return { status: 200, body: { name, value: version.value, effectiveFrom: version.effectiveFrom, scope: version.scope } };
  },
  'PUT /v1/calendars/{year}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const year = yearOf(ctx.path('year'));
    const input = ctx.body(PutCalendarRequest);
    const arrangement = { year, holidays: [...input.holidays].sort(), workdays: [...input.workdays].sort() };
    const check = validateYearArrangement(year, arrangement);
    if (!check.ok) throw badRequest(check.errors);
    await calendarsRepository.put(arrangement, principal.sub, new Date().toISOString());
    return { status: 200, body: { ...arrangement, source: 'loaded' } };
  },
  'GET /v1/calendars/{year}': async (ctx) => {
    ctx.principal();
    const calendar = await calendarsRepository.get(yearOf(ctx.path('year')));
    if (!calendar) throw notFound('No arrangement is loaded for this year; deadlines in it are provisional (weekends only).');
    return { status: 200, body: { year: calendar.year, holidays: calendar.holidays, workdays: calendar.workdays, source: calendar.source } };
  },
});
