/**
 * The case steps after the first decisions, one form each: suspension and resumption of the confirmation,
 * the assessment extension, the dependants, the resubmission of a returned case, life events and yearly
 * certifications (D8, D10, D16). Each sends exactly the API's body and shows a refusal where it belongs.
 */
import { Alert, Button, DatePicker, Form, Input, Space, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, type Schemas } from '../../api/client.ts';
import { APPEAL_AGAINST, APPEAL_KIND, APPEAL_RESULT, LIFE_EVENT, RELATION } from '../../case-labels.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { dateTime } from '../../format.ts';
import { Refusal, type StepProps } from './Forms.tsx';
import { useStep } from './useStep.ts';

const required = (message: string) => [{ required: true, whitespace: true, message }];

/** 中止认定 / 恢复认定 (handler, UNDER_REVIEW): the confirmation clock stops while the case waits on someone else (D7). */
export function SuspensionForm({ caseId, onDone, suspended }: StepProps & { readonly suspended?: { since: string; reason: string } }) {
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, refusal, run } = useStep(form, ['reason']);
  if (suspended)
    return (
      <Form
        name="suspension"
        form={form}
        onFinish={() => run(() => api.DELETE('/v1/cases/{caseId}/suspension', { params: { path: { caseId } } }), '已恢复认定', onDone)}
      >
        <Refusal text={refusal} />
        <p>
          自 {dateTime(suspended.since)} 起中止，原因：{suspended.reason}
        </p>
        <Button type="primary" htmlType="submit" loading={busy}>
          恢复认定
        </Button>
      </Form>
    );
  return (
    <Form
      name="suspension"
      form={form}
      layout="vertical"
      onFinish={(v) =>
        run(() => api.POST('/v1/cases/{caseId}/suspension', { params: { path: { caseId } }, body: { reason: v.reason.trim() } }), '已中止认定', onDone)
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="reason" label="中止原因" rules={required('请填写中止原因')}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        中止认定
      </Button>
    </Form>
  );
}

/** 延长鉴定期限 (assessor, AWAITING_ASSESSMENT): once, by 30 days, with a reason (D8). */
export function ExtensionForm({ caseId, onDone }: StepProps) {
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, refusal, run } = useStep(form, ['reason']);
  return (
    <Form
      name="extension"
      form={form}
      layout="vertical"
      onFinish={(v) =>
        run(
          () => api.POST('/v1/cases/{caseId}/assessment-extension', { params: { path: { caseId } }, body: { reason: v.reason.trim() } }),
          '鉴定期限已延长',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="reason" label="延期原因" rules={required('请填写延期原因')}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        延长鉴定期限
      </Button>
    </Form>
  );
}

type DependantRow = { name: string; relation: Schemas['Dependants']['dependants'][number]['relation']; orphanOrAlone: boolean; birthDate?: Dayjs };

/** 登记供养亲属 (handler, AWAITING_DEPENDANTS): everyone the deceased supported, at once (D9). */
export function DependantsForm({ caseId, onDone }: StepProps) {
  const [form] = Form.useForm<{ dependants: DependantRow[] }>();
  const { busy, refusal, run } = useStep(form, ['dependants']);
  return (
    <Form
      name="dependants"
      form={form}
      layout="vertical"
      initialValues={{ dependants: [{ orphanOrAlone: false }] }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/dependants', {
              params: { path: { caseId } },
              body: {
                dependants: (v.dependants ?? []).map((d) => ({
                  name: d.name.trim(),
                  relation: d.relation,
                  orphanOrAlone: d.orphanOrAlone ?? false,
                  ...(d.birthDate ? { birthDate: d.birthDate.format('YYYY-MM-DD') } : {}),
                })),
              },
            }),
          '供养亲属已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.List name="dependants">
        {(fields, { add, remove }) => (
          <>
            {fields.map(({ key, name }) => (
              <fieldset key={key} className="dependant">
                <legend>供养亲属 {name + 1}</legend>
                <Form.Item name={[name, 'name']} label="姓名" rules={required('请填写姓名')}>
                  <Input maxLength={100} />
                </Form.Item>
                <Form.Item name={[name, 'relation']} label="与死者关系" rules={[{ required: true, message: '请选择关系' }]}>
                  <FieldSelect placeholder="请选择" options={Object.entries(RELATION).map(([value, text]) => ({ value, label: text }))} />
                </Form.Item>
                <Form.Item name={[name, 'birthDate']} label="出生日期">
                  <DatePicker />
                </Form.Item>
                <Form.Item name={[name, 'orphanOrAlone']} label="孤儿或孤寡老人" valuePropName="checked">
                  <Switch />
                </Form.Item>
                {fields.length > 1 ? (
                  <Button type="link" onClick={() => remove(name)}>
                    删除此人
                  </Button>
                ) : null}
              </fieldset>
            ))}
            <Form.Item>
              <Button type="dashed" onClick={() => add({ orphanOrAlone: false })}>
                + 添加供养亲属
              </Button>
            </Form.Item>
          </>
        )}
      </Form.List>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记供养亲属
      </Button>
    </Form>
  );
}

