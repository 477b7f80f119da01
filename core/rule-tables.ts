/**
 * Effective-dated statutory rule tables. Every statutory constant the core uses (month counts,
 * percentages, deadline lengths, retirement-age reform steps, tolerances) lives here, never as a
 * literal in logic. A table version is complete: a new version copies the previous one and changes
 * what the new text changes, so `ruleTableOn(date)` answers with one object. The amounts that
 * administrators maintain (wages, rates, incomes, meal rates) are parameters, not rule tables.
 *
 * Changing a number here is a reviewed data change; `docs/rules.md` is generated from these tables.
 */
import type { Industry } from './industries.ts';

export type DisabilityGrade = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type NursingLevel = 'FULL' | 'MAJOR' | 'PARTIAL';
export const DEPENDANT_RELATIONS = ['spouse', 'child', 'parent', 'grandparent', 'grandchild', 'sibling'] as const;
export type DependantRelation = (typeof DEPENDANT_RELATIONS)[number];
export type ApplicantType = 'platform' | 'worker' | 'relative' | 'union';

/** One group of the 2025 gradual retirement-age reform. */
export interface RetirementScheme {
  /** Statutory age before the reform, in months. */
  readonly baseAgeMonths: number;
  /** First retirement month affected by the reform (YYYY-MM). */
  readonly reformStartMonth: string;
  /** The age rises by one month for every this many months of birth. */
  readonly birthMonthsPerStep: number;
  /** The rise stops at this many months. */
  readonly maxExtraMonths: number;
}

export interface RuleTable {
  readonly id: string;
  readonly effectiveFrom: string;
  readonly source: string;
  /** D1 */
  readonly industries: {
    /** An order of the key industry is charged and reported as the value. */
    readonly chargedAs: Readonly<Partial<Record<Industry, Industry>>>;
    /** A platform enrolled for the key industry may also send orders of the listed industries. */
    readonly alsoAcceptedBy: Readonly<Partial<Record<Industry, readonly Industry[]>>>;
  };
  /** D3 and the contract (order intake). */
  readonly orders: { readonly futureToleranceMinutes: number };
  /** D4 */
  readonly coverage: {
    /**
     * How far back (hours) a coverage query looks for finished orders by default. A query bound only:
     * an order longer than this still covers up to its `finishedAt` (D4) when the store returns it.
     */
    readonly queryLookbackHours: number;
  };
  /** D6 */
  readonly application: {
    readonly workingDays: Readonly<Partial<Record<ApplicantType, number>>>;
    readonly calendarDays: Readonly<Partial<Record<ApplicantType, number>>>;
  };
  /** D7 */
  readonly confirmation: {
    readonly dueDays: number;
    /** Fast track (小伤快赔): at most this many inpatient days (0: out-patient only). */
    readonly fastTrackMaxInpatientDays: number;
    /** 视同: death from a sudden illness within this many hours of the onset during an order task. */
    readonly suddenIllnessDeathWithinHours: number;
  };
  /** D8 */
  readonly assessment: {
    readonly dueDays: number;
    readonly extensionDays: number;
    readonly reassessmentWindowDays: number;
    readonly reviewAfterMonths: number;
  };
  /** D17: appeal periods (calendar days and months, with the D12 end-of-period rule). */
  readonly appeals: {
    /** 行政复议: within this many days after the decision. */
    readonly reconsiderationDays: number;
    /** 行政诉讼: within this many months after the decision… */
    readonly litigationMonths: number;
    /** …or this many days after a reconsideration result. */
    readonly litigationAfterReconsiderationDays: number;
  };
  /** D21: notifications to the worker. */
  readonly notifications: {
    /** A deadline of the worker's is announced this many days before it. */
    readonly reminderDaysBefore: number;
  };
  /** D9 */
  readonly benefits: {
    readonly disabilityLumpSumMonths: Readonly<Record<DisabilityGrade, number>>;
    readonly disabilityAllowancePercent: Readonly<Partial<Record<DisabilityGrade, number>>>;
    readonly nursingPercent: Readonly<Record<NursingLevel, number>>;
    readonly funeralMonths: number;
    readonly deathLumpSumYears: number;
    readonly dependantPercent: Readonly<Record<DependantRelation, number>>;
    readonly orphanOrAloneExtraPercent: number;
    readonly dependantCapPercentOfW: number;
    /** Relations whose pension ends in the month they reach this age. */
    readonly dependantAgeLimitYears: number;
    readonly ageLimitedRelations: readonly DependantRelation[];
    readonly livingAllowanceDuringTreatment: boolean;
    /** D16: a person receiving a monthly item is certified again this many months after the last time. */
    readonly certificationMonths: number;
  };
  /** D13: documents handed in online, and which ones a confirmation needs. */
  readonly documents: {
    readonly maxSizeBytes: number;
    /** How long a presigned upload (PUT) and a presigned download (GET) stay valid. */
    readonly uploadUrlSeconds: number;
    readonly downloadUrlSeconds: number;
    /** Required before a confirmation CONFIRMED or DEEMED, for every case. */
    readonly required: readonly string[];
    /** …plus these for a death case. */
    readonly requiredForDeath: readonly string[];
    /** …plus these when the confirmation's basis is the key. */
    readonly requiredForBasis: Readonly<Record<string, readonly string[]>>;
    /** A fast-track case (D7: out-patient minor injury) needs only these. */
    readonly requiredForFastTrack: readonly string[];
  };
  /** D9: statutory retirement age, 2025 gradual reform. v1 treats women as 55-age posts. */
  readonly retirement: {
    readonly male: RetirementScheme;
    readonly female55: RetirementScheme;
    readonly female50: RetirementScheme;
    readonly femaleSchemeUsed: 'female55' | 'female50';
  };
}

