import { Alert, Button, Card, Descriptions, Empty, Form, Input, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import type { Session } from '../../auth/session.ts';
import { RoleGate } from '../../components/RoleGate.tsx';
import { DARK } from '../../components/tags.ts';
import { dateTime, label, province } from '../../format.ts';
import { Refusal } from '../case/Forms.tsx';
import { useStep } from '../case/useStep.ts';
import { ASSISTANCE_ROLES, INJURY_KIND } from './labels.ts';

type Request = Schemas['AssistanceRequestView'];

/**
 * 协查 (D18) for staff: the requests addressed to their provinces, each with an answer form while unanswered,
 * and those their provinces sent, with the answers. What the API shows the assisting staff — the task, the
 * case id, injury date, place and kind — is all there is: no name, ID number, payee or diagnosis, and the
 * case id links nowhere for them (the case is not theirs to open).
 */
export default function AssistancePage({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={ASSISTANCE_ROLES} what="协查">
      <AssistanceLists />
    </RoleGate>
  );
}

function AssistanceLists() {
  const [received, setReceived] = useState<Request[]>();
  const [sent, setSent] = useState<Request[]>();
  const [refusal, setRefusal] = useState<string>();
  const load = useCallback(async () => {
    const [r, s] = await Promise.all([
      api.GET('/v1/assistance-requests', { params: { query: { direction: 'received' } } }),
      api.GET('/v1/assistance-requests', { params: { query: { direction: 'sent' } } }),
    ]);
    const failed = r.error ?? s.error;
    if (failed) return setRefusal(`${asProblem(failed).title}：${asProblem(failed).detail ?? ''}`);
    setRefusal(undefined);
    setReceived(r.data?.items ?? []);
    setSent(s.data?.items ?? []);
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>协查</h1>}>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} /> : null}
        <p className="empty-text" style={{ margin: 0 }}>
          其他省份请求本省协助调查的事项在此答复；协查只显示案件编号、伤害日期、地点和类型，不含个人信息。
        </p>
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>发给本省的协查</h2>} loading={received === undefined}>
        {received?.length ? (
          <Space direction="vertical" style={{ width: '100%' }} size="middle">
            {received.map((r) => (
              <RequestCard key={r.requestId} request={r} direction="received" onAnswered={load} />
            ))}
          </Space>
        ) : (
          <Empty description={<span className="empty-text">没有发给本省的协查请求</span>} />
        )}
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>本省发出的协查</h2>} loading={sent === undefined}>
        {sent?.length ? (
          <Space direction="vertical" style={{ width: '100%' }} size="middle">
            {sent.map((r) => (
              <RequestCard key={r.requestId} request={r} direction="sent" onAnswered={load} />
            ))}
          </Space>
        ) : (
          <Empty description={<span className="empty-text">本省没有发出协查请求</span>} />
        )}
      </Card>
    </Space>
  );
}

/** One request: what was asked, the case's non-personal facts, the answer or (received, unanswered) the form. */
export function RequestCard({
  request: r,
  direction,
  onAnswered,
  narrow = false,
}: {
  request: Request;
  direction: 'received' | 'sent';
  onAnswered: () => void;
  /** One fact per line (the case page's side column). */
  narrow?: boolean;
}) {
  return (
    <Card
      size="small"
      type="inner"
      aria-label={`协查 ${r.requestId}`}
      title={
        <span style={{ whiteSpace: 'normal' }}>
          {`协查 ${r.requestId} `}
          {r.answer !== undefined ? <Tag style={DARK.green}>已答复</Tag> : <Tag style={DARK.orange}>待答复</Tag>}
        </span>
      }
    >
      <Descriptions size="small" column={narrow ? 1 : { xs: 1, md: 2, xl: 3 }}>
        <Descriptions.Item label="案件编号">{direction === 'sent' ? <Link to={`/cases/${r.caseId}`}>{r.caseId}</Link> : r.caseId}</Descriptions.Item>
        <Descriptions.Item label="请求省份">{province(r.fromProvince)}</Descriptions.Item>
        <Descriptions.Item label="协查省份">{province(r.province)}</Descriptions.Item>
        <Descriptions.Item label="伤害日期">{r.occurredOn}</Descriptions.Item>
        <Descriptions.Item label="伤害地点">{r.place || '—'}</Descriptions.Item>
        <Descriptions.Item label="伤害类型">{label(INJURY_KIND, r.kind)}</Descriptions.Item>
        <Descriptions.Item label="请求时间">{dateTime(r.requestedAt)}</Descriptions.Item>
        <Descriptions.Item label="协查事项" span={narrow ? 1 : 3}>
          <span style={{ whiteSpace: 'pre-wrap' }}>{r.task}</span>
        </Descriptions.Item>
        {r.answer !== undefined ? (
          <Descriptions.Item label={`答复（${dateTime(r.answeredAt)}）`} span={narrow ? 1 : 3}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{r.answer}</span>
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {direction === 'received' && r.answer === undefined ? <AnswerForm requestId={r.requestId} onDone={onAnswered} /> : null}
    </Card>
  );
}

/** 答复 a request addressed to one's province, once (a second answer → 409, shown). */
function AnswerForm({ requestId, onDone }: { requestId: string; onDone: () => void }) {
  const [form] = Form.useForm<{ answer: string }>();
  const { busy, refusal, run } = useStep(form, ['answer']);
  return (
    <Form
      form={form}
      name={`answer-${requestId}`}
      layout="vertical"
      aria-label={`答复协查 ${requestId}`}
      style={{ marginTop: 16 }}
      onFinish={(v) =>
        run(() => api.POST('/v1/assistance-requests/{requestId}/answer', { params: { path: { requestId } }, body: { answer: v.answer } }), '已答复', onDone)
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="answer" label="协查答复" rules={[{ required: true, whitespace: true, message: '请填写协查答复' }]}>
        <Input.TextArea rows={3} maxLength={1000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        提交答复
      </Button>
    </Form>
  );
}
