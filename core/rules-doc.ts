/**
 * The catalogue of rules D1–D12 and the generator of `docs/rules.md` from the rule tables and seeds.
 * `scripts/generate-rules-doc.ts` writes the file; a unit test regenerates it and fails on any drift.
 */
import { SEEDED_CALENDARS } from './calendar.ts';
import { NATIONAL_DEFAULT_PARAMETERS, PARAMETER_NAMES, PARAMETER_RULES, parameterVersionId, type ParameterName } from './parameters.ts';
import { PILOT_PROVINCES } from './provinces.ts';
import { RULE_TABLES, type RuleTable } from './rule-tables.ts';

export interface RuleEntry {
  id: string;
  title: string;
  /** What the product does, in one or two sentences. */
  rule: string;
  parameters: readonly ParameterName[];
  /** Dotted paths into a {@link RuleTable}. */
  constants: readonly string[];
  /** Seeded data the rule uses (documented below the table). */
  seeds: readonly string[];
  source: string;
  code: string;
}

export const RULES_CATALOGUE: readonly RuleEntry[] = [
  {
    id: 'D1',
    title: 'Industries',
    rule: 'Four industries; from the merge FOOD_DELIVERY orders are charged and reported as INSTANT_DELIVERY and also accepted from platforms enrolled for INSTANT_DELIVERY only.',
    parameters: [],
    constants: ['industries.chargedAs', 'industries.alsoAcceptedBy'],
    seeds: [],
    source: 'decisions D1; rulebook §2.1 (24号 [SRC S3, S5, S7])',
    code: 'core/industries.ts, core/industry-rules.ts',
  },
  {
    id: 'D2',
    title: 'Provinces and pilot dates',
    rule: 'Provinces are GB/T 2260 province-level codes; a platform is enrolled per province from its joinedOn date.',
    parameters: [],
    constants: [],
    seeds: ['PILOT_PROVINCES'],
    source: 'decisions D2; rulebook §2.3 [SRC S3, S17, S22]',
    code: 'core/provinces.ts',
  },
  {
    id: 'D3',
    title: 'Per-day enrolment (按日参保)',
    rule: 'A worker is enrolled for (platform, province, date) on every Asia/Shanghai date with an accepted order; one resident ID is one person; orders more than the tolerance in the future are rejected.',
    parameters: [],
    constants: ['orders.futureToleranceMinutes'],
    seeds: [],
    source: 'decisions D3; contract (orders); GB 11643 check digit',
    code: 'core/identity.ts, core/orders.ts, core/time.ts',
  },
  {
    id: 'D4',
    title: 'Coverage at a moment',
    rule: 'Covered when acceptedAt ≤ t ≤ finishedAt + grace; an open order covers up to acceptedAt + openOrderCoverHours; the earliest accepted covering order is named. A coverage query looks back queryLookbackHours for finished orders by default (a query bound, never a cap on the cover of an order).',
    parameters: ['openOrderCoverHours', 'coverGraceMinutes'],
    constants: ['coverage.queryLookbackHours'],
    seeds: [],
    source: 'decisions D4; rulebook §4.2, §7.3 [SRC S22, S23]',
    code: 'core/coverage.ts',
  },
  {
    id: 'D5',
    title: 'Contributions (按单计费、按月缴纳)',
    rule: 'Fee = per-order base amount × orders per (platform, province, industry, month), rate by order date; a missing rate answers 422. Scope precedence: more matching fields, then platform > province > industry, then the latest start.',
    parameters: ['contributionRateFen'],
    constants: [],
    seeds: ['NATIONAL_DEFAULT_PARAMETERS'],
    source: 'decisions D5; rulebook §5 [SRC S4–S7]',
    code: 'core/contributions.ts, core/parameters.ts',
  },
  {
    id: 'D6',
    title: 'Application deadlines',
    rule: 'The platform applies within the working days after the injury, the worker, a relative or a union within the calendar days (shifted to a working day); later only with a written explanation (late: true).',
    parameters: [],
    constants: ['application.workingDays', 'application.calendarDays'],
    seeds: [],
    source: 'decisions D6; rulebook §7.1 [SRC S9]',
    code: 'core/deadlines.ts',
  },
  {
    id: 'D7',
    title: 'Confirmation',
    rule: 'Each outcome has its own bases (NOT_CONFIRMED needs a reason); a sudden-illness death is deemed only within the hours limit. Decision due the given days after the case opens, moved by the days suspended; the minor-injury fast track needs no admission (inpatient days within the limit) and in-catalogue expenses.',
    parameters: [],
    constants: ['confirmation.dueDays', 'confirmation.fastTrackMaxInpatientDays', 'confirmation.suddenIllnessDeathWithinHours'],
    seeds: ['CONFIRMATION_BASES'],
    source: 'decisions D7; 工伤保险条例 Art. 20 [MIRROR]; rulebook §12.3 [SRC S24]',
    code: 'core/confirmation.ts, core/deadlines.ts, core/benefits.ts',
  },
  {
    id: 'D8',
    title: 'Disability assessment',
    rule: 'Conclusion due after entering AWAITING_ASSESSMENT (+ extension); re-assessment within the window after concludedOn (inclusive); review from the months after it. A new conclusion nets what was paid.',
    parameters: [],
    constants: ['assessment.dueDays', 'assessment.extensionDays', 'assessment.reassessmentWindowDays', 'assessment.reviewAfterMonths'],
    seeds: [],
    source: 'decisions D8; 工伤保险条例 Arts. 25, 26, 28 [MIRROR]',
    code: 'core/deadlines.ts, core/benefits.ts',
  },
  {
    id: 'D9',
    title: 'Benefits',
    rule: 'W = average monthly wage on the injury date, N = urban disposable income on the date of death; items and percentages below, half-up rounding, dependants capped at W with shares scaled and rounded down; monthly items start the month after the conclusion or death; the allowance ends at the statutory retirement month (2025 reform).',
    parameters: ['averageMonthlyWageFen', 'minimumMonthlyWageFen', 'inpatientMealFenPerDay', 'urbanDisposableIncomeFen'],
    constants: [
      'benefits.disabilityLumpSumMonths',
      'benefits.disabilityAllowancePercent',
      'benefits.nursingPercent',
      'benefits.funeralMonths',
      'benefits.deathLumpSumYears',
      'benefits.dependantPercent',
      'benefits.orphanOrAloneExtraPercent',
      'benefits.dependantCapPercentOfW',
      'benefits.dependantAgeLimitYears',
      'benefits.ageLimitedRelations',
      'benefits.livingAllowanceDuringTreatment',
      'retirement.male',
      'retirement.female55',
      'retirement.female50',
      'retirement.femaleSchemeUsed',
    ],
    seeds: ['NATIONAL_DEFAULT_PARAMETERS'],
    source: 'decisions D9; 工伤保险条例 Arts. 30, 34–39 [MIRROR]; 全国人大常委会 2024-09-13 decision on the gradual retirement-age reform',
    code: 'core/benefits.ts, core/retirement.ts',
  },
  {
    id: 'D10',
    title: 'Approval and payment',
    rule: 'Maker-checker approval pays exactly once; monthly items are paid by monthly runs until they end; a corrected calculation pays or recovers only the difference per item.',
    parameters: [],
    constants: [],
    seeds: [],
    source: 'decisions D10',
    code: 'core/payment-chain.ts (owedItems: what is owed per line and month, less everything instructed), core/benefits.ts (monthlyItemsDue)',
  },
  {
    id: 'D11',
    title: 'Evidence',
    rule: "Filing a report snapshots every order of the worker on the platform that overlaps the injury's Asia/Shanghai date; later changes do not alter it.",
    parameters: [],
    constants: [],
    seeds: [],
    source: 'decisions D11',
    code: 'core/time.ts (shanghaiStartOfDay)',
  },
  {
    id: 'D12',
    title: 'Working-day calendar',
    rule: 'National holidays and make-up working days per year; an unloaded year counts weekends only and marks results provisional; a period starts the day after the event and a calendar-day period ending on a non-working day moves to the next working day.',
    parameters: [],
    constants: [],
    seeds: ['SEEDED_CALENDARS'],
    source: 'decisions D12; State Council holiday arrangements for 2025 and 2026',
    code: 'core/calendar.ts',
  },
  {
    id: 'D16',
    title: 'Life events and yearly certification',
    rule: 'A death or retirement ends monthly items from the month after; each person receiving a monthly item is certified once per period, the first due that long after the approval that granted it; months after a lapse are held (kept owed) until certified again.',
    parameters: [],
    constants: ['benefits.certificationMonths'],
    seeds: [],
    source: 'decisions D16',
    code: 'core/payment-chain.ts (entitlementOf, certificationDueOn, owedItems)',
  },
  {
    id: 'D17',
    title: 'Appeals',
    rule: "An appeal is against the latest decision of its kind (confirmation: the date recorded; assessment: concludedOn; benefits: the approval date). Reconsideration within the days after the decision; litigation within the months after it (same day of the month, or that month's last day) or the days after a reconsideration result; then the end-of-period rule (D12). Late appeals are recorded with late: true. OVERTURNED or VARIED returns the case to the step decided again; amounts already paid are netted.",
    parameters: [],
    constants: ['appeals.reconsiderationDays', 'appeals.litigationMonths', 'appeals.litigationAfterReconsiderationDays'],
    seeds: [],
    source: 'decisions D17; 行政复议法 Art. 20; 行政诉讼法 Arts. 45, 46',
    code: 'core/appeals.ts, core/case-lifecycle.ts',
  },
  {
    id: 'D21',
    title: 'Notifications',
    rule: 'The worker is told (SMS and the inbox, in Chinese) when the case is opened, documents are missing (the whole list), a decision is made, a payment is sent or returned, a deadline of theirs is that many days away, a certification is due; a platform by signed webhook. Messages carry no ID number, phone, bank account or diagnosis.',
    parameters: [],
    constants: ['notifications.reminderDaysBefore'],
    seeds: [],
    source: 'decisions D21',
    code: 'core/notifications.ts, core/webhooks.ts',
  },
];

