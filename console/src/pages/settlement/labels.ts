/** The Chinese names of D19's codes and a credit record's structured fact in words. */
import { yuan } from '../../format.ts';

export const DECLARATION_STATUS: Readonly<Record<string, string>> = { OPEN: '未关账', CLOSED: '已关账', REOPENED: '已重新开放' };

export const CREDIT_TYPE: Readonly<Record<string, string>> = { UNPAID_CONTRIBUTIONS: '未按期足额缴费', LATE_INJURY_REPORT: '未按时报告职业伤害' };

export const CREDIT_STATUS: Readonly<Record<string, string>> = { open: '未消除', resolved: '已消除' };

export const INJURY_KIND: Readonly<Record<string, string>> = { injury: '受伤', death: '死亡' };

export type CreditFact = { month: string; dueOn: string; totalFen: number } | { caseId: string; dueOn: string; filedOn: string };

/** A record's fact as a sentence: what was due, by when, and what happened. */
export function factText(fact: CreditFact): string {
  if ('month' in fact) return `${fact.month} 月账单应缴 ${yuan(fact.totalFen)} 元，缴费截止日 ${fact.dueOn}，关账时未缴清。`;
  return `案件 ${fact.caseId} 的职业伤害应于 ${fact.dueOn} 前报告，平台于 ${fact.filedOn} 才报告。`;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Roles that may read a platform's monthly bill (the API refuses the others with 403). */
export const BILL_ROLES = ['admin', 'platform'] as const;
/** Roles that may read a platform's employment report. */
export const REPORT_ROLES = ['platform', 'handler', 'reviewer', 'assessor', 'admin'] as const;
/** Roles that may read credit records (a platform its own). */
export const CREDIT_ROLES = ['platform', 'handler', 'reviewer', 'assessor', 'admin'] as const;
/** Staff who list and answer assistance requests (D18). */
export const ASSISTANCE_ROLES = ['handler', 'reviewer', 'assessor', 'admin'] as const;
