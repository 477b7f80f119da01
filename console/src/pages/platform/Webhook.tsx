/**
 * Webhook 设置: the platform's receiver of events (`PUT /v1/platforms/{platformId}/webhook`, D21): the URL and
 * the events; each save issues a new signing secret, shown once here (kept in this page's memory only, until
 * 我已妥善保存 or leaving the page; the API never shows it again). 删除 removes the webhook (`DELETE`). The
 * delivery log (`GET …/webhook/deliveries`) lists every attempt with the receiver's answer; 重新投递 sends one
 * again with the same `webhook-id` (`POST …/deliveries/{deliveryId}/redelivery`).
 */
import { Alert, App, Button, Card, Checkbox, type CheckboxOptionType, Form, Input, Popconfirm, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';
import { dateTime, label } from '../../format.ts';
import './platform.css';

type Attempt = Schemas['WebhookDeliveryAttempt'];
type EventType = Schemas['WebhookRequest']['events'][number];

const EVENTS: Readonly<Record<EventType, string>> = {
  'injury_report.created': '报案已登记（injury_report.created）',
  'case.status_changed': '案件状态变化（case.status_changed）',
  'declaration.closed': '月度账单关账（declaration.closed）',
  'credit_record.created': '新增信用记录（credit_record.created）',
};
const EVENT_SHORT: Readonly<Record<string, string>> = {
  'injury_report.created': '报案已登记',
  'case.status_changed': '案件状态变化',
  'declaration.closed': '账单关账',
  'credit_record.created': '新增信用记录',
};

export default function Webhook({ platformId }: { platformId: string }) {
  const [secret, setSecret] = useState<string>();
  const [reload, setReload] = useState(0);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>Webhook 设置</h1>}>
        <Typography.Paragraph>
          系统按 Standard Webhooks 规范向此地址推送事件（请求头 webhook-id、webhook-timestamp、webhook-signature；签名为用密钥计算的
          HMAC-SHA256）。推送内容只含编号，不含个人信息；接收方未在 10 秒内返回 2xx 时会按退避策略重试至少 24 小时。
        </Typography.Paragraph>
        {secret ? <SecretOnce secret={secret} onDismiss={() => setSecret(undefined)} /> : null}
        <Settings
          platformId={platformId}
          onSaved={(s) => {
            setSecret(s);
            setReload((n) => n + 1);
          }}
          onDeleted={() => {
            setSecret(undefined);
            setReload((n) => n + 1);
          }}
        />
      </Card>
      <Deliveries platformId={platformId} reload={reload} />
    </Space>
  );
}

function SecretOnce({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message="签名密钥只显示这一次"
      description={
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>请立即复制并妥善保存。离开本页或刷新后将无法再次查看；如遗失，请重新保存设置以签发新的密钥（旧密钥随即失效）。</span>
          <Typography.Text code copyable={{ tooltips: ['复制', '已复制'] }} className="platform-secret" data-testid="webhook-secret">
            {secret}
          </Typography.Text>
          <Button onClick={onDismiss}>我已妥善保存</Button>
        </Space>
      }
    />
  );
}

interface Values {
  url: string;
  events: EventType[];
}

