/**
 * Demo of the cases slice through the HTTP API: a minor injury paid without assessment; a grade-7 injury
 * with inpatient days; a grade-2 injury with FULL nursing and monthly items, then two monthly payment
 * runs; a death with several dependants over the cap; a refusal (INTOXICATION); a late application
 * without and with an explanation. Prints each case's timeline and benefits.
 *
 * Uses the stack at API_URL (default http://127.0.0.1:3000) when it answers /health — it must run the
 * local Step Functions runner — else starts one in-process (DynamoDB Local + runner) and stops it after.
 *   node --import tsx scripts/demo-cases.ts
 */
import { addMonthsToMonth, formatYuan, monthOfDate, shanghaiDate } from '../core/index.ts';
import { startLocalApp, type LocalApp } from '../local/app.ts';
import { localS3 } from '../local/s3.ts';
import { localStepFunctions } from '../local/stepfunctions/index.ts';
import {
  openCaseBody,
  openedCase,
  orderAround,
  registerWorker,
  report,
  setUpWorld,
  waitForRun,
  waitForStatus,
  type Api,
  type World,
} from '../test/integration/cases-fixtures.ts';

const yuan = (fen: number) => `¥${formatYuan(fen)}`;

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1500) });
    return res.ok;
  } catch {
    return false;
  }
}

