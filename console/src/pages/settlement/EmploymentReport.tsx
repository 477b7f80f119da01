import { Alert, App, Button, Card, Descriptions, Space, Table } from 'antd';
import { useEffect, useState } from 'react';
import { api, download, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { CASE_STATUS, INDUSTRY, label, province, yuan } from '../../format.ts';

type Report = Schemas['EmploymentReport'];

/** 用工报告 (D19): a platform's figures of a month, with its CSV and Excel files. */
export function EmploymentReport({ platformId, month }: { platformId: string; month: string }) {
  const { message } = App.useApp();
  const [report, setReport] = useState<Report>();
  const [refusal, setRefusal] = useState<string>();
  useEffect(() => {
    let live = true;
    (async () => {
      const { data, error } = await api.GET('/v1/platforms/{platformId}/employment-reports/{month}', { params: { path: { platformId, month } } });
      if (!live) return;
      if (error || !data) {
        const problem = asProblem(error);
        setReport(undefined);
        return setRefusal(`${problem.title}：${problem.detail ?? ''}`);
      }
      setRefusal(undefined);
      setReport(data as Report);
    })();
    return () => {
      live = false;
    };
  }, [platformId, month]);

  const file = async (format: 'csv' | 'xlsx') => {
    const base = `/v1/platforms/${encodeURIComponent(platformId)}/employment-reports/${encodeURIComponent(month)}`;
    const problem = await download(`${base}?format=${format}`, `employment-report-${platformId}-${month}.${format}`);
    if (problem) message.error(`${problem.title}：${problem.detail ?? ''}`);
  };
  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{`${month} 用工情况报告`}</h2>;
  if (refusal)
    return (
      <Card title={title}>
        <Alert type="error" showIcon role="alert" message={refusal} />
      </Card>
    );
  if (!report) return <Card title={title} loading />;
  const statuses = Object.entries(report.casesByStatus).map(([status, cases]) => ({ status, cases }));
  return (
    <Card
      title={title}
      extra={
        <Space wrap>
          <Button onClick={() => file('csv')}>下载 CSV</Button>
          <Button onClick={() => file('xlsx')}>下载 Excel</Button>
        </Space>
      }
    >
      <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} aria-label="报告合计" style={{ marginBottom: 16 }}>
        <Descriptions.Item label="从业人员（人）">{report.totals.workers}</Descriptions.Item>
        <Descriptions.Item label="参保天数（人天）">{report.totals.enrolmentDays}</Descriptions.Item>
        <Descriptions.Item label="订单数">{report.totals.orders}</Descriptions.Item>
        <Descriptions.Item label="职业伤害保障费（元）">{yuan(report.totals.feeFen)}</Descriptions.Item>
        <Descriptions.Item label="伤害报告（件）">{report.totals.injuryReports}</Descriptions.Item>
      </Descriptions>
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Table
          size="small"
          rowKey="province"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={report.byProvince}
          aria-label="分省份从业人员"
          title={() => <h3 style={{ fontSize: 14, margin: 0 }}>分省份从业人员</h3>}
          locale={{ emptyText: <span className="empty-text">本月无参保人员</span> }}
          columns={[
            { title: '省份', dataIndex: 'province', render: (p: string) => province(p) },
            { title: '从业人员（人）', dataIndex: 'workers', align: 'right' },
            { title: '参保天数（人天）', dataIndex: 'enrolmentDays', align: 'right' },
          ]}
        />
        <Table
          size="small"
          rowKey={(r) => `${r.province}-${r.industry}`}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={report.byProvinceIndustry}
          aria-label="分省份和行业的订单与费用"
          title={() => <h3 style={{ fontSize: 14, margin: 0 }}>分省份和行业的订单与费用</h3>}
          locale={{ emptyText: <span className="empty-text">本月没有订单</span> }}
          columns={[
            { title: '省份', dataIndex: 'province', render: (p: string) => province(p) },
            { title: '行业', dataIndex: 'industry', render: (i: string) => label(INDUSTRY, i) },
            { title: '订单数', dataIndex: 'orders', align: 'right' },
            { title: '费用（元）', dataIndex: 'feeFen', align: 'right', render: (f: number) => yuan(f) },
          ]}
        />
        <Table
          size="small"
          rowKey="status"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={statuses}
          aria-label="案件状态"
          title={() => <h3 style={{ fontSize: 14, margin: 0 }}>本月伤害报告的案件状态</h3>}
          columns={[
            { title: '案件状态', dataIndex: 'status', render: (s: string) => label(CASE_STATUS, s) },
            { title: '案件数', dataIndex: 'cases', align: 'right' },
          ]}
        />
      </Space>
    </Card>
  );
}
