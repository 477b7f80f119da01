/**
 * Builders for the bank-batch tests (D15), through the real API: a minor injury approved with its one-off
 * payment INSTRUCTED to a payee given at opening (with or without the payee's bank), finance tokens, and a
 * reader of the bank file's CSV.
 */
import { expect } from 'vitest';
import { approve, handInDocuments, openCaseBody, orderAround, registerWorker, report, waitForStatus, type World } from './cases-fixtures.ts';

/** The payee every fixture case pays (the registered worker's name; a card number that passes Luhn). */
export const PAYEE = { name: '张三', bankAccount: '6222020200112230', bankName: '工商银行北京朝阳支行', bankCode: '102100000030' } as const;

export const financeToken = (world: World, sub = 'finance-1', provinces = ['110000']) => world.mint({ role: 'finance', sub, provinces });

export interface ApprovedCase {
  readonly caseId: string;
  /** The approval's payment (INSTRUCTED). */
  readonly paymentId: string;
  readonly amountFen: number;
}

/**
 * A minor injury through the API to APPROVED: opened by the platform with its payee (`bank: false` — as
 * the contract's opening has it, without the payee's bank), documents waived, out-patient expenses of `expensesFen`
 * (handler 2), confirmed without assessment (handler 1), approved by a reviewer: one INSTRUCTED payment.
 */
export async function approvedMinor(world: World, expensesFen: number, options: { bank?: boolean } = {}): Promise<ApprovedCase> {
  const { api, tokens } = world;
  const at = new Date(Date.now() - 30 * 60_000);
  const worker = await registerWorker(world);
  await orderAround(world, worker, at);
  const r = await report(world, worker, at);
  expect(r.status).toBe(201);
  const payee = options.bank === false ? { name: PAYEE.name, bankAccount: PAYEE.bankAccount } : PAYEE;
  const opened = await api('POST', '/v1/cases', { token: tokens.platform, body: openCaseBody(r.body.reportId, 'injury', 'platform', { payee }) });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const caseId = opened.body.caseId as string;
  await handInDocuments(world, caseId);
  const expenses = { items: [{ description: '门诊', amountFen: expensesFen, inCatalogue: true }], inpatientDays: 0 };
  expect((await api('POST', `/v1/cases/${caseId}/expenses`, { token: tokens.handler2, body: expenses })).status).toBe(202);
  const confirmation = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false };
  expect((await api('POST', `/v1/cases/${caseId}/confirmation`, { token: tokens.handler, body: confirmation })).status).toBe(202);
  await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
  expect((await approve(world, caseId)).status).toBe(202);
  const c = await waitForStatus(world, caseId, 'APPROVED');
  expect(c.payments).toHaveLength(1);
  expect(c.payments[0]).toMatchObject({ status: 'INSTRUCTED', amountFen: expensesFen });
  return { caseId, paymentId: c.payments[0].paymentId, amountFen: expensesFen };
}

/** The rows of a CSV bank file (RFC 4180 without quoted fields, which the fixtures never need), header first. */
export const csvRows = (text: string): string[][] => {
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => line.split(','));
};
