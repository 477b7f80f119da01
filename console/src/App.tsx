import { Button, Layout, Menu, Space, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { ConsoleConfig } from './auth/config.ts';
import { clearSession, loadSession, type Session } from './auth/session.ts';
import { Loading } from './components/Loading.tsx';
import { label, province, ROLE } from './format.ts';

// One chunk per page: the first page loads the shell and the sign-in form only.
const SignIn = lazy(() => import('./pages/SignIn.tsx'));
const Queue = lazy(() => import('./pages/Queue.tsx'));
const CasePage = lazy(() => import('./pages/CasePage.tsx'));
const Batches = lazy(() => import('./pages/Batches.tsx'));
const Callback = lazy(() => import('./pages/Callback.tsx'));
const PaymentRuns = lazy(() => import('./pages/PaymentRuns.tsx'));
const FundReport = lazy(() => import('./pages/FundReport.tsx'));
const Parameters = lazy(() => import('./pages/Parameters.tsx'));
const Calendars = lazy(() => import('./pages/Calendars.tsx'));
const Platforms = lazy(() => import('./pages/Platforms.tsx'));
// D20: the charts (ECharts) load with this page only.
const Dashboards = lazy(() => import('./pages/Dashboards.tsx'));
// D18, D19: a platform's month (bill, employment report), credit records, assistance between provinces.
const SettlementPage = lazy(() => import('./pages/settlement/SettlementPage.tsx'));
const CreditRecordsPage = lazy(() => import('./pages/settlement/CreditRecords.tsx'));
const AssistancePage = lazy(() => import('./pages/settlement/Assistance.tsx'));
// Riders (role worker): their own phone-first app with its own routes (pages/rider/).
const RiderShell = lazy(() => import('./pages/rider/Shell.tsx'));
// Platforms (role platform): their portal with its own routes (pages/platform/).
const PlatformShell = lazy(() => import('./pages/platform/Shell.tsx'));

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
  const loading = <Loading />;
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
  if (role === 'worker')
    return (
      <Suspense fallback={loading}>
        <RiderShell session={session} onSignOut={signOut} />
      </Suspense>
    );
  if (role === 'platform')
    return (
      <Suspense fallback={loading}>
        <PlatformShell session={session} onSignOut={signOut} />
      </Suspense>
    );
  const items = [
    // Finance has no case queue (GET /v1/cases is 403 to it): its work starts at the payment batches.
    ...(STAFF.includes(role) && role !== 'finance' ? [{ key: '/cases', label: <Link to="/cases">工作队列</Link> }] : []),
    ...(['finance', 'reviewer', 'admin'].includes(role) ? [{ key: '/payment-batches', label: <Link to="/payment-batches">支付批次</Link> }] : []),
    ...(role === 'admin' ? [{ key: '/payment-runs', label: <Link to="/payment-runs">按月支付</Link> }] : []),
    ...(['finance', 'admin'].includes(role) ? [{ key: '/fund-reports', label: <Link to="/fund-reports">资金月报</Link> }] : []),
    ...(['handler', 'reviewer', 'assessor', 'admin'].includes(role) ? [{ key: '/dashboards', label: <Link to="/dashboards">统计看板</Link> }] : []),
    // One submenu, so the administrator's header still fits at 1280 px (overflowed items fail axe).
    ...(STAFF.includes(role) && role !== 'finance'
      ? [
          {
            key: 'month',
            label: '结算与协查',
            children: [
              { key: '/settlement', label: <Link to="/settlement">{role === 'admin' ? '账单与结算' : '用工报告'}</Link> },
              { key: '/credit-records', label: <Link to="/credit-records">信用记录</Link> },
              { key: '/assistance', label: <Link to="/assistance">协查</Link> },
            ],
          },
        ]
      : []),
    ...(role === 'admin'
      ? [
          { key: '/parameters', label: <Link to="/parameters">参数管理</Link> },
          { key: '/calendars', label: <Link to="/calendars">工作日历</Link> },
          { key: '/platforms', label: <Link to="/platforms">平台管理</Link> },
        ]
      : []),
  ];
  const identity = `${label(ROLE, role)} · ${session.claims.sub}${session.claims.provinces?.length ? ` · ${session.claims.provinces.map(province).join('、')}` : ''}`;
  const leaves: { key: string }[] = items.flatMap((i) => ('children' in i && i.children ? i.children : [i]));
  const selected = leaves.find((i) => location.pathname.startsWith(i.key))?.key;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="console-header">
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          职业伤害保障 · 工作台
        </Typography.Text>
        {/* disabledOverflow: every item stays a visible link (antd's "…" keeps hidden focusable copies, which axe refuses); the row wraps instead (index.css). */}
        <Menu className="console-menu" theme="dark" mode="horizontal" disabledOverflow items={items} selectedKeys={selected ? [selected] : []} />
        <Space style={{ color: '#fff' }}>
          <span className="console-identity" title={identity}>
            {identity}
          </span>
          <Button size="small" onClick={signOut}>
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="console-content">
        <main>
          <Suspense fallback={loading}>
            <Routes>
              <Route path="/cases" element={<Queue session={session} />} />
              <Route path="/cases/:caseId" element={<CasePage session={session} />} />
              <Route path="/payment-batches" element={<Batches session={session} />} />
              <Route path="/payment-batches/:batchId" element={<Batches session={session} />} />
              <Route path="/payment-runs/:runId?" element={<PaymentRuns session={session} />} />
              <Route path="/fund-reports" element={<FundReport session={session} />} />
              <Route path="/dashboards" element={<Dashboards session={session} />} />
              <Route path="/parameters" element={<Parameters session={session} />} />
              <Route path="/calendars/:year?" element={<Calendars session={session} />} />
              <Route path="/platforms/:platformId?" element={<Platforms session={session} />} />
              <Route path="/settlement" element={<SettlementPage session={session} />} />
              <Route path="/credit-records" element={<CreditRecordsPage session={session} />} />
              <Route path="/assistance" element={<AssistancePage session={session} />} />
              <Route path="*" element={<Navigate to={role === 'finance' ? '/payment-batches' : '/cases'} replace />} />
            </Routes>
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