function Settings({ platformId, onSaved, onDeleted }: { platformId: string; onSaved: (secret: string) => void; onDeleted: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string>();
  const save = async (v: Values) => {
    setBusy(true);
    setAlert(undefined);
    try {
      const { data, error, response } = await api.PUT('/v1/platforms/{platformId}/webhook', {
        params: { path: { platformId } },
        body: { url: v.url.trim(), events: v.events },
      });
      if (!response.ok || !data) {
        const { fieldErrors, text } = splitProblem(asProblem(error), ['url', 'events']);
        form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]);
        if (text) setAlert(text);
        return;
      }
      onSaved(data.secret);
      message.success('Webhook 已保存');
    } catch (e) {
      setAlert(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    const { error, response } = await api.DELETE('/v1/platforms/{platformId}/webhook', { params: { path: { platformId } } });
    if (!response.ok) return setAlert(asProblem(error).detail);
    form.resetFields();
    onDeleted();
    message.success('Webhook 已删除');
  };
  return (
    <>
      {alert ? <Alert type="error" role="alert" showIcon message="操作未成功" description={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ events: Object.keys(EVENTS) }} style={{ maxWidth: 720 }}>
        <Form.Item
          name="url"
          label="接收地址（https）"
          rules={[{ required: true, whitespace: true, message: '请填写接收地址' }]}
          extra="须为 https 地址，不得包含用户名或密码（本地环境允许 http://127.0.0.1）。"
        >
          <Input maxLength={2048} placeholder="https://example.com/webhooks/injury" autoComplete="off" />
        </Form.Item>
        <Form.Item name="events" label="订阅的事件" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个事件' }]}>
          <EventChoices />
        </Form.Item>
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy}>
            保存并签发新密钥
          </Button>
          <Popconfirm title="删除 Webhook？" description="删除后将不再推送任何事件。" okText="删除" cancelText="取消" onConfirm={remove}>
            <Button danger className="platform-danger">
              删除 Webhook
            </Button>
          </Popconfirm>
        </Space>
      </Form>
    </>
  );
}

/**
 * The events' check boxes inside a required Form.Item: antd puts `aria-required` on the group's <div>, which
 * has no role that allows it (axe aria-allowed-attr); dropped here, the required mark and message stay.
 */
function EventChoices(props: { value?: string[]; onChange?: (v: string[]) => void; id?: string; 'aria-required'?: unknown }) {
  const { 'aria-required': _dropped, ...rest } = props;
  const options: CheckboxOptionType[] = Object.entries(EVENTS).map(([value, text]) => ({ value, label: text }));
  return <Checkbox.Group {...rest} options={options} style={{ display: 'grid', rowGap: 4 }} />;
}

function Deliveries({ platformId, reload }: { platformId: string; reload: number }) {
  const { message } = App.useApp();
  const [items, setItems] = useState<Attempt[]>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    setBusy(true);
    try {
      const { data, error } = await api.GET('/v1/platforms/{platformId}/webhook/deliveries', { params: { path: { platformId } } });
      if (data) setItems(data.items);
      else message.error(asProblem(error).detail);
    } finally {
      setBusy(false);
    }
  }, [platformId, message]);
  useEffect(() => {
    void reload;
    void load();
  }, [load, reload]);
  const redeliver = async (a: Attempt) => {
    const { error, response } = await api.POST('/v1/platforms/{platformId}/webhook/deliveries/{deliveryId}/redelivery', {
      params: { path: { platformId, deliveryId: a.deliveryId } },
    });
    if (!response.ok) return message.error(asProblem(error).detail);
    message.success(`已安排重新投递（webhook-id ${a.webhookId}）`);
    void load();
  };
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>投递记录</h2>}
      extra={
        <Button onClick={() => void load()} loading={busy}>
          刷新
        </Button>
      }
    >
      <Table<Attempt>
        size="small"
        rowKey={(a) => `${a.deliveryId}-${a.attempt}-${a.attemptedAt}`}
        loading={busy && !items}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        dataSource={items ?? []}
        locale={{ emptyText: <span className="empty-text">暂无投递记录</span> }}
        columns={[
          { title: '时间', key: 'at', render: (_, a) => dateTime(a.attemptedAt) },
          { title: '事件', key: 'type', render: (_, a) => label(EVENT_SHORT, a.type) },
          { title: '第几次', dataIndex: 'attempt' },
          {
            title: '结果',
            key: 'result',
            render: (_, a) =>
              a.responseStatus !== undefined && a.responseStatus >= 200 && a.responseStatus < 300
                ? `成功（${a.responseStatus}）`
                : a.responseStatus !== undefined
                  ? `失败（对方返回 ${a.responseStatus}）`
                  : `失败（${a.error ?? '无应答'}）`,
          },
          { title: 'webhook-id', dataIndex: 'webhookId' },
          {
            title: '操作',
            key: 'redeliver',
            render: (_, a) => (
              <Button size="small" onClick={() => void redeliver(a)}>
                重新投递
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