function valueAt(table: RuleTable, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], table);
}

function show(value: unknown): string {
  return JSON.stringify(value).replaceAll('"', '').replaceAll(',', ', ').replaceAll(':', ': ');
}

function constantsCell(paths: readonly string[]): string {
  return paths
    .map((path) => {
      const values = RULE_TABLES.map((t) => show(valueAt(t, path)));
      const same = values.every((v) => v === values[0]);
      const text = same ? values[0] : RULE_TABLES.map((t, i) => `${t.id}: ${values[i]}`).join('; ');
      return `\`${path}\` = ${text}`;
    })
    .join('<br>');
}

const groupThousands = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

const orDash = (text: string) => (text === '' ? '—' : text);

/** Renders `docs/rules.md` (deterministic: no clocks). */
export function renderRulesDoc(): string {
  const out: string[] = [
    '# Rules',
    '',
    '<!-- Generated by `npm run docs:rules` (scripts/generate-rules-doc.ts) from core/rule-tables.ts, core/parameters.ts,',
    '     core/provinces.ts and core/calendar.ts. Do not edit by hand: test/unit/core/rules-doc.test.ts fails on drift. -->',
    '',
    'Every statutory constant lives in an effective-dated rule table; every amount an administrator maintains is a',
    'parameter. Each calculated result records the rule-table id and the parameter versions it used.',
    '',
    '## Rule table versions',
    '',
    '| id | effective from | source |',
    '|---|---|---|',
    ...RULE_TABLES.map((t) => `| \`${t.id}\` | ${t.effectiveFrom} | ${t.source} |`),
    '',
    '## Rules',
    '',
    '| rule | what the product does | parameters | constants (rule tables) | seeds | source | code |',
    '|---|---|---|---|---|---|---|',
    ...RULES_CATALOGUE.map(
      (r) =>
        `| **${r.id}** ${r.title} | ${r.rule} | ${orDash(r.parameters.map((p) => `\`${p}\``).join(', '))} | ${orDash(constantsCell(r.constants))} | ${orDash(r.seeds.map((s) => `\`${s}\``).join(', '))} | ${r.source} | ${r.code} |`,
    ),
    '',
    '## Parameters',
    '',
    '| name | meaning | unit | scopes | range | version picked by | rule |',
    '|---|---|---|---|---|---|---|',
    ...PARAMETER_NAMES.map((name) => {
      const p = PARAMETER_RULES[name];
      const max = p.max === Number.MAX_SAFE_INTEGER ? '…' : String(p.max);
      return `| \`${name}\` | ${p.description} | ${p.unit} | ${p.scopes.length === 0 ? 'national' : p.scopes.join(', ')} | ${p.min}–${max} | ${p.pickedBy} | ${p.decision} |`;
    }),
    '',
    '## Seeded national defaults (`NATIONAL_DEFAULT_PARAMETERS`)',
    '',
    '| version id | value |',
    '|---|---|',
    ...NATIONAL_DEFAULT_PARAMETERS.map((v) => `| \`${parameterVersionId(v)}\` | ${groupThousands(v.value)} |`),
    '',
    'No defaults exist for averageMonthlyWageFen, minimumMonthlyWageFen or inpatientMealFenPerDay (per province), nor for',
    'contribution rates before 2025-07-01: a calculation that needs one answers 422 naming it.',
    '',
    '## Pilot provinces (`PILOT_PROVINCES`, D2)',
    '',
    '| code | name | pilot start |',
    '|---|---|---|',
    ...PILOT_PROVINCES.map((p) => `| ${p.code} | ${p.name} | ${p.pilotStart} |`),
    '',
    '## Seeded calendars (`SEEDED_CALENDARS`, D12)',
    '',
    '| year | holidays | make-up working days |',
    '|---|---|---|',
    ...SEEDED_CALENDARS.map((c) => `| ${c.year} | ${c.holidays.join(', ')} | ${c.workdays.join(', ')} |`),
    '',
  ];
  return out.join('\n');
}