/** 重新提交复核 (handler, RETURNED): after correcting what the reviewer returned the calculation for. */
export function ResubmissionForm({ caseId, onDone, comment }: StepProps & { readonly comment?: string }) {
  const [form] = Form.useForm<{ comment?: string }>();
  const { busy, refusal, run } = useStep(form, ['comment']);
  return (
    <Form
      name="resubmission"
      form={form}
      layout="vertical"
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/resubmission', {
              params: { path: { caseId } },
              body: v.comment?.trim() ? { comment: v.comment.trim() } : {},
            }),
          '已重新提交复核',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      {comment ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={`退回意见：${comment}`} /> : null}
      <Form.Item name="comment" label="说明（改正了什么）">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        重新提交复核
      </Button>
    </Form>
  );
}

interface Dependant {
  readonly dependant: number;
  readonly name: string;
  readonly relation: string;
}

/** 登记生活事件 (handler, from approval on): a death or a retirement ends monthly items from the next month (D16). */
export function LifeEventForm({ caseId, onDone, dependants }: StepProps & { readonly dependants: readonly Dependant[] }) {
  const [form] = Form.useForm<{ type: Schemas['LifeEvent']['type']; on: Dayjs; dependantIndex?: number }>();
  const type = Form.useWatch('type', form);
  const { busy, refusal, run } = useStep(form, ['type', 'on', 'dependantIndex']);
  return (
    <Form
      name="lifeEvent"
      form={form}
      layout="vertical"
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/life-events', {
              params: { path: { caseId } },
              body: { type: v.type, on: v.on.format('YYYY-MM-DD'), ...(v.type === 'DEPENDANT_DIED' ? { dependantIndex: v.dependantIndex } : {}) },
            }),
          '生活事件已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="type" label="事件" rules={[{ required: true, message: '请选择事件' }]}>
        <FieldSelect
          placeholder="请选择"
          options={Object.entries(LIFE_EVENT)
            .filter(([value]) => value !== 'DEPENDANT_DIED' || dependants.length > 0)
            .map(([value, text]) => ({ value, label: text }))}
        />
      </Form.Item>
      {type === 'DEPENDANT_DIED' ? (
        <Form.Item name="dependantIndex" label="供养亲属" rules={[{ required: true, message: '请选择供养亲属' }]}>
          <FieldSelect
            placeholder="请选择"
            options={dependants.map((d) => ({ value: d.dependant, label: `${d.dependant}. ${d.name}（${RELATION[d.relation] ?? d.relation}）` }))}
          />
        </Form.Item>
      ) : null}
      <Form.Item name="on" label="发生日期" rules={[{ required: true, message: '请选择发生日期' }]}>
        <DatePicker />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记生活事件
      </Button>
    </Form>
  );
}

interface Recipient {
  readonly person: 'worker' | number;
  readonly dueOn?: string;
  readonly lapsed: boolean;
}

