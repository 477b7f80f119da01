import { Alert, Card, Space } from 'antd';
import type { Session } from '../../auth/session.ts';
import { RoleGate } from '../../components/RoleGate.tsx';
import { Bill } from './Bill.tsx';
import { EmploymentReport } from './EmploymentReport.tsx';
import { BILL_ROLES, MONTH, REPORT_ROLES } from './labels.ts';
import { PlatformMonthPicker, usePlatformMonth } from './PlatformMonth.tsx';

/**
 * 账单与结算 / 用工报告: a platform's month — its bill (administrators and the platform itself; staff may
 * not read bills) and its employment report (the platform, staff, administrators). A platform sees its own;
 * staff and administrators choose the platform. Exported for the platform's own shell as well.
 */
export default function SettlementPage({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={REPORT_ROLES} what="账单与用工报告">
      <MonthOfPlatform session={session} />
    </RoleGate>
  );
}

function MonthOfPlatform({ session }: { session: Session }) {
  const { platformId, month, fixedPlatform, choose } = usePlatformMonth(session);
  const billToo = (BILL_ROLES as readonly string[]).includes(session.claims.role);
  const ready = platformId !== '' && MONTH.test(month);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{billToo ? '账单与结算' : '用工报告'}</h1>}>
        <PlatformMonthPicker platformId={platformId} month={month} fixedPlatform={fixedPlatform} onChoose={choose} />
        {!ready && !fixedPlatform ? (
          <p className="empty-text" style={{ marginTop: 16, marginBottom: 0 }}>
            请输入平台编号和月份后查询。
          </p>
        ) : null}
        {ready && !billToo ? (
          <Alert style={{ marginTop: 16 }} type="info" showIcon message="月度账单仅限管理员和平台本身查看；您可以查看该平台的用工情况报告。" />
        ) : null}
      </Card>
      {ready && billToo ? <Bill key={`${platformId}/${month}`} session={session} platformId={platformId} month={month} /> : null}
      {ready ? <EmploymentReport key={`report-${platformId}/${month}`} platformId={platformId} month={month} /> : null}
    </Space>
  );
}
