import { Button, Form, Input, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { PROVINCES } from '../../format.ts';
import { RequestCard } from '../settlement/Assistance.tsx';
import { Refusal } from './Forms.tsx';
import { useStep } from './useStep.ts';

/**
 * 请求协查 (D18, a handler of the case's province — the only caller the API accepts): another province is
 * asked to help (the case's own is not offered; the API refuses it with 400 naming `province`); below, this
 * case's requests and their answers.
 */
export function AssistanceRequestForm({ caseId, caseProvince }: { caseId: string; caseProvince: string }) {
  const [form] = Form.useForm<{ province: string; task: string }>();
  const { busy, refusal, run } = useStep(form, ['province', 'task']);
  const [mine, setMine] = useState<Schemas['AssistanceRequestView'][]>([]);
  const load = useCallback(async () => {
    const { data } = await api.GET('/v1/assistance-requests', { params: { query: { direction: 'sent' } } });
    setMine((data?.items ?? []).filter((r) => r.caseId === caseId));
  }, [caseId]);
  useEffect(() => {
    load();
  }, [load]);
  const others = Object.entries(PROVINCES)
    .filter(([code]) => code !== caseProvince)
    .map(([value, label]) => ({ value, label }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Form
        form={form}
        name="assistance"
        layout="vertical"
        aria-label="请求协查"
        onFinish={(v) =>
          run(
            () => api.POST('/v1/cases/{caseId}/assistance-requests', { params: { path: { caseId } }, body: { province: v.province, task: v.task } }),
            '协查请求已发出',
            () => {
              form.resetFields();
              load();
            },
          )
        }
      >
        <Refusal text={refusal} />
        <Form.Item name="province" label="协查省份" rules={[{ required: true, message: '请选择协查省份' }]}>
          <FieldSelect showSearch optionFilterProp="label" placeholder="请选择" options={others} />
        </Form.Item>
        <Form.Item name="task" label="协查事项" rules={[{ required: true, whitespace: true, message: '请填写协查事项' }]}>
          <Input.TextArea rows={3} maxLength={1000} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          发出协查请求
        </Button>
      </Form>
      {mine.map((r) => (
        <RequestCard key={r.requestId} request={r} direction="sent" onAnswered={load} narrow />
      ))}
    </Space>
  );
}
