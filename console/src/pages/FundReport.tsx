import { Alert, Button, Card, Descriptions, Form, Input, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { runMonths } from '../admin.ts';
import { api, type Schemas } from '../api/client.ts';
import { asProblem, splitProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { FieldSelect } from '../components/FieldSelect.tsx';
import { RoleGate } from '../components/RoleGate.tsx';
import { DARK } from '../components/tags.ts';
import { BATCH_STATUS, BENEFIT_ITEM, dateTime, label, province, yuan } from '../format.ts';

type Report = Schemas['FundReport'];
type Amounts = Report['totals'];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const amountColumns = [
  { title: '已指令', dataIndex: 'instructedFen' },
  { title: '已报盘', dataIndex: 'sentFen' },
  { title: '已到账', dataIndex: 'paidFen' },
  { title: '已退票', dataIndex: 'returnedFen' },
  { title: '已取消', dataIndex: 'cancelledFen' },
].map((c) => ({ ...c, title: `${c.title}（元）`, align: 'right' as const, render: (f: number) => yuan(f) }));

/** 资金月报 (finance, admin): a province's fund movements of a month per benefit item, reconciled with its bank batches. */
export default function FundReport({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={['finance', 'admin']} what="资金月报">
      <ReportPage session={session} />
    </RoleGate>
  );
}

function ReportPage({ session }: { session: Session }) {
  const provinces = session.claims.provinces ?? [];
  const [params, setParams] = useSearchParams();
  const month = params.get('month') ?? runMonths()[0];
  const code = params.get('province') ?? provinces[0];
  const [form] = Form.useForm<{ month: string; province: string }>();
  const [report, setReport] = useState<Report>();
  const [refusal, setRefusal] = useState<string>();

  useEffect(() => {
    form.setFieldsValue({ month, province: code });
    if (!code || !MONTH.test(month)) return;
    let live = true;
    (async () => {
      const { data, error } = await api.GET('/v1/fund-reports/{month}', { params: { path: { month }, query: { province: code } } });
      if (!live) return;
      if (error || !data) {
        const { fieldErrors, text } = splitProblem(asProblem(error), ['month', 'province']);
        form.setFields(fieldErrors as never);
        setReport(undefined);
        return setRefusal(`${asProblem(error).title}：${text}`);
      }
      setRefusal(undefined);
      setReport(data);
    })();
    return () => {
      live = false;
    };
  }, [month, code, form]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>资金月报</h1>}>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          layout="inline"
          initialValues={{ month, province: code }}
          onFinish={(v) => setParams({ month: v.month.trim(), province: v.province })}
          style={{ rowGap: 8 }}
        >
          <Form.Item
            name="month"
            label="月份"
            rules={[
              { required: true, message: '请填写月份' },
              { pattern: MONTH, message: '月份格式应为 YYYY-MM，例如 2026-12' },
            ]}
          >
            <Input style={{ width: 120 }} placeholder="YYYY-MM" inputMode="numeric" />
          </Form.Item>
          <Form.Item name="province" label="省份" rules={[{ required: true, message: '请选择省份' }]}>
            <FieldSelect style={{ width: 160 }} options={provinces.map((p) => ({ value: p, label: province(p) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
      </Card>
      {report ? <ReportView report={report} /> : null}
    </Space>
  );
}

function ReportView({ report }: { report: Report }) {
  const sum = (a: Amounts) => amountColumns.map((c) => a[c.dataIndex as keyof Amounts]);
  return (
    <>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{`${province(report.province)} ${report.month} 资金收支`}</h2>}>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="对账">{report.reconciled ? <Tag style={DARK.green}>已平衡</Tag> : <Tag style={DARK.red}>不平衡</Tag>}</Descriptions.Item>
          <Descriptions.Item label="批次合计（元）">{yuan(report.batchTotalFen)}</Descriptions.Item>
          <Descriptions.Item label="抵扣追回（元）">{yuan(report.offsetFen)}</Descriptions.Item>
          <Descriptions.Item label="银行回盘：到账（元）">{yuan(report.bank.paidFen)}</Descriptions.Item>
          <Descriptions.Item label="银行回盘：退票（元）">{yuan(report.bank.returnedFen)}</Descriptions.Item>
        </Descriptions>
        <p className="empty-text">对账：已报盘金额减去抵扣的追回款，应与本月各批次合计一致（精确到分）。</p>
        <Table
          size="small"
          rowKey="item"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={report.items}
          locale={{ emptyText: <span className="empty-text">本月无资金收支</span> }}
          columns={[{ title: '待遇项目', dataIndex: 'item', render: (i: string) => label(BENEFIT_ITEM, i) }, ...amountColumns]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <strong>合计</strong>
              </Table.Summary.Cell>
              {sum(report.totals).map((f, i) => (
                <Table.Summary.Cell key={amountColumns[i]!.dataIndex} index={i + 1} align="right">
                  <strong>{yuan(f)}</strong>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          )}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>本月支付批次</h2>}>
        <Table
          size="small"
          rowKey="batchId"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={report.batches}
          locale={{ emptyText: <span className="empty-text">本月未生成支付批次</span> }}
          columns={[
            { title: '批次', dataIndex: 'batchId', render: (id: string) => <Link to={`/payment-batches/${id}`}>{id}</Link> },
            { title: '状态', dataIndex: 'status', render: (s: string) => label(BATCH_STATUS, s) },
            { title: '笔数', dataIndex: 'payments', align: 'right' },
            { title: '合计（元）', dataIndex: 'totalFen', align: 'right', render: (f: number) => yuan(f) },
            { title: '生成时间', dataIndex: 'createdAt', render: (at: string) => dateTime(at) },
          ]}
        />
      </Card>
    </>
  );
}
