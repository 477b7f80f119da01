/**
 * 申诉 on the rider's case page (D17): the appeals filed against the case's decisions, with their due dates
 * and results, and a form to file one today against a decision the case has. The API decides whether it is
 * accepted (409 without a decision, or with an appeal of that decision still open) and whether it is late.
 */
import { Alert, Button, Form, Tag } from 'antd';
import { ruleTableOn } from '../../../../core/rule-tables.ts';
import { api, type Case } from '../../api/client.ts';
import { APPEAL_AGAINST, APPEAL_KIND, APPEAL_RESULT } from '../../case-labels.ts';
import { label, shanghaiToday } from '../../format.ts';
import { useStep } from '../case/useStep.ts';
import { Choices } from './Choices.tsx';

type Against = 'CONFIRMATION' | 'ASSESSMENT' | 'BENEFITS';
type Kind = 'RECONSIDERATION' | 'LITIGATION';

export function RiderAppeals({
  caseId,
  appeals,
  decisions,
  onChanged,
}: {
  caseId: string;
  appeals: NonNullable<Case['appeals']>;
  /** The decisions the case has, in the order of the case (an appeal is against one of them). */
  decisions: readonly Against[];
  onChanged: () => Promise<unknown>;
}) {
  const [form] = Form.useForm<{ against: Against; kind: Kind }>();
  const { busy, refusal, run } = useStep(form, ['against', 'kind']);
  const submit = (v: { against: Against; kind: Kind }) =>
    run(
      () => api.POST('/v1/cases/{caseId}/appeals', { params: { path: { caseId } }, body: { kind: v.kind, against: v.against, filedOn: shanghaiToday() } }),
      '申诉已提交',
      () => {
        form.resetFields();
        void onChanged();
      },
    );
  return (
    <section aria-label="申诉">
      {appeals.length ? (
        <ul className="rider-list" aria-label="我的申诉">
          {appeals.map((a) => (
            <li key={a.appealId} className="rider-benefit">
              <div className="rider-row">
                <strong>
                  {label(APPEAL_KIND, a.kind)} · {label(APPEAL_AGAINST, a.against)}
                </strong>
                {a.result ? <Tag>{label(APPEAL_RESULT, a.result)}</Tag> : <Tag>处理中</Tag>}
              </div>
              <span className="rider-muted">
                {a.filedOn} 提出 · 期限 {a.due.date}
                {a.due.provisional ? '（暂定）' : ''}
                {a.late ? ' · 超过期限提出' : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {decisions.length === 0 ? (
        <p className="empty-text">案件还没有可以申诉的决定。</p>
      ) : (
        <Form name="rider-appeal" form={form} layout="vertical" onFinish={submit} initialValues={{ against: decisions.at(-1), kind: 'RECONSIDERATION' }}>
          {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 12 }} /> : null}
          <Form.Item name="against" label="对哪个决定不服" rules={[{ required: true, message: '请选择决定' }]}>
            <Choices className="rider-choices" options={decisions.map((d) => ({ value: d, label: label(APPEAL_AGAINST, d) }))} />
          </Form.Item>
          <Form.Item name="kind" label="申请方式" rules={[{ required: true, message: '请选择方式' }]}>
            <Choices className="rider-choices" options={Object.entries(APPEAL_KIND).map(([value, text]) => ({ value, label: text }))} />
          </Form.Item>
          <p className="rider-muted">
            以今天（{shanghaiToday()}）为提出日期。行政复议须在决定作出后 {ruleTableOn(shanghaiToday()).appeals.reconsiderationDays} 日内提出。
          </p>
          <Button type="primary" size="large" block htmlType="submit" loading={busy}>
            提交申诉
          </Button>
        </Form>
      )}
    </section>
  );
}
