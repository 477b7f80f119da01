import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Space, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import type { Session } from '../../auth/session.ts';
import { DARK } from '../../components/tags.ts';
import { dateTime, INDUSTRY, label, province, yuan } from '../../format.ts';
import { fenOf } from '../../money.ts';
import { Refusal } from '../case/Forms.tsx';
import { useStep } from '../case/useStep.ts';
import { DECLARATION_STATUS } from './labels.ts';

type Declaration = Schemas['Declaration'];

const STATUS_STYLE: Readonly<Record<string, React.CSSProperties>> = { OPEN: {}, CLOSED: DARK.green, REOPENED: DARK.orange };

/**
 * 账单: a platform's bill of a month (D5, D19) — status, closesOn, what is due and settled (元 from integer
 * fen), the fee lines as the API returns them and the settlements; for an administrator the month's actions
 * (重新开放 with a reason, 关闭, 登记缴款), each refusal shown in Chinese next to its field.
 */
export function Bill({ session, platformId, month }: { session: Session; platformId: string; month: string }) {
  const [bill, setBill] = useState<Declaration>();
  const [refusal, setRefusal] = useState<string>();
  const load = useCallback(async () => {
    const { data, error } = await api.GET('/v1/platforms/{platformId}/declarations/{month}', { params: { path: { platformId, month } } });
    if (error || !data) {
      const problem = asProblem(error);
      setBill(undefined);
      return setRefusal(`${problem.title}：${problem.detail ?? ''}`);
    }
    setRefusal(undefined);
    setBill(data);
  }, [platformId, month]);
  useEffect(() => {
    load();
  }, [load]);

  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{`${month} 月度账单`}</h2>;
  if (refusal)
    return (
      <Card title={title}>
        <Alert type="error" showIcon role="alert" message={refusal} />
      </Card>
    );
  if (!bill) return <Card title={title} loading />;
  const admin = session.claims.role === 'admin';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={title}>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} aria-label="账单概况" style={{ marginBottom: 16 }}>
          <Descriptions.Item label="平台编号">{bill.platformId}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <Tag style={STATUS_STYLE[bill.status]}>{label(DECLARATION_STATUS, bill.status)}</Tag>
            {bill.provisional ? <span className="empty-text">（金额未定）</span> : null}
          </Descriptions.Item>
          <Descriptions.Item label="缴费截止日">{bill.closesOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="应缴合计（元）">{yuan(bill.totalFen)}</Descriptions.Item>
          <Descriptions.Item label="已缴（元）">{yuan(bill.settledFen)}</Descriptions.Item>
          <Descriptions.Item label="待缴（元）">{yuan(bill.dueFen)}</Descriptions.Item>
        </Descriptions>
        <Table
          size="small"
          rowKey={(l) => `${l.province}-${l.industry}-${l.rateVersion}`}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={bill.lines}
          aria-label="费用明细"
          locale={{ emptyText: <span className="empty-text">本月没有订单</span> }}
          columns={[
            { title: '省份', dataIndex: 'province', render: (p: string) => province(p) },
            { title: '行业', dataIndex: 'industry', render: (i: string) => label(INDUSTRY, i) },
            { title: '订单数', dataIndex: 'orders', align: 'right' },
            { title: '每单费率（元）', dataIndex: 'rateFen', align: 'right', render: (f: number) => yuan(f) },
            { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (f: number) => yuan(f) },
            { title: '费率版本', dataIndex: 'rateVersion' },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>缴款记录</h2>}>
        <Table
          size="small"
          rowKey="settlementId"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={bill.settlements}
          aria-label="缴款记录"
          locale={{ emptyText: <span className="empty-text">尚无缴款记录</span> }}
          columns={[
            { title: '缴款编号', dataIndex: 'settlementId' },
            { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (f: number) => yuan(f) },
            { title: '缴款日期', dataIndex: 'paidOn' },
            { title: '登记时间', dataIndex: 'recordedAt', render: (at: string) => dateTime(at) },
            { title: '登记人', dataIndex: 'recordedBy' },
          ]}
        />
      </Card>
      {admin ? <MonthActions bill={bill} onDone={load} /> : null}
    </Space>
  );
}

type Props = { bill: Declaration; onDone: () => void };
const path = (bill: Declaration) => ({ params: { path: { platformId: bill.platformId, month: bill.month } } });

