/**
 * The case steps after the first decisions, in a real browser (issue 13): documents (upload through the
 * presigned PUT, preview, waiver, withdrawal), suspension and resumption, the assessment extension, a death
 * case's dependants, a returned calculation resubmitted, life events and certifications after approval, and
 * a payee change confirmed by a second person. The steps the tests do not show are set up through the API.
 * Every page: no console error, no failed request, no serious or critical axe violation, no horizontal
 * scrolling at 375 px, a screenshot.
 */
import { deflateSync, crc32 } from 'node:zlib';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3 } from '../../local/s3.ts';
import { localStepFunctions } from '../../local/stepfunctions/index.ts';
import { approve, openedCase, setUpWorld, uploadDocument, waitForCase, waitForStatus, type World } from '../integration/cases-fixtures.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { choose, launch, openPage, signIn, type Watched } from './browser.ts';
import { fitsPhone } from './phone.ts';

let stack: TestStack;
let world: World;
let browser: Browser;

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** A real PNG of `width`×`height` (a grey gradient): its magic number is what the check after upload reads. */
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
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rows[y * (width + 1) + 1 + x] = Math.floor((255 * x) / width);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const caseOf = async (caseId: string) => (await stack.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler })).body;

/** Every page's checks once it has settled. */
async function checked(w: Watched, name: string): Promise<void> {
  await w.page.waitForLoadState('networkidle');
  // antd's toasts fade in and out (axe measures a half-faded one at 2.4:1): check the page without them.
  await expect.poll(() => w.page.locator('.ant-message-notice').count(), { timeout: 10_000 }).toBe(0);
  await w.shot(name);
  await w.assertAccessible();
  await w.shot(name, 375);
  await fitsPhone(w.page);
  w.assertClean();
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/** Presses Tab until the focused element matches `selector` (the keyboard's way to a control); fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate(
      (sel) => (globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }).document.activeElement?.matches(sel) ?? false,
      selector,
    );
    if (there) return;
  }
  throw new Error(`${selector} not reached with ${max} presses of Tab`);
}

/** `choose` inside one part of the page (e.g. the second dependant), where the same label repeats. */
async function chooseIn(page: Page, scope: Locator, label: string, option: string | RegExp): Promise<void> {
  await scope.getByLabel(label, { exact: true }).click({ force: true });
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await open.locator('.ant-select-item-option', { hasText: option }).click();
  // The list closes with an animation: the next choice must not find this one still open.
  await expect.poll(() => open.count()).toBe(0);
}

beforeAll(async () => {
  stack = await startTestStack({ services: [localStepFunctions({ sweepIntervalMs: 0 }), localS3()] });
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

describe('documents and suspension, in chromium', () => {
  it('lets a handler upload a document to the bucket, preview it, waive and withdraw, suspend and resume', async () => {
    const { caseId } = await openedCase(world, { documents: 'none' });
    const before = await caseOf(caseId);
    expect(before.checklist.missing).toContain('ID_PROOF');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await heading(page).filter({ hasText: caseId }).waitFor();
    await page.getByText('缺件：').waitFor();

    // Upload: the presigned PUT goes from the browser to the (local) bucket; the check makes it AVAILABLE.
    const upload = page.getByRole('form', { name: '上传材料' });
    await choose(page, '材料类型', '身份证明');
    await upload.locator('input[type=file]').setInputFiles({ name: '身份证明.png', mimeType: 'image/png', buffer: png(240, 120) });
    await upload.getByRole('button', { name: '上传', exact: true }).click();
    await page.getByText('材料已上传并通过校验').waitFor({ timeout: 20_000 });
    const uploaded = (await caseOf(caseId)).documents.find((d: any) => d.fileName === '身份证明.png');
    expect(uploaded).toMatchObject({ type: 'ID_PROOF', status: 'AVAILABLE', contentType: 'image/png' });
    expect((await caseOf(caseId)).checklist.missing).not.toContain('ID_PROOF');
    await checked(w, 'steps-01-documents');

    // Preview: the bytes fetched through the presigned GET, shown from a blob: URL.
    await page.getByRole('button', { name: '预览 身份证明.png' }).click();
    const preview = page.getByRole('dialog', { name: '预览：身份证明.png' });
    await preview.waitFor();
    const image = preview.getByRole('img', { name: '身份证明' });
    await expect
      .poll(() =>
        image.evaluate(
          (img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth,
        ),
      )
      .toBe(240);
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await w.shot('steps-02-preview');
    await w.assertAccessible();
    await preview.getByRole('button', { name: 'Close' }).or(preview.getByLabel('Close')).first().click();

    // Waiver of a missing type, with the reason.
    const waiver = page.getByRole('form', { name: '免交材料' });
    const missing = (await caseOf(caseId)).checklist.missing[0];
    await waiver.getByLabel('免交理由').fill('纸质原件已核验');
    await waiver.getByRole('button', { name: '记录免交' }).click();
    await page.getByText('已记录免交').waitFor();
    await expect.poll(async () => (await caseOf(caseId)).checklist.waived.map((x: any) => x.type)).toContain(missing);

    // Withdrawal: kept on record as WITHDRAWN, with the reason.
    await page.getByRole('button', { name: '撤回 身份证明.png' }).click();
    const dialog = page.getByRole('dialog', { name: '撤回材料：身份证明.png' });
    await dialog.getByLabel('撤回原因').fill('上传错了文件');
    await dialog.getByRole('button', { name: '确认撤回' }).click();
    await page.getByText('已撤回：上传错了文件').waitFor();
    expect((await caseOf(caseId)).documents.find((d: any) => d.documentId === uploaded.documentId).status).toBe('WITHDRAWN');

    // Suspension and resumption of the confirmation.
    await page.getByRole('heading', { name: '中止认定' }).waitFor();
    await page.getByLabel('中止原因').fill('等待公安机关交通事故认定');
    await page.getByRole('button', { name: '中止认定' }).click();
    await page.getByText('已中止', { exact: true }).waitFor();
    expect((await caseOf(caseId)).suspended.reason).toBe('等待公安机关交通事故认定');
    await checked(w, 'steps-03-suspended');
    await page.getByRole('button', { name: '恢复认定' }).click();
    await expect.poll(async () => (await caseOf(caseId)).suspended).toBeUndefined();
    w.assertClean();
    await w.close();
  });

  it('shows a refused waiver in Chinese when another handler waived the type first (a 409 the page expects)', async () => {
    const { caseId } = await openedCase(world, { documents: 'none' });
    await stack.api('POST', `/v1/cases/${caseId}/document-waivers`, { token: world.tokens.handler, body: { type: 'ID_PROOF', reason: '原件已核验' } });
    const w = await openPage(browser, stack.url);
    const { page } = w;
    w.expect(409, `/v1/cases/${caseId}/document-waivers`);
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    const waiver = page.getByRole('form', { name: '免交材料' });
    await waiver.waitFor();
    // Another handler waives the type shown first while this page is open: the page's waiver is refused.
    const shown = (await caseOf(caseId)).checklist.missing[0];
    expect(
      (await stack.api('POST', `/v1/cases/${caseId}/document-waivers`, { token: world.tokens.handler2, body: { type: shown, reason: '原件已核验' } })).status,
    ).toBe(201);
    await waiver.getByLabel('免交理由').fill('纸质原件已核验');
    await waiver.getByRole('button', { name: '记录免交' }).click();
    const alert = waiver.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/已免于提交/);
    w.assertClean();
    await w.close();
  });
});

describe('the keyboard alone, in chromium', () => {
  it('lets a handler sign in, open a case from the queue and suspend it with the keyboard only', async () => {
    const { caseId } = await openedCase(world, { documents: 'none' });
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: '开发环境登录' }).waitFor();
    // The form starts as handler-1 of Beijing: Tab to the identity, retype it, Tab to 登录, Enter.
    await tabTo(page, 'input#sub');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('handler-kb');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '工作队列' }).waitFor();
    await page.getByText('handler-kb').first().waitFor();
    await page.waitForLoadState('networkidle');
    // From the queue to the case: Tab to its link, Enter.
    await tabTo(page, `a[href="/cases/${caseId}"]`, 200);
    await page.keyboard.press('Enter');
    await heading(page).filter({ hasText: caseId }).waitFor();
    await page.waitForLoadState('networkidle');
    // The suspension form: Tab to the reason, type it, Tab to its button, Enter.
    await tabTo(page, 'textarea#suspension_reason', 200);
    await page.keyboard.type('等待医院出具诊断证明');
    await tabTo(page, 'form#suspension button[type=submit]');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await caseOf(caseId)).suspended?.reason).toBe('等待医院出具诊断证明');
    expect((await caseOf(caseId)).timeline.find((t: any) => t.action === 'confirmation.suspended').actor).toBe('handler-kb');
    w.assertClean();
    await w.close();
  });
});

