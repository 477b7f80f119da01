/**
 * The cases table's item types and keys (docs/cases.md), shared by its repositories: reports, cases
 * (with their timeline and payments), the workflow's task tokens and payment runs.
 *
 *   REPORT#{reportId} / REPORT            the report with its coverage verdict and order snapshot (D11);
 *                                          `caseId` is set once (conditional) when a case opens → one case per report
 *   CASE#{caseId} / CASE                  the case aggregate; `version` guards every transition (optimistic concurrency)
 *                                          GSI byStatus  gsi1pk STATUS#{status}   gsi1sk {province}#{openedAt}#{caseId}
 *                                          GSI byProvince gsi2pk PROVINCE#{province} gsi2sk {openedAt}#{caseId}
 *   CASE#{caseId} / EVENT#{version}        timeline event written in the same transaction as the transition (append-only)
 *   CASE#{caseId} / EVENT#PAY#{key}        timeline event of a payment-run payment
 *   CASE#{caseId} / PAYMENT#{key}          a payment; key = APPROVAL#{calculationId} or MONTHLY#{month}#{calculationId}:
 *                                          put with attribute_not_exists, so each payment is created once
 *   CASE#{caseId} / TASK                   the task token the case workflow waits on
 *   CASE#{caseId} / DOC#{documentId}       an evidence document (D13): its declared type, size and status; the bytes are in S3
 *   RUN#{runId} / RUN                      a payment run: status, counters ADDed per case paid
 *   ASSIST#{requestId} / ASSIST            an assistance request to another province (D18), with the case's non-personal facts
 *                                          GSI byStatus  gsi1pk ASSIST-FROM#{fromProvince} gsi1sk {requestedAt}#{requestId}
 *                                          GSI byProvince gsi2pk ASSIST-TO#{province}      gsi2sk {requestedAt}#{requestId}
 */
export const reportKey = (reportId: string) => ({ pk: `REPORT#${reportId}`, sk: 'REPORT' });
export const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
export const taskKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'TASK' });
export const paymentKey = (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `PAYMENT#${key}` });
export const assistanceKey = (requestId: string) => ({ pk: `ASSIST#${requestId}`, sk: 'ASSIST' });
export const runKey = (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' });
export const eventSk = (version: number) => `EVENT#${String(version).padStart(8, '0')}`;
export const paymentEventSk = (key: string) => `EVENT#PAY#${key}`;

const KEY_ATTRS = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']);

/** The stored record without its key attributes. */
export const strip = <T>(item: Record<string, unknown>): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRS.has(k)) out[k] = v;
  return out as T;
};
export const documentKey = (caseId: string, documentId: string) => ({ pk: `CASE#${caseId}`, sk: `DOC#${documentId}` });
