/** Route group `admin`: versioned parameters (contract: Parameters) and working-day calendars (D12). */
import { resolveParameter } from '../../core/index.ts';
import { requireRole, STAFF_ROLES } from '../_shared/auth.ts';
import { httpHandler } from '../_shared/http.ts';
import { badRequest, fieldErrors, problem } from '../_shared/problem.ts';
import { calendarsRepository } from '../_shared/repositories/calendars.ts';
import { parametersRepository } from '../_shared/repositories/parameters.ts';
import { CalendarYear, PutCalendarRequest, PutParameterRequest, ResolveParameterQuery } from './schemas.ts';
import { addParameterVersion, loadCalendar } from './use-cases.ts';

const yearOf = (raw: string): number => {
  const year = CalendarYear.safeParse(raw);
  if (!year.success) throw badRequest([{ path: 'year', message: '须为 2000 至 2100 之间的年份。' }]);
  return year.data;
};

export const handler = httpHandler({
  'PUT /v1/parameters': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const { created, version } = await addParameterVersion(ctx.body(PutParameterRequest), principal.sub, new Date());
    return { status: created ? 201 : 200, body: version };
  },
  'GET /v1/parameters/resolve': async (ctx) => {
    requireRole(ctx.principal(), STAFF_ROLES);
    const parsed = ResolveParameterQuery.safeParse(ctx.query);
    if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues as never));
    const { name, on, ...scope } = parsed.data;
    const version = resolveParameter(await parametersRepository.versions(name), name, on, scope);
    if (!version)
      throw problem('NOT_FOUND', {
        detail: `参数 ${name} 在 ${on} 对此范围没有生效的版本。`,
        detailEn: `No version of ${name} is in force on ${on} for this scope.`,
      });
    return { status: 200, body: { name, value: version.value, effectiveFrom: version.effectiveFrom, scope: version.scope } };
  },
  'PUT /v1/calendars/{year}': async (ctx) => {
    const principal = ctx.principal();
    requireRole(principal, ['admin']);
    const year = yearOf(ctx.path('year'));
    const arrangement = await loadCalendar(year, ctx.body(PutCalendarRequest), principal.sub, new Date());
    return { status: 200, body: { ...arrangement, source: 'loaded' } };
  },
  'GET /v1/calendars/{year}': async (ctx) => {
    ctx.principal();
    const calendar = await calendarsRepository.get(yearOf(ctx.path('year')));
    if (!calendar)
      throw problem('NOT_FOUND', {
        detail: '该年度尚未载入节假日安排；其中的期限为暂定（仅按周末计算）。',
        detailEn: 'No arrangement is loaded for this year; deadlines in it are provisional (weekends only).',
      });
    return { status: 200, body: { year: calendar.year, holidays: calendar.holidays, workdays: calendar.workdays, source: calendar.source } };
  },
});
