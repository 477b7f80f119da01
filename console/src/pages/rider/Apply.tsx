/**
 * 我要申请: a rider reports the injury and applies in one guided flow (D6), on a phone with one hand —
 * when and where; which order (proposed from the rider's own enrolment days and the coverage at that moment);
 * what happened; payee and consent (and the late explanation once the API says the application is late);
 * then the documents, handed in from the camera or files, the missing list shrinking.
 * Sends `POST /v1/injury-reports` once (the report is kept for a second try) and `POST /v1/cases` as `worker`.
 */
import { Alert, Button, Card, Checkbox, Form, Input, Radio, Result, Spin, Steps } from 'antd';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';
import type { Session } from '../../auth/session.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { PROVINCES, province } from '../../format.ts';
import { COVERAGE_PLAIN, daysBefore, shanghaiInstant } from '../../rider-labels.ts';
import { Choices } from './Choices.tsx';
import { HandIn } from './HandIn.tsx';
import './rider.css';

interface Values {
  occurredAt: string;
  place: string;
  choice?: string;
  platformId?: string;
  province?: string;
  orderId?: string;
  description: string;
  payee: { name: string; bankAccount: string };
  consent: boolean;
  lateExplanation?: string;
}

/** A platform and province the rider worked for around the injury, with the order covering that moment, if any. */
interface Proposal {
  readonly platformId: string;
  readonly province: string;
  readonly coverage?: Schemas['Coverage'];
}

const STEPS = ['时间地点', '订单', '经过', '收款与同意', '材料'] as const;
/** Which step shows each field: a refusal naming a field takes the rider back there. */
const STEP_OF: Readonly<Record<string, number>> = {
  occurredAt: 0,
  place: 0,
  choice: 1,
  platformId: 1,
  province: 1,
  orderId: 1,
  description: 2,
  payee: 3,
  consent: 3,
  lateExplanation: 3,
};
const FIELDS = Object.keys(STEP_OF);
/** The names to check before leaving a step (the payee's two fields by their paths). */
const namesOf = (step: number): (string | string[])[] => [
  ...FIELDS.filter((f) => STEP_OF[f] === step && f !== 'payee'),
  ...(step === 3
    ? [
        ['payee', 'name'],
        ['payee', 'bankAccount'],
      ]
    : []),
];

