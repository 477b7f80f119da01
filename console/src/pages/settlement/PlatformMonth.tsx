import { Button, Form, Input } from 'antd';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import type { Session } from '../../auth/session.ts';
import { shanghaiToday } from '../../format.ts';
import { MONTH } from './labels.ts';

/**
 * The platform and month a page shows, kept in the address (`?platformId=&month=`): a platform always sees
 * its own; staff and administrators choose any platform. The month defaults to the current one (Shanghai).
 */
export function usePlatformMonth(session: Session) {
  const [params, setParams] = useSearchParams();
  const own = session.claims.role === 'platform' ? session.claims.platformId : undefined;
  const platformId = own ?? params.get('platformId') ?? '';
  const month = params.get('month') ?? shanghaiToday().slice(0, 7);
  const choose = (v: { platformId?: string; month: string }) => {
    const next = new URLSearchParams(params);
    if (!own && v.platformId !== undefined) next.set('platformId', v.platformId.trim());
    next.set('month', v.month.trim());
    setParams(next);
  };
  return { platformId, month, fixedPlatform: own !== undefined, choose };
}

/** The picker: 平台编号 (staff and administrators only) and 月份. */
export function PlatformMonthPicker({
  platformId,
  month,
  fixedPlatform,
  onChoose,
}: {
  platformId: string;
  month: string;
  fixedPlatform: boolean;
  onChoose: (v: { platformId?: string; month: string }) => void;
}) {
  const [form] = Form.useForm<{ platformId?: string; month: string }>();
  useEffect(() => form.setFieldsValue({ month, ...(fixedPlatform ? {} : { platformId }) }), [form, platformId, month, fixedPlatform]);
  return (
    <Form form={form} layout="inline" name="platformMonth" onFinish={onChoose} style={{ rowGap: 8 }} initialValues={{ platformId, month }}>
      {fixedPlatform ? null : (
        <Form.Item name="platformId" label="平台编号" rules={[{ required: true, whitespace: true, message: '请填写平台编号' }]}>
          <Input style={{ width: 240, maxWidth: '100%' }} maxLength={128} />
        </Form.Item>
      )}
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
      <Button type="primary" htmlType="submit">
        查询
      </Button>
    </Form>
  );
}
