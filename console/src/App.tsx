import { Button, Layout, Menu, Space, Spin, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { ConsoleConfig } from './auth/config.ts';
import { clearSession, loadSession, type Session } from './auth/session.ts';
import { label, province, ROLE } from './format.ts';

// One chunk per page: the first page loads the shell and the sign-in form only.
const SignIn = lazy(() => import('./pages/SignIn.tsx'));
const Queue = lazy(() => import('./pages/Queue.tsx'));
const CasePage = lazy(() => import('./pages/CasePage.tsx'));
const Batches = lazy(() => import('./pages/Batches.tsx'));
const Callback = lazy(() => import('./pages/Callback.tsx'));

const STAFF = ['handler', 'reviewer', 'assessor', 'admin', 'finance'];

export function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = () => {
    clearSession();
    setSession(undefined);
    navigate('/sign-in');
  };
  const loading = (
    <div style={{ padding: 48, textAlign: 'center' }}>
      <Spin tip="加载中…">
        <span />
      </Spin>
    </div>
  );
  if (!session) {
    return (
      <Suspense fallback={loading}>
        <Routes>
          <Route path="/sign-in" element={<SignIn config={config} onSignedIn={setSession} />} />
          <Route path="/callback" element={<Callback config={config} onSignedIn={setSession} />} />
          <Route path="*" element={<Navigate to="/sign-in" replace />} />
        </Routes>
      </Suspense>
    );
  }
  const role = session.claims.role;
  const items = [
    ...(STAFF.includes(role) ? [{ key: '/cases', label: <Link to="/cases">工作队列</Link> }] : []),
    ...(['finance', 'reviewer', 'admin'].includes(role) ? [{ key: '/payment-batches', label: <Link to="/payment-batches">支付批次</Link> }] : []),
  ];
  const selected = items.find((i) => location.pathname.startsWith(i.key))?.key;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header">
        <Typography.Text strong className="app-title">
          职业伤害保障 · 工作台
        </Typography.Text>
        <Menu theme="dark" mode="horizontal" items={items} selectedKeys={selected ? [selected] : []} style={{ flex: 1, minWidth: 0 }} />
        <Space style={{ color: '#fff' }}>
          <span className="app-identity">
            {label(ROLE, role)} · {session.claims.sub}
            {session.claims.provinces?.length ? ` · ${session.claims.provinces.map(province).join('、')}` : ''}
          </span>
          <Button size="small" onClick={signOut}>
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="app-content">
        <main>
          <Suspense fallback={loading}>
            <Routes>
              <Route path="/cases" element={<Queue session={session} />} />
              <Route path="/cases/:caseId" element={<CasePage session={session} />} />
              <Route path="/payment-batches" element={<Batches session={session} />} />
              <Route path="/payment-batches/:batchId" element={<Batches session={session} />} />
              <Route path="*" element={<Navigate to={role === 'finance' ? '/payment-batches' : '/cases'} replace />} />
            </Routes>
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
