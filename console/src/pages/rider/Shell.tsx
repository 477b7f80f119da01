/**
 * The rider's app (role `worker`), made for a phone held in one hand: a slim header, the page, and a bottom
 * bar with the three places a rider goes — 我要申请, 我的案件, 消息 — each a large touch target.
 */
import { Button } from 'antd';
import { lazy, Suspense } from 'react';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import type { Session } from '../../auth/session.ts';
import { Loading } from '../../components/Loading.tsx';
import './rider.css';

const Apply = lazy(() => import('./Apply.tsx'));
const MyCases = lazy(() => import('./MyCases.tsx'));
const Inbox = lazy(() => import('./Inbox.tsx'));

const TABS = [
  { to: '/apply', text: '我要申请' },
  { to: '/me/cases', text: '我的案件' },
  { to: '/inbox', text: '消息' },
] as const;

export default function RiderShell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  return (
    <div className="rider-app">
      <header className="rider-header">
        <span className="rider-brand">职业伤害保障</span>
        <Button size="small" onClick={onSignOut}>
          退出登录
        </Button>
      </header>
      <main className="rider-main">
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/apply" element={<Apply session={session} />} />
            <Route path="/me/cases/:caseId?" element={<MyCases session={session} />} />
            <Route path="/inbox" element={<Inbox session={session} />} />
            <Route path="*" element={<Navigate to="/me/cases" replace />} />
          </Routes>
        </Suspense>
      </main>
      <nav className="rider-tabs" aria-label="主导航">
        {TABS.map((t) => (
          <NavLink key={t.to} to={t.to} className={({ isActive }) => (isActive ? 'rider-tab rider-tab-active' : 'rider-tab')}>
            {t.text}
          </NavLink>
        ))}
      </nav>
    </div>
  );
}
