import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { runMonths } from '../admin.ts';
import { api, type Schemas } from '../api/client.ts';
import { asProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { FieldSelect } from '../components/FieldSelect.tsx';
import { RoleGate } from '../components/RoleGate.tsx';
import { DARK } from '../components/tags.ts';
import { label, RUN_STATUS, yuan } from '../format.ts';
import { useStep } from './case/useStep.ts';

/** How often a running run is read again (it instructs every entitled case's month in the background). */
const POLL_MS = 1000;

const RUN_COLOR = { RUNNING: DARK.gold, SUCCEEDED: DARK.green, FAILED: DARK.red } as const;

/**
 * 按月支付 (admin): starts the month's payment run (`POST /v1/payment-runs`, the current or the next month)
 * and shows a run (`GET /v1/payment-runs/{runId}`): its status, the payments it instructed and their total.
 */
export default function PaymentRuns({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={['admin']} what="按月支付">
      <Runs />
    </RoleGate>
  );
}

function Runs() {
  const { runId } = useParams();
  const navigate = useNavigate();
  const [run, setRun] = useState<Schemas['PaymentRun']>();
  const [missing, setMissing] = useState<string>();
  const [form] = Form.useForm<{ month: string }>();
  const { busy, refusal, run: send } = useStep(form, ['month']);
  const months = runMonths();

  const load = useCallback(async () => {
    if (!runId) return setRun(undefined);
    const { data, error } = await api.GET('/v1/payment-runs/{runId}', { params: { path: { runId } } });
    if (error || !data) {
      setRun(undefined);
      return setMissing(asProblem(error).detail);
    }
    setMissing(undefined);
    setRun(data);
  }, [runId]);
  useEffect(() => {
    load();
  }, [load]);
  // A run instructs in the background: read it again until it has finished.
  useEffect(() => {
    if (run?.status !== 'RUNNING') return;
    const timer = setTimeout(load, POLL_MS);
    return () => clearTimeout(timer);
  }, [run, load]);

  const start = ({ month }: { month: string }) => {
    let started: string | undefined;
    return send(
      async () => {
        const answer = await api.POST('/v1/payment-runs', { body: { month } });
        started = answer.data?.runId;
        return answer;
      },
      `已启动 ${month} 的按月支付`,
      () => started && navigate(`/payment-runs/${started}`),
    );
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>按月支付</h1>}>
        <p>按月支付为已核准案件的按月待遇（伤残津贴、生活护理费、供养亲属抚恤金）逐月下达支付指令；同一月份重复运行不会重复支付。只能为本月或下月运行。</p>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        <Form form={form} layout="inline" onFinish={start} initialValues={{ month: months[0] }} style={{ rowGap: 8 }}>
          <Form.Item name="month" label="支付月份" rules={[{ required: true, message: '请选择支付月份' }]}>
            <FieldSelect style={{ width: 140 }} options={months.map((m) => ({ value: m, label: m }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            启动按月支付
          </Button>
        </Form>
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>查询运行</h2>}>
        <Form layout="inline" onFinish={({ id }: { id: string }) => navigate(`/payment-runs/${encodeURIComponent(id.trim())}`)} style={{ rowGap: 8 }}>
          <Form.Item name="id" label="运行编号" rules={[{ required: true, whitespace: true, message: '请填写运行编号' }]}>
            <Input style={{ width: 260, maxWidth: '100%' }} placeholder="例如 run-2026-12-scheduled" />
          </Form.Item>
          <Button htmlType="submit">查询</Button>
        </Form>
        {missing ? <Alert type="warning" showIcon role="alert" message={`运行 ${runId}：${missing}`} style={{ marginTop: 16 }} /> : null}
      </Card>
      {run ? (
        <Card title={<h2 style={{ fontSize: 16, margin: 0, overflowWrap: 'anywhere' }}>运行 {run.runId}</h2>}>
          <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }}>
            <Descriptions.Item label="支付月份">{run.month}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag style={RUN_COLOR[run.status]}>{label(RUN_STATUS, run.status)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="下达支付（笔）">{run.payments}</Descriptions.Item>
            <Descriptions.Item label="合计（元）">{yuan(run.totalFen)}</Descriptions.Item>
          </Descriptions>
          <p style={{ marginBottom: 0 }}>
            {run.status === 'RUNNING'
              ? '正在逐案下达支付指令，本页自动刷新。'
              : run.status === 'SUCCEEDED'
                ? '本次运行下达的支付为「已指令」状态，由资金岗在支付批次中报盘。'
                : '运行失败：已下达的支付保持有效，可再次运行同一月份补足（不会重复支付）。'}{' '}
            <Link to="/payment-batches">前往支付批次</Link>
          </p>
        </Card>
      ) : null}
    </Space>
  );
}
