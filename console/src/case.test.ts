/** The case page's pure parts: which forms it offers, how a benefit line's basis reads, what a file declares. */
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStep } from '../../core/case-record.ts';
import { acceptsStep, STEP_ROLES } from '../../core/case-steps.ts';
import { actorName, basisParts, timelineAction } from './case-labels.ts';
import { contentTypeOf } from './documents.ts';
import { offeredSteps } from './steps.ts';

const sorted = (steps: Set<CaseStep>) => [...steps].sort();

describe('offeredSteps', () => {
  it('offers a handler of a case under review its confirmation, expenses, suspension, documents, payee and appeals', () => {
    expect(sorted(offeredSteps('handler', { status: 'UNDER_REVIEW' }))).toEqual(
      ['appeal', 'confirmation', 'document-upload', 'document-waiver', 'document-withdrawal', 'expenses', 'payee', 'suspension'].sort(),
    );
  });

  it('offers an appeal in every status, and its result only while an appeal is open (D17)', () => {
    expect(offeredSteps('handler', { status: 'NOT_CONFIRMED' }).has('appeal')).toBe(true);
    expect(offeredSteps('handler', { status: 'PAID' }).has('appeal-result')).toBe(false);
    expect(offeredSteps('handler', { status: 'PAID', appeals: [{ result: 'UPHELD' }] }).has('appeal-result')).toBe(false);
    expect(offeredSteps('handler', { status: 'PAID', appeals: [{ result: 'UPHELD' }, {}] }).has('appeal-result')).toBe(true);
  });

  it('offers resumption instead of suspension while the case is suspended', () => {
    const steps = offeredSteps('handler', { status: 'UNDER_REVIEW', suspended: { since: '2026-12-01T00:00:00+08:00', reason: '等待公安认定' } });
    expect(steps.has('resumption')).toBe(true);
    expect(steps.has('suspension')).toBe(false);
  });

  it('offers a reviewer the payee confirmation only while a change waits for one', () => {
    expect(offeredSteps('reviewer', { status: 'PAID' }).has('payee-confirmation')).toBe(false);
    expect(offeredSteps('reviewer', { status: 'PAID', pendingPayee: { name: '张*' } }).has('payee-confirmation')).toBe(true);
  });

  it('offers life events and certifications only once a calculation was approved (D16)', () => {
    expect(offeredSteps('handler', { status: 'AWAITING_APPROVAL' }).has('life-event')).toBe(false);
    const approved = offeredSteps('handler', { status: 'AWAITING_APPROVAL', certification: [] });
    expect(approved.has('life-event')).toBe(true);
    expect(approved.has('certification')).toBe(true);
  });

  it('never offers a step the API refuses to the role or in the status (core/case-steps.ts)', () => {
    for (const status of CASE_STATUSES)
      for (const role of ['handler', 'reviewer', 'assessor', 'finance', 'admin', 'worker', 'platform'])
        for (const step of offeredSteps(role, { status, suspended: {}, pendingPayee: {}, certification: [], appeals: [{}] })) {
          expect(acceptsStep(status, step), `${status} ${step}`).toBe(true);
          expect(STEP_ROLES[step] as readonly string[], `${role} ${step}`).toContain(role);
        }
  });

  it('offers finance and administrators no case step', () => {
    expect(offeredSteps('finance', { status: 'APPROVED', certification: [] }).size).toBe(0);
    expect(offeredSteps('admin', { status: 'UNDER_REVIEW' }).size).toBe(0);
  });
});

describe('basisParts', () => {
  it('reads a disability line: the wage in 元 with its version, then grade and months', () => {
    expect(basisParts({ W: 1_200_000, WVersion: 'averageMonthlyWageFen@province=110000@2024-01-01', grade: 7, months: 13 })).toEqual([
      '上年度职工月平均工资 12,000.00 元（版本 averageMonthlyWageFen@province=110000@2024-01-01）',
      '伤残等级 7',
      '月数 13',
    ]);
  });

  it('names relations, flags and amounts in fen, and keeps keys it does not know', () => {
    expect(basisParts({ relation: 'spouse', orphanOrAlone: false, capFen: 123_456, capped: true, future: 'x' })).toEqual([
      '关系 配偶',
      '孤儿或孤寡老人 否',
      '封顶额 1,234.56 元',
      '已封顶 是',
      'future x',
    ]);
  });
});

describe('actorName', () => {
  it('names the system actors and shows a person as their identity', () => {
    expect(actorName('workflow')).toBe('系统（案件流程）');
    expect(actorName('payment-run')).toBe('系统（按月支付）');
    expect(actorName('handler-1')).toBe('handler-1');
  });
});

describe('timelineAction', () => {
  it('names the later actions, the first ones, and shows an unknown one as it is', () => {
    expect(timelineAction('approval.return')).toBe('复核退回');
    expect(timelineAction('assessment.review.recorded')).toBe('登记复查鉴定结论');
    expect(timelineAction('case.opened')).toBe('受理申请');
    expect(timelineAction('something.new')).toBe('something.new');
  });
});

describe('contentTypeOf', () => {
  it('takes the browser type, else the extension, and nothing the API refuses', () => {
    expect(contentTypeOf({ name: 'a.bin', type: 'image/png' })).toBe('image/png');
    expect(contentTypeOf({ name: '诊断证明.PDF', type: '' })).toBe('application/pdf');
    expect(contentTypeOf({ name: 'photo.jpeg', type: '' })).toBe('image/jpeg');
    expect(contentTypeOf({ name: 'scan.jpg', type: '' })).toBe('image/jpeg');
    expect(contentTypeOf({ name: 'scan.png', type: '' })).toBe('image/png');
    expect(contentTypeOf({ name: 'notes.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })).toBeUndefined();
  });
});
