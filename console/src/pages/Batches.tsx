import { FieldSelect } from '../components/FieldSelect.tsx';
import { Alert, App, Button, Card, Descriptions, Form, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, download, type Schemas } from '../api/client.ts';
import { asProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { dateTime, province, yuan } from '../format.ts';
import { BatchItems } from './finance/BankResults.tsx';

/** 支付批次 (finance): a batch of every instructed payment of a province, its items, the bank file and the bank's results. */
export default function Batches({ session }: { session: Session }) {
  const { batchId } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [batch, setBatch] = useState<Schemas['PaymentBatch']>();
  const [refusal, setRefusal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const provinces = session.claims.provinces ?? [];

  const load = useCallback(async () => {
    if (!batchId) return setBatch(undefined);
    const { data, error } = await api.GET('/v1/payment-batches/{batchId}', { params: { path: { batchId } } });
    if (error) return setRefusal(asProblem(error).detail);
    setBatch(data);
  }, [batchId]);
  useEffect(() => {
    load();
  }, [load]);

  const create = async ({ province: code }: { province: string }) => {
    setBusy(true);
    setRefusal(undefined);
    const { data, error } = await api.POST('/v1/payment-batches', { body: { province: code } });
    setBusy(false);
    if (error || !data) return setRefusal(`${asProblem(error).title}：${asProblem(error).detail}`);
    message.success(`已生成批次：${data.payments} 笔，合计 ${yuan(data.totalFen)} 元`);
    navigate(`/payment-batches/${data.batchId}`);
  };

  const save = async (format: 'csv' | 'pain.001') => {
    if (!batch) return;
    const problem = await download(`/v1/payment-batches/${batch.batchId}/file?format=${format}`, `${batch.batchId}.${format === 'csv' ? 'csv' : 'xml'}`);
    if (problem) setRefusal(`${problem.title}：${problem.detail}`);
    else message.success('银行文件已下载');
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>支付批次</h1>}>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        {session.claims.role === 'finance' ? (
          <Form layout="inline" onFinish={create} initialValues={{ province: provinces[0] }}>
            <Form.Item name="province" label="省份" rules={[{ required: true, message: '请选择省份' }]}>
              <FieldSelect style={{ width: 180 }} options={provinces.map((code) => ({ value: code, label: province(code) }))} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              生成支付批次
            </Button>
          </Form>
        ) : (
          <span>复核与管理员可查看批次；生成与下载银行文件由资金岗办理。</span>
        )}
      </Card>
      {batch ? (
        <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>批次 {batch.batchId}</h2>}>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="省份">{province(batch.province)}</Descriptions.Item>
            <Descriptions.Item label="笔数">{batch.payments}</Descriptions.Item>
            <Descriptions.Item label="合计（元）">{yuan(batch.totalFen)}</Descriptions.Item>
            <Descriptions.Item label="生成时间">{dateTime(batch.createdAt)}</Descriptions.Item>
            <Descriptions.Item label="付款账户">
              {batch.debtor.name} {batch.debtor.account} {batch.debtor.bankName}
            </Descriptions.Item>
            <Descriptions.Item label="下载记录">
              {batch.downloads.length ? batch.downloads.map((d) => `${d.by} ${dateTime(d.at)} ${d.format}`).join('；') : '无'}
            </Descriptions.Item>
          </Descriptions>
          {session.claims.role === 'finance' ? (
            <Space style={{ margin: '8px 0 16px' }}>
              <Button onClick={() => save('csv')}>下载 CSV</Button>
              <Button onClick={() => save('pain.001')}>下载 pain.001（XML）</Button>
            </Space>
          ) : null}
          <BatchItems batch={batch} settle={session.claims.role === 'finance'} onDone={load} />
        </Card>
      ) : null}
    </Space>
  );
}