const PILOT_2022: RuleTable = {
  id: 'statutory-2022-07-01',
  effectiveFrom: '2022-07-01',
  source: '人社部发〔2021〕110号 pilot from 2022-07-01; decisions D1–D12',
  industries: { chargedAs: {}, alsoAcceptedBy: {} },
  orders: { futureToleranceMinutes: 5 },
  documents: {
    maxSizeBytes: 20 * 1024 * 1024,
    uploadUrlSeconds: 15 * 60,
    downloadUrlSeconds: 5 * 60,
    required: ['ID_PROOF', 'MEDICAL_DIAGNOSIS', 'ACCIDENT_STATEMENT'],
    requiredForDeath: ['DEATH_CERTIFICATE', 'KINSHIP_PROOF'],
    requiredForBasis: { ORDER_TASK_TRAFFIC: ['POLICE_REPORT'], ORDER_TASK_VIOLENCE: ['POLICE_REPORT'] },
    requiredForFastTrack: ['ID_PROOF', 'MEDICAL_DIAGNOSIS'],
  },
  coverage: { queryLookbackHours: 24 },
  application: {
    workingDays: { platform: 3 },
    calendarDays: { worker: 30, relative: 30, union: 30 },
  },
  confirmation: { dueDays: 60, fastTrackMaxInpatientDays: 0, suddenIllnessDeathWithinHours: 48 },
  assessment: { dueDays: 60, extensionDays: 30, reassessmentWindowDays: 15, reviewAfterMonths: 12 },
  appeals: { reconsiderationDays: 60, litigationMonths: 6, litigationAfterReconsiderationDays: 15 },
  notifications: { reminderDaysBefore: 3 },
  benefits: {
    disabilityLumpSumMonths: { 1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7 },
    disabilityAllowancePercent: { 1: 90, 2: 85, 3: 80, 4: 75 },
    nursingPercent: { FULL: 50, MAJOR: 40, PARTIAL: 30 },
    funeralMonths: 6,
    deathLumpSumYears: 20,
    dependantPercent: { spouse: 40, child: 30, parent: 30, grandparent: 30, grandchild: 30, sibling: 30 },
    orphanOrAloneExtraPercent: 10,
    dependantCapPercentOfW: 100,
    dependantAgeLimitYears: 18,
    ageLimitedRelations: ['child', 'grandchild', 'sibling'],
    livingAllowanceDuringTreatment: false,
    certificationMonths: 12,
  },
  retirement: {
    male: { baseAgeMonths: 720, reformStartMonth: '2025-01', birthMonthsPerStep: 4, maxExtraMonths: 36 },
    female55: { baseAgeMonths: 660, reformStartMonth: '2025-01', birthMonthsPerStep: 4, maxExtraMonths: 36 },
    female50: { baseAgeMonths: 600, reformStartMonth: '2025-01', birthMonthsPerStep: 2, maxExtraMonths: 60 },
    femaleSchemeUsed: 'female55',
  },
};

const EXPANSION_2025: RuleTable = {
  ...PILOT_2022,
  id: 'statutory-2025-07-01',
  effectiveFrom: '2025-07-01',
  source: '人社部发〔2025〕24号 (revised 办法) and 人社厅函〔2025〕79号, expansion from 2025-07-01; decisions D1–D12',
  industries: {
    chargedAs: { FOOD_DELIVERY: 'INSTANT_DELIVERY' },
    alsoAcceptedBy: { INSTANT_DELIVERY: ['FOOD_DELIVERY'] },
  },
};

/** All table versions, oldest first. */
export const RULE_TABLES: readonly RuleTable[] = [PILOT_2022, EXPANSION_2025];

/**
 * The rule table in force on `date` (YYYY-MM-DD): the latest version with `effectiveFrom ≤ date`. Dates
 * before the first version (before the pilot) use the first version, so every computation stays total.
 */
export function ruleTableOn(date: string): RuleTable {
  let found = RULE_TABLES[0]!;
  for (const table of RULE_TABLES) if (table.effectiveFrom <= date) found = table;
  return found;
}

/** The newest table version (for rules that do not depend on a date, e.g. retirement by birth cohort). */
export function latestRuleTable(): RuleTable {
  return RULE_TABLES[RULE_TABLES.length - 1]!;
}

/** The table with this id, or undefined. */
export function ruleTableById(id: string): RuleTable | undefined {
  return RULE_TABLES.find((t) => t.id === id);
}