describe('assessment extension, in chromium', () => {
  it('lets an assessor extend the assessment once, with a reason (D8)', async () => {
    const { caseId } = await openedCase(world);
    const confirmation = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true };
    expect((await stack.api('POST', `/v1/cases/${caseId}/confirmation`, { token: world.tokens.handler, body: confirmation })).status).toBe(202);
    const waiting = await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'assessor', 'assessor-1', '鉴定（assessor）');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { name: '延长鉴定期限' }).waitFor();
    await page.getByLabel('延期原因').fill('伤情尚未稳定，需继续治疗观察');
    await page.getByRole('button', { name: '延长鉴定期限' }).click();
    await page.getByText('鉴定期限已延长').waitFor();
    const extended = await waitForCase(world, caseId, (c) => c.assessmentExtension !== undefined);
    expect(extended.deadlines.assessmentDue.date > waiting.deadlines.assessmentDue.date).toBe(true);
    // Once only: the form is gone.
    await expect.poll(() => page.getByRole('heading', { name: '延长鉴定期限' }).count()).toBe(0);
    await checked(w, 'steps-04-extended');
    await w.close();
  });
});

describe('a death case from dependants to life events, in chromium', () => {
  let caseId: string;

  it('lets a handler record the dependants of a death case (D9)', async () => {
    caseId = (await openedCase(world, { kind: 'death' })).caseId;
    const confirmation = { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false };
    expect((await stack.api('POST', `/v1/cases/${caseId}/confirmation`, { token: world.tokens.handler, body: confirmation })).status).toBe(202);
    await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { name: '登记供养亲属', exact: true }).waitFor();
    const first = page.getByRole('group', { name: '供养亲属 1' });
    await first.getByLabel('姓名').fill('李四');
    await chooseIn(page, first, '与死者关系', '配偶');
    await page.getByRole('button', { name: '+ 添加供养亲属' }).click();
    const second = page.getByRole('group', { name: '供养亲属 2' });
    await second.getByLabel('姓名').fill('张小一');
    await chooseIn(page, second, '与死者关系', /^子女$/);
    await second.getByLabel('出生日期').fill('2015-03-01');
    await second.getByLabel('出生日期').press('Tab');
    await checked(w, 'steps-05-dependants');
    await page.getByRole('button', { name: '登记供养亲属', exact: true }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toContain('待复核');
    await page.getByText('供养亲属抚恤金').first().waitFor();
    const c = await caseOf(caseId);
    expect(c.dependants.map((d: any) => [d.relation, d.orphanOrAlone])).toEqual([
      ['spouse', false],
      ['child', false],
    ]);
    w.assertClean();
    await w.close();
  });

  it('lets a handler resubmit a returned calculation, seeing why it was returned', async () => {
    expect((await approve(world, caseId, world.tokens.reviewer, 'return', '请核对供养亲属的出生日期')).status).toBe(202);
    await waitForStatus(world, caseId, 'RETURNED');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await page.getByText('退回意见：请核对供养亲属的出生日期').waitFor();
    await page.getByLabel('说明（改正了什么）').fill('已核对，出生日期无误');
    await checked(w, 'steps-06-returned');
    await page.getByRole('button', { name: '重新提交复核' }).click();
    await expect.poll(() => heading(page).textContent(), { timeout: 15_000 }).toContain('待复核');
    w.assertClean();
    await w.close();
  });

  it('lets a handler record a life event and a certification once the calculation is approved (D16)', async () => {
    expect((await approve(world, caseId, world.tokens.reviewer)).status).toBe(202);
    await waitForStatus(world, caseId, 'APPROVED');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { name: '资格认证' }).waitFor();
    await page.getByRole('heading', { name: '按月待遇领取资格认证' }).or(page.getByText('按月待遇领取资格认证')).first().waitFor();
    await choose(page, '领取人', /^供养亲属 1/);
    await page.getByRole('button', { name: '登记资格认证' }).click();
    await page.getByText('资格认证已登记').waitFor();
    await expect.poll(async () => (await caseOf(caseId)).timeline.some((t: any) => t.action === 'certification.recorded')).toBe(true);

    await chooseIn(page, page.locator('main'), '事件', '供养亲属死亡');
    await chooseIn(page, page.locator('main'), '供养亲属', /^2\./);
    await page.getByLabel('发生日期').fill(shanghaiToday());
    await page.getByLabel('发生日期').press('Tab');
    await page.getByRole('button', { name: '登记生活事件' }).click();
    await page.getByText('生活事件已登记').waitFor();
    const c = await waitForCase(world, caseId, (x) => x.lifeEvents?.length === 1);
    expect(c.lifeEvents[0]).toMatchObject({ type: 'DEPENDANT_DIED', dependantIndex: 2, on: shanghaiToday(), by: 'handler-1' });
    await page.getByText(`${shanghaiToday()}（供养亲属 2）`).waitFor();
    await checked(w, 'steps-07-life-event');
    await w.close();
  });

  it('lets a handler change the payee and a second person confirm it (D14)', async () => {
    const proof = await uploadDocument(world, caseId, 'BANK_ACCOUNT_PROOF');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { name: '变更收款人' }).waitFor();
    await page.getByLabel('收款人姓名').fill('李四');
    await page.getByLabel('银行账号').fill('6222 0202 0011 2230');
    await page.getByLabel('开户银行').fill('中国工商银行北京分行');
    await page.getByRole('button', { name: '提交收款人' }).click();
    await page.getByText('收款人变更已提交').waitFor();
    const pending = await waitForCase(world, caseId, (c) => c.pendingPayee !== undefined);
    expect(pending.pendingPayee).toMatchObject({ requestedBy: 'handler-1' });
    expect(JSON.stringify(pending)).not.toContain('6222020200112230');
    expect((await caseOf(caseId)).documents.find((d: any) => d.documentId === proof).status).toBe('AVAILABLE');
    await page.getByText('变更待确认').waitFor();
    w.assertClean();
    await w.close();

    // The reviewer who approved is not a maker: they confirm; the maker could not.
    const r = await openPage(browser, stack.url);
    await signIn(r, 'reviewer', 'reviewer-2', '复核（reviewer）');
    await r.page.goto(`/cases/${caseId}`);
    await r.page.getByRole('heading', { name: '确认收款人变更' }).waitFor();
    await checked(r, 'steps-08-payee-confirmation');
    await r.page.getByRole('button', { name: '确认收款人变更' }).click();
    await r.page.getByText('收款人变更已确认').waitFor();
    const changed = await waitForCase(world, caseId, (c) => c.pendingPayee === undefined);
    expect(changed.payee.name).toBe('李**');
    r.assertClean();
    await r.close();
  });
});

