/**
 * A rider on a phone (issue 16, riders): Debian chromium at 375 px against the local stack in-process (DynamoDB
 * Local, the Step Functions runner, the local S3 for documents, the domain events for the inbox). A rider signs
 * in, applies through the guided flow (the covering order proposed from their own orders), hands in a photo
 * and sees the missing list shrink; a late application asks for its explanation; once staff have decided and
 * the bank has paid (through the API), the rider sees the decision, the benefit lines, the payment and the
 * inbox's messages, on a new phone that remembers nothing (我的案件 is the API's list of the rider's reports: a
 * report not yet applied for shows its deadline); a rider receiving a monthly benefit certifies themself. Every page: no console error, no
 * failed request, axe with no serious or critical violation, no horizontal scrolling, a `rider-…-375` screenshot.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yuan } from '../../console/src/format.ts';
import { type LocalEvents, localEvents } from '../../local/events/index.ts';
import { localS3 } from '../../local/s3.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import {
  approve,
  handInDocuments,
  openedCase,
  orderAround,
  PROVINCE,
  payMinorInjury,
  registerWorker,
  settleByBank,
  setUpWorld,
  waitForCase,
  waitForStatus,
  type Worker,
  type World,
} from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { launch } from './browser.ts';
import { checkedPhone, openPhone, signInRider } from './rider-helpers.ts';

let stack: TestStack;
let world: World;
let browser: Browser;
let events: LocalEvents;

/** The first rider's case, opened in the browser by the first test and followed by the later ones. */
let rider: Worker;
let caseId: string;

/** A real PNG (a grey gradient): its magic number is what the check after upload reads. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = Math.floor((255 * x) / width);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `2026-12-07T08:30` as a phone's date-time field in Beijing shows `at`. */
const beijingLocal = (at: Date) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .format(at)
    .replace(' ', 'T');

/** The case ids of a worker's reports, newest first, as the API lists them to the worker. */
const casesListed = async (worker: Worker) =>
  ((await stack.api('GET', `/v1/workers/${worker.workerId}/injury-reports`, { token: worker.token })).body.items as { caseId?: string }[]).flatMap((r) =>
    r.caseId ? [r.caseId] : [],
  );
const caseOf = async (id: string) => (await stack.api('GET', `/v1/cases/${id}`, { token: world.tokens.handler })).body;
const inboxOf = async (worker: Worker) =>
  (await stack.api('GET', `/v1/workers/${worker.workerId}/notifications`, { token: worker.token })).body.items as {
    kind: string;
    text: string;
    caseId?: string;
  }[];