/** 资格认证 (handler, from approval on): each person receiving a monthly item is certified alive once a year (D16). */
export function CertificationForm({
  caseId,
  onDone,
  recipients,
  dependants,
}: StepProps & { readonly recipients: readonly Recipient[]; readonly dependants: readonly Dependant[] }) {
  const [form] = Form.useForm<{ person: 'worker' | number }>();
  const { busy, refusal, run } = useStep(form, ['person'], (p) => (p === 'personIndex' ? 'person' : p));
  if (recipients.length === 0) return <Alert type="info" showIcon message="本案没有按月待遇的领取人，无需资格认证。" />;
  const nameOf = (person: 'worker' | number) =>
    person === 'worker'
      ? '劳动者本人'
      : `供养亲属 ${person}${dependants.find((d) => d.dependant === person) ? ` ${dependants.find((d) => d.dependant === person)?.name}` : ''}`;
  return (
    <Form
      name="certification"
      form={form}
      layout="vertical"
      initialValues={{ person: recipients[0]?.person }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/certifications', {
              params: { path: { caseId } },
              body: v.person === 'worker' ? {} : { personIndex: v.person },
            }),
          '资格认证已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="person" label="领取人">
        <FieldSelect
          options={recipients.map((r) => ({
            value: r.person,
            label: `${nameOf(r.person)}${r.dueOn ? `（认证期限 ${r.dueOn}${r.lapsed ? '，已逾期暂停发放' : ''}）` : ''}`,
          }))}
        />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          登记资格认证
        </Button>
      </Space>
    </Form>
  );
}

const options = (labels: Readonly<Record<string, string>>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** 登记复议或诉讼 (handler; also the worker or the platform through the API): against the latest decision of its kind (D17). */
export function AppealForm({ caseId, onDone }: StepProps) {
  const [form] = Form.useForm<{ kind: Schemas['Appeal']['kind']; against: Schemas['Appeal']['against']; filedOn: Dayjs }>();
  const { busy, refusal, run } = useStep(form, ['kind', 'against', 'filedOn']);
  return (
    <Form
      name="appeal"
      form={form}
      layout="vertical"
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/appeals', {
              params: { path: { caseId } },
              body: { kind: v.kind, against: v.against, filedOn: v.filedOn.format('YYYY-MM-DD') },
            }),
          '已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="kind" label="类型" rules={[{ required: true, message: '请选择类型' }]}>
        <FieldSelect placeholder="请选择" options={options(APPEAL_KIND)} />
      </Form.Item>
      <Form.Item name="against" label="针对的决定" rules={[{ required: true, message: '请选择决定' }]}>
        <FieldSelect placeholder="请选择" options={options(APPEAL_AGAINST)} />
      </Form.Item>
      <Form.Item name="filedOn" label="提出日期" rules={[{ required: true, message: '请选择提出日期' }]}>
        <DatePicker />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        登记复议或诉讼
      </Button>
    </Form>
  );
}

/** 登记复议或诉讼结果 (handler): 撤销 or 变更 returns the case to the step decided again (D17). */
export function AppealResultForm({
  caseId,
  onDone,
  appeals,
}: StepProps & { readonly appeals: readonly { readonly appealId: string; readonly kind: string; readonly against: string; readonly result?: string }[] }) {
  const [form] = Form.useForm<{ appealId: string; result: Schemas['AppealResult']['result']; decidedOn: Dayjs; summary: string }>();
  const { busy, refusal, run } = useStep(form, ['result', 'decidedOn', 'summary']);
  const open = appeals.filter((a) => a.result === undefined);
  return (
    <Form
      name="appealResult"
      form={form}
      layout="vertical"
      initialValues={{ appealId: open[0]?.appealId }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/appeals/{appealId}/result', {
              params: { path: { caseId, appealId: v.appealId } },
              body: { result: v.result, decidedOn: v.decidedOn.format('YYYY-MM-DD'), summary: v.summary.trim() },
            }),
          '结果已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="appealId" label="复议或诉讼" rules={[{ required: true, message: '请选择' }]}>
        <FieldSelect
          placeholder="请选择"
          options={open.map((a) => ({ value: a.appealId, label: `${a.appealId} ${APPEAL_KIND[a.kind] ?? a.kind}：${APPEAL_AGAINST[a.against] ?? a.against}` }))}
        />
      </Form.Item>
      <Form.Item name="result" label="结果" rules={[{ required: true, message: '请选择结果' }]}>
        <FieldSelect placeholder="请选择" options={options(APPEAL_RESULT)} />
      </Form.Item>
      <Form.Item name="decidedOn" label="决定日期" rules={[{ required: true, message: '请选择决定日期' }]}>
        <DatePicker />
      </Form.Item>
      <Form.Item name="summary" label="决定摘要" rules={required('请填写决定摘要')}>
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记结果
      </Button>
    </Form>
  );
}
