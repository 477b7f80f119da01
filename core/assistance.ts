/**
 * Assistance between provinces (D18, contract "Appeals and assistance" and "Provinces"): the deciding
 * province's handler asks another province's staff for help; they see the request with the case's
 * non-personal facts only (case id, injury date, place, kind) and answer it. The request carries a copy
 * of those facts, so the assisting staff never read the case itself (it stays 404 to them).
 */
import type { CaseRecord } from './case-record.ts';
import { shanghaiDate } from './time.ts';

export interface AssistanceRequest {
  readonly requestId: string;
  readonly caseId: string;
  /** The deciding province (the case's). */
  readonly fromProvince: string;
  /** The province asked for help. */
  readonly province: string;
  readonly task: string;
  /** The case's non-personal facts (D18): injury date, place, kind. */
  readonly occurredOn: string;
  readonly place: string;
  readonly kind: CaseRecord['kind'];
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly answer?: string;
  readonly answeredBy?: string;
  readonly answeredAt?: string;
}

export interface AssistanceRefusal {
  readonly code: 'VALIDATION_FAILED' | 'ASSISTANCE_ANSWERED';
  readonly message: string;
  readonly messageEn: string;
  readonly fields?: readonly { readonly path: string; readonly message: string }[];
}

export type AssistanceOutcome = { readonly ok: true; readonly request: AssistanceRequest } | { readonly ok: false; readonly refusal: AssistanceRefusal };

/** A request for help to another province's staff; one's own province is not "another" (400, path `province`). */
export function requestAssistance(
  record: Pick<CaseRecord, 'caseId' | 'province' | 'occurredAt' | 'kind'>,
  place: string,
  input: { readonly requestId: string; readonly province: string; readonly task: string },
  ctx: { readonly actor: string; readonly now: Date },
): AssistanceOutcome {
  if (input.province === record.province) {
    const message = `协查须发往其他省份：本案属于 ${record.province}。`;
    return {
      ok: false,
      refusal: { code: 'VALIDATION_FAILED', message, messageEn: 'Assistance is asked of another province.', fields: [{ path: 'province', message }] },
    };
  }
  return {
    ok: true,
    request: {
      requestId: input.requestId,
      caseId: record.caseId,
      fromProvince: record.province,
      province: input.province,
      task: input.task,
      occurredOn: shanghaiDate(record.occurredAt),
      place,
      kind: record.kind,
      requestedBy: ctx.actor,
      requestedAt: ctx.now.toISOString(),
    },
  };
}

/** The assisting province's answer, once (a second one → 409). */
export function answerAssistance(request: AssistanceRequest, answer: string, ctx: { readonly actor: string; readonly now: Date }): AssistanceOutcome {
  if (request.answer !== undefined)
    return { ok: false, refusal: { code: 'ASSISTANCE_ANSWERED', message: `协查请求 ${request.requestId} 已经答复。`, messageEn: 'Already answered.' } };
  return { ok: true, request: { ...request, answer, answeredBy: ctx.actor, answeredAt: ctx.now.toISOString() } };
}

/** What staff see of a request (contract): the request and the case's non-personal facts, nothing else. */
export const assistanceView = (r: AssistanceRequest) => ({
  requestId: r.requestId,
  caseId: r.caseId,
  fromProvince: r.fromProvince,
  province: r.province,
  task: r.task,
  occurredOn: r.occurredOn,
  place: r.place,
  kind: r.kind,
  requestedAt: r.requestedAt,
  ...(r.answer !== undefined ? { answer: r.answer, answeredAt: r.answeredAt } : {}),
});