/** The administrator's actions the month's status allows (the API refuses the others with 409). */
function MonthActions({ bill, onDone }: Props) {
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>账期操作</h2>}>
      <Space direction="vertical" style={{ width: '100%' }} size="large">
        {bill.status === 'CLOSED' ? <ReopenForm bill={bill} onDone={onDone} /> : null}
        {bill.status === 'REOPENED' ? <CloseForm bill={bill} onDone={onDone} /> : null}
        {bill.status === 'OPEN' ? <p className="empty-text">本月尚未到关账日：到期后自动关账，关账后可重新开放。</p> : null}
        <SettlementForm bill={bill} onDone={onDone} />
      </Space>
    </Card>
  );
}

/** 重新开放 (补报): the written reason is required; the API's refusal shows next to it. */
function ReopenForm({ bill, onDone }: Props) {
  const [form] = Form.useForm<{ reason?: string }>();
  const { busy, refusal, run } = useStep(form, ['reason']);
  return (
    <Form
      form={form}
      name="reopening"
      layout="vertical"
      aria-label="重新开放"
      onFinish={(v) =>
        run(
          () => api.POST('/v1/platforms/{platformId}/declarations/{month}/reopening', { ...path(bill), body: { reason: v.reason ?? '' } }),
          '已重新开放',
          () => {
            form.resetFields();
            onDone();
          },
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item
        name="reason"
        label="重新开放原因"
        rules={[{ required: true, whitespace: true, message: '请填写重新开放原因（如补报订单的缘由）' }]}
        extra="如：平台接口故障，需补报订单。重新开放后可补报订单，补报完成后请关闭。"
      >
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        重新开放
      </Button>
    </Form>
  );
}

/** 关闭 a reopened month; amounts added meanwhile become due. */
function CloseForm({ bill, onDone }: Props) {
  const [form] = Form.useForm<{ reason?: string }>();
  const { busy, refusal, run } = useStep(form, ['reason']);
  return (
    <Form
      form={form}
      name="closing"
      layout="vertical"
      aria-label="关闭账期"
      onFinish={(v) =>
        run(
          () =>
            api.POST('/v1/platforms/{platformId}/declarations/{month}/closing', {
              ...path(bill),
              body: v.reason?.trim() ? { reason: v.reason.trim() } : {},
            }),
          '已关闭',
          () => {
            form.resetFields();
            onDone();
          },
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item name="reason" label="关闭说明（选填）">
        <Input maxLength={1000} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        关闭
      </Button>
    </Form>
  );
}

/** 登记缴款: the amount typed in 元 (two decimals at most, sent as integer fen) and the day it was paid. */
function SettlementForm({ bill, onDone }: Props) {
  const [form] = Form.useForm<{ amount: string; paidOn: Dayjs }>();
  const { busy, refusal, run } = useStep(form, ['amount', 'paidOn'], (p) => (p === 'amountFen' ? 'amount' : p));
  // Money is recorded once: a send whose answer never came (network failure) is retried with the same
  // Idempotency-Key and replayed, not recorded twice; any answer (201 or a refusal) starts a new key.
  const key = useRef(crypto.randomUUID());
  const send = async (body: { amountFen: number; paidOn: string }) => {
    const answer = await api.POST('/v1/platforms/{platformId}/declarations/{month}/settlements', {
      params: { path: { platformId: bill.platformId, month: bill.month }, header: { 'idempotency-key': key.current } },
      body,
    });
    key.current = crypto.randomUUID();
    return answer;
  };
  return (
    <Form
      form={form}
      name="settlement"
      layout="vertical"
      aria-label="登记缴款"
      onFinish={(v) =>
        run(
          () => send({ amountFen: fenOf(v.amount) ?? 0, paidOn: v.paidOn.format('YYYY-MM-DD') }),
          '缴款已登记',
          () => {
            form.resetFields();
            onDone();
          },
        )
      }
    >
      <Refusal text={refusal} />
      <Form.Item
        name="amount"
        label="缴款金额（元）"
        rules={[
          { required: true, message: '请填写缴款金额' },
          {
            validator: async (_, v) =>
              v === undefined || v === '' || fenOf(v) !== undefined ? undefined : Promise.reject(new Error('金额须为元，最多两位小数，例如 1234.50')),
          },
        ]}
      >
        <Input style={{ width: 200, maxWidth: '100%' }} inputMode="decimal" placeholder={bill.dueFen > 0 ? yuan(bill.dueFen).replace(/,/g, '') : '0.00'} />
      </Form.Item>
      <Form.Item name="paidOn" label="缴款日期" rules={[{ required: true, message: '请选择缴款日期' }]}>
        <DatePicker />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        登记缴款
      </Button>
    </Form>
  );
}
