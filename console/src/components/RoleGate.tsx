import { Result } from 'antd';
import type { ReactNode } from 'react';
import type { Session } from '../auth/session.ts';
import { label, ROLE } from '../format.ts';

/**
 * A page only some roles may use (the API refuses the others with 403): anyone else sees why, in Chinese,
 * instead of a form the API would refuse.
 */
export function RoleGate({ session, roles, what, children }: { session: Session; roles: readonly string[]; what: string; children: ReactNode }) {
  const role = session.claims.role;
  if (roles.includes(role)) return <>{children}</>;
  return (
    <Result
      status="403"
      title={<h1 style={{ fontSize: 20, margin: 0 }}>无权访问</h1>}
      subTitle={
        <span role="alert">
          {what}仅限{roles.map((r) => label(ROLE, r)).join('、')}使用；您当前的角色是{label(ROLE, role)}，无权办理。
        </span>
      }
    />
  );
}
