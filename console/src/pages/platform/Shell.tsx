/**
 * The platform's portal (role `platform`, issue 16 "Platforms"): its own header and menu over the pages a
 * platform uses — its riders (registration and imports), its orders (imports), its injury reports and cases,
 * its webhook, and the pages it shares with the staff showing only its own data: its monthly bill and
 * employment report, its credit records, its statistics. Desktop first (1280 px); at 375 px the header wraps as the staff shell's does (index.css).
 */
import { Button, Layout, Menu, Space, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import type { Session } from '../../auth/session.ts';
import { Loading } from '../../components/Loading.tsx';

const Workers = lazy(() => import('./Workers.tsx'));
const Orders = lazy(() => import('./Orders.tsx'));
const Cases = lazy(() => import('./Cases.tsx'));
const Webhook = lazy(() => import('./Webhook.tsx'));
// Shared with the staff: each shows a platform only its own data (D19, D20).
const SettlementPage = lazy(() => import('../settlement/SettlementPage.tsx'));
const CreditRecordsPage = lazy(() => import('../settlement/CreditRecords.tsx'));
const DashboardsView = lazy(() => import('../DashboardsView.tsx').then((m) => ({ default: m.DashboardsView })));

const NAV = [
  { to: '/workers', text: '骑手' },
  { to: '/orders', text: '订单' },
  { to: '/reports', text: '报案与案件' },
  { to: '/webhook', text: 'Webhook 设置' },
  { to: '/dashboards', text: '统计看板' },
] as const;
/** One submenu (the header must fit at 1280 px: antd hides overflowing items, which axe refuses). */
const MONTH_NAV = [
  { to: '/settlement', text: '账单与用工报告' },
  { to: '/credit-records', text: '信用记录' },
] as const;

export default function PlatformShell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const location = useLocation();
  const platformId = session.claims.platformId ?? '';
  const items = [
    ...NAV.map((n) => ({ key: n.to, label: <Link to={n.to}>{n.text}</Link> })),
    { key: 'month', label: '账单与信用', children: MONTH_NAV.map((n) => ({ key: n.to, label: <Link to={n.to}>{n.text}</Link> })) },
  ];
  const selected = [...NAV, ...MONTH_NAV].find((n) => location.pathname.startsWith(n.to))?.to;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="console-header">
        <Typography.Text strong style={{ color: '#fff', fontSize: 16, whiteSpace: 'nowrap' }}>
          职业伤害保障 · 平台服务
        </Typography.Text>
        <Menu
          className="console-menu"
          theme="dark"
          mode="horizontal"
          disabledOverflow
          items={items}
          selectedKeys={selected ? [selected] : []}
          aria-label="平台导航"
        />
        <Space style={{ color: '#fff' }}>
          <span className="console-identity">平台 · {platformId}</span>
          <Button size="small" onClick={onSignOut}>
            退出登录
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content className="console-content">
        <main>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/workers" element={<Workers platformId={platformId} />} />
              <Route path="/orders" element={<Orders platformId={platformId} />} />
              <Route path="/reports/:caseId?" element={<Cases platformId={platformId} />} />
              <Route path="/webhook" element={<Webhook platformId={platformId} />} />
              <Route path="/settlement" element={<SettlementPage session={session} />} />
              <Route path="/credit-records" element={<CreditRecordsPage session={session} />} />
              <Route path="/dashboards" element={<DashboardsView session={session} platformId={platformId} />} />
              <Route path="*" element={<Navigate to="/workers" replace />} />
            </Routes>
          </Suspense>
        </main>
      </Layout.Content>
    </Layout>
  );
}