export default function Apply({ session }: { session: Session }) {
  const workerId = session.claims.workerId ?? '';
  const [form] = Form.useForm<Values>();
  // 我的案件 → 申请待遇 on a report filed earlier (by the rider or their platform): only the payee and consent are asked.
  const [params] = useSearchParams();
  const filed = params.get('report') ?? undefined;
  const [step, setStep] = useState(filed ? 3 : 0);
  const [proposals, setProposals] = useState<Proposal[]>();
  const [looking, setLooking] = useState(false);
  const [late, setLate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const [reportId, setReportId] = useState<string | undefined>(filed);
  const [opened, setOpened] = useState<{ caseId: string; missing: string[] }>();
  const choice = Form.useWatch('choice', form);

  /** The platforms and provinces of the rider's enrolment days on the injury's date and the day before, each with its coverage. */
  const propose = async (occurredAt: string) => {
    setLooking(true);
    try {
      const date = occurredAt.slice(0, 10);
      const { data } = await api.GET('/v1/workers/{workerId}/enrolment-days', {
        params: { path: { workerId }, query: { from: daysBefore(date, 1), to: date } },
      });
      const seen = new Map<string, Proposal>();
      for (const d of data?.days ?? []) seen.set(`${d.platformId}|${d.province}`, { platformId: d.platformId, province: d.province });
      const list = await Promise.all(
        [...seen.values()].map(async (p) => {
          const { data: coverage } = await api.GET('/v1/workers/{workerId}/coverage', {
            params: { path: { workerId }, query: { at: occurredAt, platformId: p.platformId, province: p.province } },
          });
          return coverage ? { ...p, coverage } : p;
        }),
      );
      // The covering order first.
      list.sort((a, b) => Number(b.coverage?.covered ?? false) - Number(a.coverage?.covered ?? false));
      setProposals(list);
      if (form.getFieldValue('choice') === undefined) form.setFieldValue('choice', list.length ? '0' : 'other');
    } catch {
      // Nothing to propose without an answer: the rider names the platform (and order) themself.
      setProposals([]);
      form.setFieldValue('choice', 'other');
    } finally {
      setLooking(false);
    }
  };

  const next = async () => {
    try {
      await form.validateFields(namesOf(step) as Parameters<typeof form.validateFields>[0]);
    } catch {
      return;
    }
    if (step === 0) {
      const at = shanghaiInstant(form.getFieldValue('occurredAt'));
      if (at) void propose(at);
    }
    if (step === 3) return submit();
    setStep(step + 1);
    window.scrollTo(0, 0);
  };

  const showProblem = (error: unknown) => {
    const problem = asProblem(error);
    const { fieldErrors, text } = splitProblem(problem, FIELDS);
    if (fieldErrors.some((f) => f.name[0] === 'lateExplanation')) setLate(true);
    // The field must be on the page for its message to show: after a late refusal the explanation appears.
    setTimeout(() => form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]), 0);
    const first = fieldErrors.map((f) => STEP_OF[String(f.name[0])]).filter((s) => s !== undefined);
    if (first.length) setStep(Math.min(...(first as number[])));
    setRefusal(`${problem.title}：${text}`);
  };

  const submit = async () => {
    const v = form.getFieldsValue(true) as Values;
    const chosen = v.choice !== undefined && v.choice !== 'other' ? proposals?.[Number(v.choice)] : undefined;
    const occurredAt = shanghaiInstant(v.occurredAt) ?? v.occurredAt;
    setBusy(true);
    setRefusal(undefined);
    try {
      let id = reportId;
      if (!id) {
        const orderId = chosen ? chosen.coverage?.orderId : v.orderId?.trim() || undefined;
        const r = await api.POST('/v1/injury-reports', {
          body: {
            platformId: chosen?.platformId ?? v.platformId?.trim() ?? '',
            workerId,
            occurredAt,
            province: chosen?.province ?? v.province ?? '',
            place: v.place.trim(),
            description: v.description.trim(),
            ...(orderId ? { orderId } : {}),
          } as Schemas['InjuryReport'],
        });
        if (!r.response.ok || !r.data) return showProblem(r.error);
        id = r.data.reportId;
        setReportId(id);
      }
      const c = await api.POST('/v1/cases', {
        body: {
          reportId: id,
          kind: 'injury',
          applicant: { type: 'worker' },
          payee: { name: v.payee.name.trim(), bankAccount: v.payee.bankAccount.replace(/\s+/g, '') },
          consent: true,
          ...(late && v.lateExplanation?.trim() ? { lateExplanation: v.lateExplanation.trim() } : {}),
        },
      });
      if (!c.response.ok || !c.data) return showProblem(c.error);
      setOpened({ caseId: c.data.caseId, missing: [...(c.data.checklist?.missing ?? [])] });
      setStep(4);
      window.scrollTo(0, 0);
    } catch (e) {
      setRefusal(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };

  const reload = async () => {
    if (!opened) return;
    const { data } = await api.GET('/v1/cases/{caseId}/documents', { params: { path: { caseId: opened.caseId } } });
    if (data) setOpened({ caseId: opened.caseId, missing: [...data.checklist.missing] });
  };

  return (
    <div className="rider-page">
      <h1 className="rider-title">我要申请</h1>
      <Steps
        className="rider-steps"
        current={step}
        size="small"
        direction="horizontal"
        responsive={false}
        labelPlacement="vertical"
        items={STEPS.map((title) => ({ title }))}
      />
      {refusal && step < 4 ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        name="apply"
        layout="vertical"
        size="large"
        aria-label="职业伤害保障待遇申请"
        requiredMark={false}
        onValuesChange={(changed: Partial<Values>) => {
          // A report already filed stands for what it said: changing when, where, the order or what happened files a new one.
          if (Object.keys(changed).some((k) => !['payee', 'consent', 'lateExplanation'].includes(k))) setReportId(undefined);
        }}
      >
        <div hidden={step !== 0}>
          <Card className="rider-card">
            <h2 className="rider-subtitle">什么时候、在哪里受的伤？</h2>
            <Form.Item name="occurredAt" label="受伤时间（北京时间）" rules={[{ required: true, message: '请填写受伤时间' }]}>
              <Input type="datetime-local" max={new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 16)} />
            </Form.Item>
            <Form.Item name="place" label="受伤地点" rules={[{ required: true, whitespace: true, message: '请填写受伤地点' }]}>
              <Input maxLength={200} placeholder="如：朝阳区建国路 88 号附近" />
            </Form.Item>
          </Card>
        </div>
        <div hidden={step !== 1}>
          <Card className="rider-card">
            <h2 className="rider-subtitle">受伤时在送哪一单？</h2>
            {looking ? (
              <Spin tip="正在查找您的订单…">
                <span />
              </Spin>
            ) : null}
            {proposals && proposals.length === 0 ? (
              <Alert type="info" showIcon message="没有查到您当天的接单记录，请填写平台编号，知道订单号也请填写。" style={{ marginBottom: 12 }} />
            ) : null}
            <Form.Item name="choice" label="接单平台与订单" rules={[{ required: true, message: '请选择订单' }]}>
              <Choices className="rider-choices">
                {(proposals ?? []).map((p, i) => (
                  <Radio key={`${p.platformId}|${p.province}`} value={String(i)}>
                    <span className="rider-choice">
                      <strong>
                        平台 {p.platformId} · {province(p.province)}
                      </strong>
                      <span>{p.coverage?.orderId ? `订单 ${p.coverage.orderId}` : '未找到受伤时进行中的订单'}</span>
                      <span className="rider-muted">{p.coverage ? (COVERAGE_PLAIN[p.coverage.reason] ?? p.coverage.reason) : ''}</span>
                    </span>
                  </Radio>
                ))}
                <Radio value="other">
                  <span className="rider-choice">
                    <strong>其他平台，手动填写</strong>
                  </span>
                </Radio>
              </Choices>
            </Form.Item>
            {choice === 'other' ? (
              <>
                <Form.Item
                  name="platformId"
                  label="平台编号"
                  rules={[{ required: step === 1 && choice === 'other', whitespace: true, message: '请填写平台编号' }]}
                >
                  <Input maxLength={64} />
                </Form.Item>
                <Form.Item name="province" label="受伤所在省份" rules={[{ required: step === 1 && choice === 'other', message: '请选择省份' }]}>
                  <FieldSelect showSearch optionFilterProp="label" options={Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }))} />
                </Form.Item>
                <Form.Item name="orderId" label="订单号（选填）">
                  <Input maxLength={64} />
                </Form.Item>
              </>
            ) : null}
          </Card>
        </div>
        <div hidden={step !== 2}>
          <Card className="rider-card">
            <h2 className="rider-subtitle">发生了什么？</h2>
            <Form.Item name="description" label="受伤经过" rules={[{ required: true, whitespace: true, message: '请简要描述受伤经过' }]}>
              <Input.TextArea rows={5} maxLength={2000} placeholder="如：送餐途中电动车被撞倒，右腿受伤，已到医院就诊。" />
            </Form.Item>
          </Card>
        </div>
        <div hidden={step !== 3}>
          <Card className="rider-card">
            {filed ? <p className="rider-muted">为报案 {filed} 申请待遇：受伤的时间、地点和经过以报案为准。</p> : null}
            <h2 className="rider-subtitle">待遇发给谁？</h2>
            <Form.Item name={['payee', 'name']} label="收款人姓名（本人）" rules={[{ required: true, whitespace: true, message: '请填写收款人姓名' }]}>
              <Input maxLength={50} autoComplete="name" />
            </Form.Item>
            <Form.Item name={['payee', 'bankAccount']} label="银行卡号" rules={[{ required: true, whitespace: true, message: '请填写银行卡号' }]}>
              <Input inputMode="numeric" maxLength={40} autoComplete="off" />
            </Form.Item>
            {late ? (
              <Form.Item
                name="lateExplanation"
                label="超期说明"
                extra="已超过申请期限，请说明未能按时申请的原因。"
                rules={[{ required: true, whitespace: true, message: '请填写超期说明' }]}
              >
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            ) : null}
            <Form.Item
              name="consent"
              valuePropName="checked"
              rules={[{ validator: (_, value) => (value ? Promise.resolve() : Promise.reject(new Error('请阅读并勾选同意'))) }]}
            >
              <Checkbox>我确认所填信息真实，同意经办机构为办理本次申请查询我的接单记录和就医材料。</Checkbox>
            </Form.Item>
          </Card>
        </div>
      </Form>
      {step === 4 && opened ? (
        <Card className="rider-card">
          <Result status="success" title="申请已提交" subTitle={`案件编号 ${opened.caseId}`} style={{ padding: '8px 0' }} />
          <h2 className="rider-subtitle">请补交材料</h2>
          <HandIn caseId={opened.caseId} missing={opened.missing} onChanged={reload} />
        </Card>
      ) : null}
      <div className="rider-actions">
        {step === 4 && opened ? (
          <Link className="rider-button rider-button-primary" to={`/me/cases/${opened.caseId}`}>
            查看我的案件
          </Link>
        ) : (
          <>
            {step > 0 && !filed ? (
              <Button size="large" onClick={() => setStep(step - 1)} disabled={busy}>
                上一步
              </Button>
            ) : null}
            <Button type="primary" size="large" onClick={next} loading={busy}>
              {step === 3 ? '提交申请' : '下一步'}
            </Button>
          </>
        )}
      </div>
    </div>
  );
}