function client(url: string): { api: Api; mint: (claims: Record<string, unknown>) => Promise<string> } {
  const api: Api = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const mint = async (claims: Record<string, unknown>) => {
    const res = await api('POST', '/local/tokens', { body: claims });
    if (res.status !== 200) throw new Error(`POST /local/tokens: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };
  return { api, mint };
}

async function show(world: World, title: string, caseId: string): Promise<void> {
  const c = (await world.api('GET', `/v1/cases/${caseId}`, { token: world.tokens.handler })).body;
  const b = (await world.api('GET', `/v1/cases/${caseId}/benefits`, { token: world.tokens.handler })).body;
  console.log(
    `\n━━ ${title} ━━ case ${caseId}: ${c.status}${c.late ? ' (late)' : ''}  coverage ${c.coverage.reason}${c.coverage.orderId ? ` by ${c.coverage.orderId}` : ''}`,
  );
  console.log(
    '  deadlines:',
    Object.entries(c.deadlines)
      .map(([k, d]: [string, any]) => `${k} ${d.date}${d.provisional ? '*' : ''}`)
      .join(', '),
  );
  if (c.escalations.length) console.log('  escalations:', c.escalations.map((e: any) => e.kind).join(', '));
  console.log(
    `  documents (D13): ${c.documents.map((d: any) => `${d.type} ${d.status}${d.sha256 ? ` sha256 ${d.sha256.slice(0, 12)}…` : ''}`).join(', ') || 'none'}; missing: ${c.checklist.missing.join(', ') || 'nothing'}`,
  );
  console.log('  timeline:');
  for (const e of c.timeline) {
    const change = [e.before ? `before ${JSON.stringify(e.before)}` : '', e.after ? `after ${JSON.stringify(e.after)}` : ''].filter(Boolean).join(' → ');
    console.log(`    ${e.at}  ${String(e.actor).padEnd(22)} ${e.action}${change ? `  ${change}` : ''}`);
  }
  if (b.calculated) {
    console.log(`  benefits (${b.calculationId}${b.approved ? ', approved' : ''}): one-off ${yuan(b.oneOffTotalFen)}, monthly ${yuan(b.monthlyTotalFen)}`);
    for (const l of b.lines)
      console.log(
        `    ${l.key.padEnd(34)} ${yuan(l.amountFen).padStart(14)}${l.monthly ? `/month from ${l.fromMonth}${l.untilMonth ? ` until ${l.untilMonth}` : ''}` : ''}`,
      );
  }
  for (const p of c.payments) console.log(`  payment ${p.paymentId}: ${yuan(p.amountFen)} ${p.status} (${p.items.length} items)`);
}

async function demo(world: World): Promise<void> {
  const { api, tokens } = world;
  const post = (path: string, token: string, body: unknown) => api('POST', path, { token, body });
  const must = async (res: Promise<{ status: number; body: any }>, status: number, what: string) => {
    const r = await res;
    if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };

  // 1. Minor injury, no assessment (fast track).
  {
    const { caseId, body } = await openedCase(world, { documents: 'upload' });
    if (body.workflow?.status === 'NOT_STARTED') {
      throw new Error(
        'The stack at API_URL does not run the local Step Functions runner (case workflow not started). Unset API_URL to let the demo start its own stack.',
      );
    }
    await must(
      post(`/v1/cases/${caseId}/expenses`, tokens.handler2, {
        items: [{ description: '门诊清创缝合', amountFen: 68_000, inCatalogue: true }],
        inpatientDays: 0,
      }),
      202,
      'expenses',
    );
    await must(
      post(`/v1/cases/${caseId}/confirmation`, tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: false }),
      202,
      'confirm',
    );
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    await must(post(`/v1/cases/${caseId}/approval`, tokens.reviewer, { decision: 'approve' }), 202, 'approve');
    await waitForStatus(world, caseId, 'PAID');
    await show(world, '1. Minor injury paid without assessment', caseId);
  }
  // 2. Grade 7 with inpatient days.
  {
    const { caseId } = await openedCase(world, { documents: 'upload' });
    await post(`/v1/cases/${caseId}/expenses`, tokens.handler2, {
      items: [
        { description: '住院手术', amountFen: 2_350_000, inCatalogue: true },
        { description: '自费进口耗材', amountFen: 120_000, inCatalogue: false },
      ],
      inpatientDays: 18,
    });
    await post(`/v1/cases/${caseId}/confirmation`, tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: true });
    await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
    await post(`/v1/cases/${caseId}/assessment`, tokens.assessor, { grade: 7, nursing: null, concludedOn: shanghaiDate(new Date()) });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    await post(`/v1/cases/${caseId}/approval`, tokens.reviewer, { decision: 'approve' });
    await waitForStatus(world, caseId, 'PAID');
    await show(world, '2. Grade-7 injury with 18 inpatient days', caseId);
  }
  // 3. Grade 2, FULL nursing: monthly items, then two monthly payment runs.
  {
    const { caseId } = await openedCase(world, { documents: 'upload' });
    const month = monthOfDate(shanghaiDate(new Date()));
    await post(`/v1/cases/${caseId}/confirmation`, tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_ACCIDENT', assessmentRequired: true });
    await waitForStatus(world, caseId, 'AWAITING_ASSESSMENT');
    await post(`/v1/cases/${caseId}/assessment`, tokens.assessor, { grade: 2, nursing: 'FULL', concludedOn: `${addMonthsToMonth(month, -1)}-20` });
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    await post(`/v1/cases/${caseId}/approval`, tokens.reviewer, { decision: 'approve' });
    await waitForStatus(world, caseId, 'PAID');
    for (const m of [month, addMonthsToMonth(month, 1), month]) {
      const started = await must(post('/v1/payment-runs', tokens.admin, { month: m }), 202, 'payment run');
      const run = await waitForRun(world, started.body.runId);
      console.log(
        `\npayment run ${run.runId} (${m}): ${run.status}, ${run.payments} payments, ${yuan(run.totalFen)}${m === month && run.payments === 0 ? '  ← re-run of the month pays nothing twice' : ''}`,
      );
    }
    await show(world, '3. Grade-2 injury, FULL nursing, two monthly runs', caseId);
  }
  // 4. Death with dependants over the cap.
  {
    const { caseId } = await openedCase(world, { kind: 'death', documents: 'upload' });
    await post(`/v1/cases/${caseId}/confirmation`, tokens.handler, { outcome: 'CONFIRMED', basis: 'ORDER_TASK_TRAFFIC', assessmentRequired: false });
    await waitForStatus(world, caseId, 'AWAITING_DEPENDANTS');
    await must(
      post(`/v1/cases/${caseId}/dependants`, tokens.handler, {
        dependants: [
          { name: '李梅', relation: 'spouse', orphanOrAlone: false },
          { name: '张一', relation: 'child', orphanOrAlone: false, birthDate: '2014-02-01' },
          { name: '张二', relation: 'child', orphanOrAlone: false, birthDate: '2019-09-01' },
          { name: '张父', relation: 'parent', orphanOrAlone: true },
        ],
      }),
      202,
      'dependants',
    );
    await waitForStatus(world, caseId, 'AWAITING_APPROVAL');
    await post(`/v1/cases/${caseId}/approval`, tokens.reviewer, { decision: 'approve' });
    await waitForStatus(world, caseId, 'PAID');
    await show(world, '4. Death with four dependants (40+30+30+40 % > 100 % of W: scaled down)', caseId);
  }
  // 5. Refusal.
  {
    const { caseId } = await openedCase(world, { documents: 'upload' });
    await must(
      post(`/v1/cases/${caseId}/confirmation`, tokens.handler, {
        outcome: 'NOT_CONFIRMED',
        basis: 'INTOXICATION',
        reasons: ['交警认定醉酒驾驶电动车'],
        assessmentRequired: false,
      }),
      202,
      'refuse',
    );
    await waitForStatus(world, caseId, 'NOT_CONFIRMED');
    await show(world, '5. Refusal (INTOXICATION)', caseId);
  }
  // 6. Late application: without explanation (422), with (201, late: true).
  {
    const worker = await registerWorker(world);
    const at = new Date(Date.now() - 12 * 86_400_000);
    await orderAround(world, worker, at);
    const r = (await report(world, worker, at)).body.reportId;
    const refused = await post('/v1/cases', tokens.platform, openCaseBody(r));
    console.log(`\n━━ 6. Late application ━━ without explanation: ${refused.status} ${refused.body.detail} errors=${JSON.stringify(refused.body.errors)}`);
    const accepted = await must(
      post('/v1/cases', tokens.platform, openCaseBody(r, 'injury', 'platform', { lateExplanation: '骑手伤后住院，家属十日后才告知平台' })),
      201,
      'late case',
    );
    await show(world, '6. Late application with explanation', accepted.body.caseId);
  }
}

async function main(): Promise<void> {
  const url = process.env.API_URL ?? 'http://127.0.0.1:3000';
  let app: LocalApp | undefined;
  let base = url;
  if (!(await reachable(url))) {
    console.log(`No stack at ${url}: starting one in-process (DynamoDB Local + local Step Functions runner)…`);
    process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
    app = await startLocalApp({ port: 0, services: [localS3(), localStepFunctions()] });
    base = app.url;
  }
  const stop = async () => {
    if (app) await app.stop();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    const { api, mint } = client(base);
    const world = await setUpWorld(api, mint);
    await demo(world);
    console.log('\nDemo complete.');
  } finally {
    await stop();
  }
}

main().catch((error: Error) => {
  console.error(`demo failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