describe('appeals, in chromium (D17)', () => {
  it('lets a handler record an appeal against a refusal and its result, which reopens the case for confirmation', async () => {
    const { caseId } = await openedCase(world);
    const refused = await stack.api('POST', `/v1/cases/${caseId}/confirmation`, {
      token: world.tokens.handler,
      body: { outcome: 'NOT_CONFIRMED', basis: 'INTOXICATION', reasons: ['血液酒精含量超标'], assessmentRequired: false },
    });
    expect(refused.status).toBe(202);
    await waitForStatus(world, caseId, 'NOT_CONFIRMED');
    const w = await openPage(browser, stack.url);
    const { page } = w;
    await signIn(w, 'handler', 'handler-1', '经办（handler）');
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('heading', { name: '登记复议或诉讼', exact: true }).waitFor();
    await chooseIn(page, page.locator('main'), '类型', '行政复议');
    await chooseIn(page, page.locator('main'), '针对的决定', '职业伤害确认');
    await page.getByLabel('提出日期').fill(shanghaiToday());
    await page.getByLabel('提出日期').press('Tab');
    await page.getByRole('button', { name: '登记复议或诉讼' }).click();
    await page.getByText('已登记', { exact: true }).waitFor();
    const filed = await waitForCase(world, caseId, (c) => c.appeals?.length === 1);
    expect(filed.appeals[0]).toMatchObject({ appealId: 'A1', kind: 'RECONSIDERATION', against: 'CONFIRMATION', filedOn: shanghaiToday(), late: false });

    // The result form appears once an appeal is open: 撤销 sends the case back to confirmation.
    await page.getByRole('heading', { name: '登记复议或诉讼结果' }).waitFor();
    await chooseIn(page, page.locator('main'), '结果', '撤销');
    await page.getByLabel('决定日期').fill(shanghaiToday());
    await page.getByLabel('决定日期').press('Tab');
    await page.getByLabel('决定摘要').fill('复议机关撤销原不予认定决定，责令重新认定。');
    await page.getByRole('button', { name: '登记结果' }).click();
    await page.getByText('结果已登记').waitFor();
    const reopened = await waitForStatus(world, caseId, 'UNDER_REVIEW');
    expect(reopened.appeals[0]).toMatchObject({ result: 'OVERTURNED', decidedOn: shanghaiToday(), resultBy: 'handler-1' });
    await page.reload();
    await page.getByRole('heading', { name: '工伤认定' }).waitFor();
    await checked(w, 'steps-08-appeal');
    await w.close();
  });
});