beforeAll(async () => {
  events = localEvents({ retryCompression: 1_000_000, pollIntervalMs: 50 });
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 }), localS3(), events] });
  world = await setUpWorld(
    (m, p, o) => stack.api(m, p, o),
    (c) => stack.token(c),
  );
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a rider on a 375 px phone', () => {
  it('applies through the guided flow with the covering order proposed, and hands in a photo: the missing list shrinks', async () => {
    rider = await registerWorker(world);
    const at = new Date(Date.now() - 30 * 60_000);
    const orderId = await orderAround(world, rider, at);
    const w = await openPhone(browser, stack.url);
    const { page } = w;
    await signInRider(w, rider.workerId);
    await page.getByText('还没有案件').waitFor();
    await checkedPhone(w, '01-my-cases-empty');

    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我要申请' }).click();
    await page.getByRole('heading', { level: 1, name: '我要申请' }).waitFor();
    // Nothing typed: the step says what is missing and does not move on.
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByText('请填写受伤时间').waitFor();
    await page.getByLabel('受伤时间（北京时间）').fill(beijingLocal(at));
    await page.getByLabel('受伤地点').fill('朝阳区建国路 88 号附近');
    await checkedPhone(w, '02-apply-when');
    await page.getByRole('button', { name: '下一步' }).click();

    // The order covering that moment, found from the rider's own enrolment days and coverage, proposed and chosen.
    const proposed = page.getByRole('radio', { name: new RegExp(`订单 ${orderId}`) });
    await proposed.waitFor({ state: 'attached' });
    await expect.poll(() => proposed.isChecked()).toBe(true);
    await page.getByText('受伤时有进行中的订单，在保障范围内').waitFor();
    await checkedPhone(w, '03-apply-order');
    await page.getByRole('button', { name: '下一步' }).click();

    await page.getByLabel('受伤经过').fill('送餐途中电动车被撞倒，右腿受伤，已到医院就诊。');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('收款人姓名（本人）').fill('张三');
    await page.getByLabel('银行卡号').fill('6222 0202 0011 2230');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('请阅读并勾选同意').waitFor();
    await page.getByRole('checkbox').check();
    await checkedPhone(w, '04-apply-payee');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交').waitFor({ timeout: 15_000 });

    // The case: the rider's own, applied as `worker`, on the proposed order.
    caseId = (await casesListed(rider))[0]!;
    await page.getByText(`案件编号 ${caseId}`).waitFor();
    const opened = await caseOf(caseId);
    expect(opened).toMatchObject({ workerId: rider.workerId, late: false, coverage: { covered: true, orderId } });
    expect(opened.timeline[0]).toMatchObject({ actor: `worker-${rider.workerId}` });
    const missing = opened.checklist.missing as string[];
    expect(missing).toContain('ID_PROOF');
    expect(missing.length).toBeGreaterThan(1);
    await page.getByText(`还缺 ${missing.length} 项材料`).waitFor();
    await checkedPhone(w, '05-apply-documents');

    // From the camera (capture) or the files; the bytes go to the bucket with the upload's progress shown.
    const camera = page.getByLabel('拍照上传身份证明');
    expect(await camera.getAttribute('capture')).toBe('environment');
    expect(await camera.getAttribute('accept')).toBe('image/*,application/pdf');
    let releaseUpload!: () => void;
    const held = new Promise<void>((resolve) => {
      releaseUpload = resolve;
    });
    await page.route(
      (url) => url.searchParams.has('X-Amz-Signature'),
      async (route) => {
        if (route.request().method() === 'PUT') await held;
        await route.continue();
      },
    );
    await page.getByLabel('选择文件上传身份证明').setInputFiles({ name: '身份证.png', mimeType: 'image/png', buffer: png(480, 240) });
    await page.getByRole('status').filter({ hasText: '正在上传' }).waitFor();
    await page.getByLabel('身份证明上传进度').waitFor();
    await w.shot('rider-06-uploading', 375);
    await page.setViewportSize({ width: 375, height: 800 });
    releaseUpload();
    await page.getByText('身份证明已上传并通过校验').waitFor({ timeout: 20_000 });
    await page.getByText(`还缺 ${missing.length - 1} 项材料`).waitFor();
    expect(await page.getByLabel('拍照上传身份证明').count()).toBe(0);
    const after = await caseOf(caseId);
    expect(after.checklist.missing).toEqual(missing.filter((t) => t !== 'ID_PROOF'));
    expect(after.documents.find((d: any) => d.fileName === '身份证.png')).toMatchObject({
      type: 'ID_PROOF',
      status: 'AVAILABLE',
      uploadedBy: `worker-${rider.workerId}`,
    });
    await checkedPhone(w, '07-apply-uploaded');

    await page.getByRole('link', { name: '查看我的案件' }).click();
    await page.getByText('已受理，正在审核是否属于职业伤害').waitFor();
    await page.getByText(`还缺 ${missing.length - 1} 项材料`).waitFor();
    await checkedPhone(w, '08-case-under-review');
    await w.close();
  });

  it('asks for the late explanation when the API says the application is late, then applies', async () => {
    const late = await registerWorker(world);
    const at = new Date(Date.now() - 40 * 86_400_000);
    // 40 days ago may be in a month already closed (D19): an administrator reopens it for this platform's late orders (补报).
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(at).slice(0, 7);
    const reopened = await stack.api('POST', `/v1/platforms/${world.platformId}/declarations/${month}/reopening`, {
      token: world.tokens.admin,
      body: { reason: '补报：测试迟报的订单' },
    });
    // 200: it was closed and is reopened; 409 MONTH_NOT_CLOSED: it is still open. Either way its orders are accepted.
    expect([200, 409], JSON.stringify(reopened.body)).toContain(reopened.status);
    const orderId = await orderAround(world, late, at);
    const w = await openPhone(browser, stack.url);
    const { page } = w;
    w.expect(422, '/v1/cases');
    await signInRider(w, late.workerId);
    await page.goto('/apply');
    await page.getByLabel('受伤时间（北京时间）').fill(beijingLocal(at));
    await page.getByLabel('受伤地点').fill('海淀区中关村大街');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('radio', { name: new RegExp(`订单 ${orderId}`) }).waitFor({ state: 'attached' });
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('受伤经过').fill('取餐时在商场台阶摔倒。');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('收款人姓名（本人）').fill('张三');
    await page.getByLabel('银行卡号').fill('6222020200112230');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: '提交申请' }).click();
    // The API's 422 names lateExplanation: the field appears with the API's message next to it.
    const explanation = page.getByLabel('超期说明');
    await explanation.waitFor();
    await page.locator('#apply_lateExplanation_help').waitFor();
    expect(await page.locator('#apply_lateExplanation_help').textContent()).toMatch(/[\u4e00-\u9fff]/);
    await page.getByRole('alert').first().waitFor();
    await checkedPhone(w, '09-apply-late');
    await explanation.fill('受伤后住院治疗一个多月，出院后才知道可以申请。');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交').waitFor({ timeout: 15_000 });
    const lateCase = await caseOf((await casesListed(late))[0]!);
    expect(lateCase).toMatchObject({ workerId: late.workerId, late: true });
    w.assertClean();
    await w.close();
  });

  it('later sees the decision, the benefit lines, the payment and the inbox messages (on another phone: the API lists the cases)', async () => {
    // Staff through the API: the rest of the documents waived, confirmed, approved, paid by the bank.
    await handInDocuments(world, caseId, 'waive');
    await payMinorInjury(world, caseId);
    await settleByBank(world, caseId);
    await waitForStatus(world, caseId, 'PAID');
    const benefits = (await stack.api('GET', `/v1/cases/${caseId}/benefits`, { token: rider.token })).body;
    const payments = (await caseOf(caseId)).payments as { amountFen: number; status: string }[];
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.every((p) => p.status === 'PAID')).toBe(true);
    await expect.poll(async () => (await inboxOf(rider)).some((n) => n.kind === 'PAYMENT_SENT'), { timeout: 20_000 }).toBe(true);
    await events.settled();
    const inbox = await inboxOf(rider);

    // A second injury reported (by the rider's platform) but not yet applied for.
    const pending = await stack.api('POST', '/v1/injury-reports', {
      token: world.tokens.platform,
      body: {
        platformId: world.platformId,
        platformWorkerId: rider.platformWorkerId,
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
        province: PROVINCE,
        place: '朝阳区三里屯',
        description: '取餐时被门夹伤手指',
      },
    });
    expect(pending.status, JSON.stringify(pending.body)).toBe(201);
    const listed = (await stack.api('GET', `/v1/workers/${rider.workerId}/injury-reports`, { token: rider.token })).body.items as {
      reportId: string;
      applicationDue: { date: string };
    }[];

    const w = await openPhone(browser, stack.url);
    const { page } = w;
    await signInRider(w, rider.workerId);
    // A new phone remembers nothing: the cases come from the API's list of the rider's reports.
    const link = page.getByRole('link', { name: new RegExp(caseId) }).filter({ hasText: '待遇已支付' });
    await link.waitFor();
    const notYet = page.locator('.rider-card').filter({ hasText: `报案编号 ${pending.body.reportId}` });
    await notYet.filter({ hasText: '已报案，尚未申请待遇' }).waitFor();
    expect(await notYet.textContent()).toContain(`申请期限 ${listed.find((r) => r.reportId === pending.body.reportId)!.applicationDue.date}`);
    await checkedPhone(w, '10-my-cases');
    await link.click();
    await page.getByText('待遇已支付').first().waitFor();
    await page.getByText('材料已齐全，无需补交。').waitFor();
    await page.getByText('确认为职业伤害').waitFor();
    // The benefit lines as the API computed them, in 元, with how they were computed.
    const lines = page
      .getByRole('list', { name: '待遇明细' })
      .getByRole('listitem')
      .filter({ has: page.locator('details') });
    await expect.poll(() => lines.count()).toBe(benefits.lines.length);
    for (const line of benefits.lines)
      await page
        .getByText(`${yuan(line.amountFen)} 元`)
        .first()
        .waitFor();
    await page.getByText('怎么算的').first().click();
    await page.getByText('目录内费用项数').first().waitFor();
    // Every payment with its status.
    const paid = page.getByRole('list', { name: '支付记录' }).getByRole('listitem');
    await expect.poll(() => paid.count()).toBe(payments.length);
    await expect.poll(() => paid.filter({ hasText: '已到账' }).count()).toBe(payments.length);
    for (const p of payments)
      await paid
        .filter({ hasText: `${yuan(p.amountFen)} 元` })
        .first()
        .waitFor();
    // Every deadline of the case.
    const deadlines = Object.keys((await caseOf(caseId)).deadlines);
    await expect.poll(() => page.getByRole('list', { name: '期限' }).getByRole('listitem').count()).toBe(deadlines.length);
    await checkedPhone(w, '11-case-paid');

    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '消息' }).click();
    await page.getByRole('heading', { level: 1, name: '消息' }).waitFor();
    const messages = page.getByRole('list', { name: '消息列表' }).getByRole('listitem');
    await expect.poll(() => messages.count()).toBe(inbox.length);
    expect(inbox.map((n) => n.kind)).toEqual(expect.arrayContaining(['CASE_OPENED', 'DOCUMENTS_MISSING', 'DECISION', 'PAYMENT_SENT']));
    for (const n of inbox) await messages.filter({ hasText: n.text }).first().waitFor();
    await page.getByText('待遇已发放').first().waitFor();
    await checkedPhone(w, '12-inbox');

    // The report the platform filed: the rider applies on it from 我的案件 (only the payee and consent asked).
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '我的案件' }).click();
    await page.getByRole('link', { name: `为报案 ${pending.body.reportId} 申请待遇` }).click();
    await page.getByText(`为报案 ${pending.body.reportId} 申请待遇`).waitFor();
    await page.getByLabel('收款人姓名（本人）').fill('张三');
    await page.getByLabel('银行卡号').fill('6222 0202 0011 2230');
    await page.getByRole('checkbox').check();
    await checkedPhone(w, '12b-apply-on-report');
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('申请已提交').waitFor({ timeout: 15_000 });
    const onReport = (
      (await stack.api('GET', `/v1/workers/${rider.workerId}/injury-reports`, { token: rider.token })).body.items as { reportId: string; caseId?: string }[]
    ).find((r) => r.reportId === pending.body.reportId)!;
    expect(onReport.caseId).toEqual(expect.any(String));
    expect((await caseOf(onReport.caseId!)).timeline[0]).toMatchObject({ actor: `worker-${rider.workerId}` });
    await w.close();
  });

  it('files an appeal against a decision from the phone, sees its due date, and is told in Chinese why a second is refused (D17)', async () => {
    const w = await openPhone(browser, stack.url);
    const { page } = w;
    w.expect(409, `/v1/cases/${caseId}/appeals`);
    await signInRider(w, rider.workerId);
    await page.goto(`/me/cases/${caseId}`);
    const section = page.getByRole('region', { name: '申诉' });
    await section.getByRole('button', { name: '提交申诉' }).waitFor();
    // The case has been confirmed, assessed as needed and its benefits approved: each decision may be appealed.
    await section.getByText('职业伤害确认', { exact: true }).click();
    await section.getByText('行政复议', { exact: true }).click();
    await section.getByRole('button', { name: '提交申诉' }).click();
    const filed = section.getByRole('list', { name: '我的申诉' }).getByRole('listitem');
    await filed.first().waitFor();
    // What the page shows is what the API recorded.
    const appeal = ((await caseOf(caseId)).appeals as any[]).at(-1);
    expect(appeal).toMatchObject({ kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedByRole: 'worker', late: false });
    expect(await filed.first().textContent()).toContain(`期限 ${appeal.due.date}`);
    await filed.first().getByText('处理中').waitFor();
    // The same decision again while the first is open: the API's 409, said in Chinese on the page.
    await section.getByText('职业伤害确认', { exact: true }).click();
    await section.getByRole('button', { name: '提交申诉' }).click();
    await section.getByRole('alert').filter({ hasText: '未决' }).waitFor();
    expect(((await caseOf(caseId)).appeals as any[]).length).toBe(1);
    await checkedPhone(w, '14-appeal');
    await w.close();
  });

  it('lets a rider receiving a monthly benefit certify themself once a year (D16)', async () => {
    const { caseId: monthlyCase, worker } = await openedCase(world);
    expect(
      (
        await stack.api('POST', `/v1/cases/${monthlyCase}/confirmation`, {
          token: world.tokens.handler,
          body: { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true },
        })
      ).status,
    ).toBe(202);
    await waitForStatus(world, monthlyCase, 'AWAITING_ASSESSMENT');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(
      (
        await stack.api('POST', `/v1/cases/${monthlyCase}/assessment`, {
          token: world.tokens.assessor,
          body: { grade: 2, nursing: 'FULL', concludedOn: today },
        })
      ).status,
    ).toBe(202);
    await waitForStatus(world, monthlyCase, 'AWAITING_APPROVAL');
    expect((await approve(world, monthlyCase)).status).toBe(202);
    const approved = await waitForStatus(world, monthlyCase, 'APPROVED');
    const due = approved.certification.find((r: any) => r.person === 'worker');
    expect(due).toMatchObject({ lapsed: false });

    const w = await openPhone(browser, stack.url);
    const { page } = w;
    await signInRider(w, worker.workerId);
    await page.goto(`/me/cases/${monthlyCase}`);
    await page.getByRole('heading', { name: '年度资格认证' }).waitFor();
    await page.getByText(`认证期限：${due.dueOn}`).waitFor();
    await page.getByText('伤残 2 级').waitFor();
    await page.getByText('/月').first().waitFor();
    await checkedPhone(w, '13-certification');
    await page.getByRole('button', { name: '本人认证' }).click();
    await page.getByText('资格认证已完成').waitFor();
    const c = await waitForCase(world, monthlyCase, (x) => x.timeline.some((t: any) => t.action === 'certification.recorded'));
    expect(c.timeline.find((t: any) => t.action === 'certification.recorded')).toMatchObject({ actor: `worker-${worker.workerId}` });
    w.assertClean();
    await w.close();
  });
});
