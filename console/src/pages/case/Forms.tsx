import { FieldSelect } from '../../components/FieldSelect.tsx';
import { Alert, Button, DatePicker, Form, Input, InputNumber, Radio, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, type Schemas } from '../../api/client.ts';
import { BASES_OF_OUTCOME, BASIS, label, NURSING, OUTCOME, yuan } from '../../format.ts';
import { fenOf } from '../../money.ts';
import { useStep } from './useStep.ts';

export interface StepProps {
  readonly caseId: string;
  readonly onDone: () => void;
}

export const Refusal = ({ text }: { text: string | undefined }) =>
  text ? <Alert type="error" showIcon role="alert" message={text} style={{ marginBottom: 16 }} /> : null;

/** 认定 (handler, UNDER_REVIEW): outcome, a basis of that outcome (D7), reasons, whether an assessment follows. */
export function ConfirmationForm({ caseId, onDone }: StepProps) {
  const [form] = Form.useForm<{
    outcome: Schemas['Confirmation']['outcome'];
    basis: Schemas['Confirmation']['basis'];
    reasons?: string;
    assessmentRequired: boolean;
  }>();
  const outcome = Form.useWatch('outcome', form);
  const { busy, refusal, run } = useStep(form, ['outcome', 'basis', 'reasons', 'assessmentRequired']);
  return (
    <Form
      name="confirmation"
      form={form}
      layout="vertical"
      initialValues={{ outcome: 'CONFIRMED', assessmentRequired: false }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/confirmation', {
              params: { path: { caseId } },
              body: {
                outcome: v.outcome,
                basis: v.basis,
                assessmentRequired: v.assessmentRequired,
                ...(v.reasons?.trim()
                  ? {
                      reasons: v.reasons
                        .split('\n')
                        .map((r) => r.trim())
                        .filter(Boolean),
                    }
                  : {}),
              },
            }),
          '认定结论已提交',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="outcome" label="认定结论">
        <Radio.Group
          onChange={() => form.setFieldValue('basis', undefined)}
          options={Object.entries(OUTCOME).map(([value, name]) => ({ value, label: name }))}
          optionType="button"
        />
      </Form.Item>
      <Form.Item name="basis" label="认定依据" rules={[{ required: true, message: '请选择认定依据' }]}>
        <FieldSelect placeholder="请选择" options={(BASES_OF_OUTCOME[outcome ?? 'CONFIRMED'] ?? []).map((b) => ({ value: b, label: label(BASIS, b) }))} />
      </Form.Item>
      <Form.Item name="reasons" label="理由（每行一条；不予认定时必填）">
        <Input.TextArea rows={3} maxLength={1000} />
      </Form.Item>
      <Form.Item name="assessmentRequired" label="需要劳动能力鉴定" valuePropName="checked">
        <Switch />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        提交认定
      </Button>
    </Form>
  );
}

/** 费用 (handler): one expense item in 元 (sent as integer fen) and the inpatient days. */
export function ExpensesForm({ caseId, onDone }: StepProps) {
  const [form] = Form.useForm<{ description: string; amount: string; inCatalogue: boolean; inpatientDays: number }>();
  const rename = (path: string) => path.replace(/^items\.\d+\./, '').replace(/^amountFen$/, 'amount');
  const { busy, refusal, run } = useStep(form, ['description', 'amount', 'inCatalogue', 'inpatientDays'], rename);
  return (
    <Form
      name="expenses"
      form={form}
      layout="vertical"
      initialValues={{ inCatalogue: true, inpatientDays: 0 }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/expenses', {
              params: { path: { caseId } },
              body: { items: [{ description: v.description, amountFen: fenOf(v.amount) ?? -1, inCatalogue: v.inCatalogue }], inpatientDays: v.inpatientDays },
            }),
          '费用已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="description" label="费用项目" rules={[{ required: true, message: '请填写费用项目' }]}>
        <Input maxLength={1000} />
      </Form.Item>
      <Form.Item
        name="amount"
        label="金额（元）"
        rules={[
          { required: true, message: '请填写金额' },
          { validator: async (_, v) => (v === undefined || fenOf(v) !== undefined ? undefined : Promise.reject(new Error('金额格式应为元，最多两位小数'))) },
        ]}
      >
        <Input inputMode="decimal" placeholder="例如 800.00" />
      </Form.Item>
      <Form.Item name="inCatalogue" label="属于目录内费用" valuePropName="checked">
        <Switch />
      </Form.Item>
      <Form.Item name="inpatientDays" label="住院天数">
        <InputNumber min={0} precision={0} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记费用
      </Button>
    </Form>
  );
}

