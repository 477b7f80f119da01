import { FieldSelect } from '../components/FieldSelect.tsx';
import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { asProblem, splitProblem } from '../api/problem.ts';
import type { ConsoleConfig } from '../auth/config.ts';
import { beginSignIn } from '../auth/pkce.ts';
import { type Session, saveSession } from '../auth/session.ts';
import { PROVINCES } from '../format.ts';
import { PhoneSignIn } from './rider/PhoneSignIn.tsx';

const ROLES = [
  { value: 'handler', label: '经办（handler）' },
  { value: 'reviewer', label: '复核（reviewer）' },
  { value: 'assessor', label: '鉴定（assessor）' },
  { value: 'finance', label: '资金（finance）' },
  { value: 'admin', label: '管理员（admin）' },
  { value: 'platform', label: '平台（platform）' },
  { value: 'worker', label: '劳动者（worker）' },
];

interface Values {
  role: string;
  sub: string;
  provinces?: string[];
  platformId?: string;
  workerId?: string;
}

/**
 * Locally: the development sign-in (pick a role and an identity → POST /local/tokens). In AWS: Cognito's
 * hosted sign-in with the code + PKCE flow (auth/pkce.ts).
 */
export default function SignIn({ config, onSignedIn }: { config: ConsoleConfig; onSignedIn: (s: Session) => void }) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const { message } = App.useApp();
  const role = Form.useWatch('role', form);

  if (config.auth.mode === 'cognito') {
    const auth = config.auth;
    const workerAuth = config.workerAuth;
    return (
      <main>
        <Card title={<h1 style={{ margin: 0, fontSize: 16 }}>工作人员与平台登录</h1>} style={{ maxWidth: 420, margin: '48px auto 16px' }}>
          <Button type="primary" block onClick={async () => location.assign(await beginSignIn(auth))}>
            统一身份认证登录
          </Button>
        </Card>
        {workerAuth ? (
          <PhoneSignIn
            auth={workerAuth}
            onSignedIn={(session) => {
              onSignedIn(session);
              navigate('/', { replace: true });
            }}
          />
        ) : null}
      </main>
    );
  }

  const submit = async (values: Values) => {
    setBusy(true);
    const body = {
      role: values.role,
      sub: values.sub,
      ...(values.role === 'platform' ? { platformId: values.platformId } : {}),
      ...(values.role === 'worker' ? { workerId: values.workerId } : {}),
      ...(!['platform', 'worker'].includes(values.role) ? { provinces: values.provinces ?? [] } : {}),
    };
    try {
      const response = await fetch('/local/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await response.json()) as { token?: string };
      if (!response.ok || !answer.token) {
        const { fieldErrors, text } = splitProblem(asProblem(answer), ['role', 'sub', 'provinces', 'platformId', 'workerId']);
        form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]);
        message.error(text);
        return;
      }
      const session = saveSession(answer.token);
      if (!session) return message.error('签发的令牌无法识别。');
      onSignedIn(session);
      navigate(session.claims.role === 'finance' ? '/payment-batches' : '/cases');
    } catch (e) {
      message.error(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>开发环境登录</h1>} style={{ maxWidth: 480, margin: '64px auto' }}>
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message="仅限本地开发环境：选择角色与身份后由本地签发令牌。生产环境使用统一身份认证。" />
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ role: 'handler', sub: 'handler-1', provinces: ['110000'] }}>
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
            <FieldSelect options={ROLES} onChange={(r: string) => form.setFieldValue('sub', `${r}-1`)} />
          </Form.Item>
          <Form.Item name="sub" label="用户标识（sub）" rules={[{ required: true, message: '请输入用户标识' }]}>
            <Input autoComplete="username" />
          </Form.Item>
          {role === 'platform' ? (
            <Form.Item name="platformId" label="平台编号（platformId）" rules={[{ required: true, message: '请输入平台编号' }]}>
              <Input />
            </Form.Item>
          ) : role === 'worker' ? (
            <Form.Item name="workerId" label="劳动者编号（workerId）" rules={[{ required: true, message: '请输入劳动者编号' }]}>
              <Input />
            </Form.Item>
          ) : (
            <Form.Item name="provinces" label="负责省份" rules={[{ required: true, message: '请至少选择一个省份' }]}>
              <FieldSelect mode="multiple" options={Object.entries(PROVINCES).map(([value, name]) => ({ value, label: `${name}（${value}）` }))} />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          令牌仅保存在当前标签页（sessionStorage），关闭标签页即退出。
        </Typography.Paragraph>
      </Card>
    </main>
  );
}
