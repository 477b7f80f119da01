/**
 * 骑手登录 in AWS: phone number, then the SMS code (auth/worker-sign-in.ts, the workers' pool's custom auth
 * flow). One hand, big fields; errors in Chinese next to the field. Locally the development sign-in is used.
 */
import { Alert, Button, Card, Form, Input } from 'antd';
import { useState } from 'react';
import type { WorkerAuth } from '../../auth/config.ts';
import { type Session, saveSession } from '../../auth/session.ts';
import { answerCode, type CodeSent, e164Mobile, requestCode, WorkerSignInRefused } from '../../auth/worker-sign-in.ts';

export function PhoneSignIn({ auth, onSignedIn }: { auth: WorkerAuth; onSignedIn: (s: Session) => void }) {
  const [form] = Form.useForm<{ phone: string; code?: string }>();
  const [sent, setSent] = useState<CodeSent>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const refused = (e: unknown) => setRefusal(e instanceof WorkerSignInRefused ? e.message : '登录失败，请稍后重试。');

  const sendCode = async () => {
    const typed = form.getFieldValue('phone') as string | undefined;
    const phone = e164Mobile(typed ?? '');
    if (!phone) {
      form.setFields([{ name: 'phone', errors: ['请输入 11 位手机号码'] }]);
      return;
    }
    form.setFields([{ name: 'phone', errors: [] }]);
    setBusy(true);
    setRefusal(undefined);
    try {
      setSent(await requestCode(auth, phone));
    } catch (e) {
      refused(e);
    } finally {
      setBusy(false);
    }
  };

  const signIn = async ({ code }: { code?: string }) => {
    if (!sent) return;
    if (!code || !/^\d{6}$/.test(code)) {
      form.setFields([{ name: 'code', errors: ['请输入短信中的 6 位验证码'] }]);
      return;
    }
    setBusy(true);
    setRefusal(undefined);
    try {
      const result = await answerCode(auth, sent, code);
      if ('retry' in result) {
        setSent(result.retry);
        form.setFields([{ name: 'code', value: '', errors: ['验证码不正确，请重新输入'] }]);
        return;
      }
      const session = saveSession(result.accessToken, sessionStorage, result.refreshToken);
      if (!session) return setRefusal('登录凭据无效，请重新登录。');
      onSignedIn(session);
    } catch (e) {
      setSent(undefined);
      refused(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<h2 style={{ margin: 0, fontSize: 16 }}>骑手登录（手机验证码）</h2>} style={{ maxWidth: 420, margin: '16px auto' }}>
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 12 }} /> : null}
      <Form name="phone-sign-in" form={form} layout="vertical" onFinish={signIn}>
        <Form.Item name="phone" label="手机号码">
          <Input size="large" inputMode="tel" autoComplete="tel" placeholder="11 位手机号码" disabled={sent !== undefined} />
        </Form.Item>
        {sent ? (
          <>
            <p>验证码已发送至 {sent.maskedPhone ?? '您的手机'}，5 分钟内有效。</p>
            <Form.Item name="code" label="短信验证码">
              <Input size="large" inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder="6 位数字" />
            </Form.Item>
            {/* aria-label: the name stays 登录 while antd's loading icon (aria-label "loading") fades out. */}
            <Button type="primary" size="large" block htmlType="submit" loading={busy} aria-label="登录">
              登录
            </Button>
          </>
        ) : (
          <Button type="primary" size="large" block loading={busy} onClick={sendCode}>
            获取验证码
          </Button>
        )}
      </Form>
    </Card>
  );
}