type AssessmentType = 'initial' | 'reassessment' | 'review';
const ASSESSMENT_TYPE: Readonly<Record<AssessmentType, string>> = { initial: '初次鉴定', reassessment: '再次鉴定', review: '复查鉴定' };

/** 鉴定 (assessor): the type the case's status accepts, the grade (1–10 or none), the nursing level and the date it was concluded. */
export function AssessmentForm({ caseId, onDone, types = ['initial'] }: StepProps & { readonly types?: readonly AssessmentType[] }) {
  const [form] = Form.useForm<{ type: AssessmentType; grade: number | 0; nursing: string; concludedOn: Dayjs }>();
  const { busy, refusal, run } = useStep(form, ['type', 'grade', 'nursing', 'concludedOn']);
  return (
    <Form
      name="assessment"
      form={form}
      layout="vertical"
      initialValues={{ type: types[0], grade: 0, nursing: 'NONE' }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/assessment', {
              params: { path: { caseId } },
              body: {
                type: v.type,
                grade: v.grade === 0 ? null : v.grade,
                nursing: v.nursing === 'NONE' ? null : (v.nursing as 'FULL' | 'MAJOR' | 'PARTIAL'),
                concludedOn: v.concludedOn.format('YYYY-MM-DD'),
              },
            }),
          '鉴定结论已登记',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="type" label="鉴定类型">
        <Radio.Group optionType="button" options={types.map((value) => ({ value, label: ASSESSMENT_TYPE[value] }))} />
      </Form.Item>
      <Form.Item name="grade" label="伤残等级">
        <FieldSelect options={[{ value: 0, label: '未达伤残等级' }, ...Array.from({ length: 10 }, (_, i) => ({ value: i + 1, label: `${i + 1} 级` }))]} />
      </Form.Item>
      <Form.Item name="nursing" label="生活护理依赖">
        <FieldSelect options={[{ value: 'NONE', label: '无' }, ...Object.entries(NURSING).map(([value, name]) => ({ value, label: name }))]} />
      </Form.Item>
      <Form.Item name="concludedOn" label="鉴定结论日期" rules={[{ required: true, message: '请选择鉴定结论日期' }]}>
        <DatePicker />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记鉴定结论
      </Button>
    </Form>
  );
}

/** 复核 (reviewer): approves or returns exactly the calculation shown (D14); a maker of the case is refused (403). */
export function ApprovalForm({ caseId, onDone, benefits }: StepProps & { readonly benefits: Schemas['Benefits'] | undefined }) {
  const [form] = Form.useForm<{ decision: 'approve' | 'return'; comment?: string }>();
  const { busy, refusal, run } = useStep(form, ['decision', 'comment']);
  if (!benefits?.calculationId) return <Alert type="info" showIcon message="尚无待复核的待遇核定结果。" />;
  const calculationId = benefits.calculationId;
  return (
    <Form
      name="approval"
      form={form}
      layout="vertical"
      initialValues={{ decision: 'approve' }}
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/cases/{caseId}/approval', {
              params: { path: { caseId } },
              body: { decision: v.decision, calculationId, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) },
            }),
          v.decision === 'approve' ? '已核准' : '已退回',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      <Alert
        type="info"
        style={{ marginBottom: 16 }}
        message={
          <span>
            复核对象：核定结果 <code>{calculationId}</code>；一次性待遇合计 <strong>{yuan(benefits.oneOffTotalFen)} 元</strong>，按月待遇合计{' '}
            <strong>{yuan(benefits.monthlyTotalFen)} 元/月</strong>
          </span>
        }
      />
      <Form.Item name="decision" label="复核意见">
        <Radio.Group
          optionType="button"
          options={[
            { value: 'approve', label: '核准' },
            { value: 'return', label: '退回' },
          ]}
        />
      </Form.Item>
      <Form.Item name="comment" label="说明">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        提交复核
      </Button>
    </Form>
  );
}
