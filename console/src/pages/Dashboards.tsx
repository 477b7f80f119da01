/**
 * 统计看板 (D20; issue 16): injuries per million orders by month, industry, province and platform; days to
 * decision and to first payment (median, p90); cases past a statutory deadline; payments by benefit item —
 * each chart with its figures in a table beside it, and the CSV of GET /v1/statistics. Staff and admin; a
 * platform sees its own figures (DashboardsView.tsx takes the platform's id, for the platform shell).
 */
import type { Session } from '../auth/session.ts';
import { RoleGate } from '../components/RoleGate.tsx';
import { DashboardsView } from './DashboardsView.tsx';

const ROLES = ['handler', 'reviewer', 'assessor', 'admin', 'platform'];

/** The dashboards page of the staff console (route /dashboards). */
export default function Dashboards({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={ROLES} what="统计看板">
      <DashboardsView
        session={session}
        {...(session.claims.role === 'platform' && session.claims.platformId ? { platformId: session.claims.platformId } : {})}
      />
    </RoleGate>
  );
}
