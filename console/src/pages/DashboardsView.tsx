/**
 * The dashboards' content for one scope (统计看板, D20): filters, a chart with a table beside it per figure,
 * the CSV. Reusable: the staff page (Dashboards.tsx) and a platform's own view (`platformId` fixed).
 */
import { Alert, Button, Card, Col, Form, Input, Row, Space, Table } from 'antd';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { INDUSTRIES } from '../../../core/industries.ts';
import { api, download } from '../api/client.ts';
import { asProblem, splitProblem } from '../api/problem.ts';
import type { operations } from '../api/schema';
import type { Session } from '../auth/session.ts';
import { FieldSelect } from '../components/FieldSelect.tsx';
import { type BreakdownRow, defaultRange, figure, isMonth, type MonthFigures, paymentsByItem, platformList, type Statistics, totalsOf } from '../dashboards.ts';
import { BENEFIT_ITEM, INDUSTRY, label, PROVINCES, province, yuan } from '../format.ts';
import { Chart, type ChartOption } from './DashboardsChart.tsx';

type Query = Omit<NonNullable<operations['getStatistics']['parameters']['query']>, 'format'>;

interface Loaded {
  main: Statistics;
  byIndustry: BreakdownRow[];
  byProvince: BreakdownRow[];
  byPlatform: BreakdownRow[];
}

const H2 = ({ children }: { children: string }) => <h2 style={{ fontSize: 16, margin: 0 }}>{children}</h2>;

/**
 * The dashboards for one scope: `platformId` fixes the platform (a platform's own view); otherwise the filters
 * and the platforms to compare come from the URL (`from`, `to`, `province`, `industry`, `platformId`,
 * `provinces`, `platforms`).
 */
export function DashboardsView({ session, platformId: fixedPlatform }: { session: Session; platformId?: string }) {
  const [params, setParams] = useSearchParams();
  const range = defaultRange();
  const query: Query = {
    from: params.get('from') ?? range.from,
    to: params.get('to') ?? range.to,
    ...(params.get('province') ? { province: params.get('province')! } : {}),
    ...(params.get('industry') ? { industry: params.get('industry') as NonNullable<Query['industry']> } : {}),
    ...(fixedPlatform ? { platformId: fixedPlatform } : params.get('platformId') ? { platformId: params.get('platformId')! } : {}),
  };
  const compareProvinces = params.has('provinces') ? platformList(params.get('provinces')) : (session.claims.provinces ?? []);
  const comparePlatforms = fixedPlatform ? [fixedPlatform] : platformList(params.get('platforms'));
  const key = JSON.stringify([query, compareProvinces, comparePlatforms]);
  const [form] = Form.useForm();
  const [loaded, setLoaded] = useState<Loaded>();
  const [refusal, setRefusal] = useState<string>();
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    const [q, provinces, platforms] = JSON.parse(key) as [Query, string[], string[]];
    form.setFieldsValue({ ...q, provinces, platforms: platforms.join(', ') });
    if (!isMonth(q.from) || !isMonth(q.to)) return;
    let live = true;
    const get = async (extra: Partial<Query>) => {
      const { data, error } = await api.GET('/v1/statistics', { params: { query: { ...q, ...extra } } });
      if (error || !data) throw asProblem(error);
      return data as Statistics;
    };
    setLoading(true);
    (async () => {
      try {
        const main = await get({});
        const [byIndustry, byProvince, byPlatform] = await Promise.all([
          Promise.all(INDUSTRIES.filter((i) => !q.industry || i === q.industry).map(async (i) => totalsOf(i, await get({ industry: i })))),
          Promise.all(provinces.filter((p) => !q.province || p === q.province).map(async (p) => totalsOf(p, await get({ province: p })))),
          Promise.all(platforms.filter((p) => !q.platformId || p === q.platformId).map(async (p) => totalsOf(p, await get({ platformId: p })))),
        ]);
        if (!live) return;
        setRefusal(undefined);
        setLoaded({ main, byIndustry, byProvince, byPlatform });
      } catch (error) {
        if (!live) return;
        const problem = asProblem(error);
        const { fieldErrors, text } = splitProblem(problem, ['from', 'to', 'province', 'industry', 'platformId']);
        form.setFields(fieldErrors as never);
        setLoaded(undefined);
        setRefusal(`${problem.title}：${text}`);
      } finally {
        if (live) setLoading(false);
      }
    })();
    return () => {
      live = false;
    };
  }, [key, form]);

  const submit = (v: { from: string; to: string; province?: string; industry?: string; platformId?: string; provinces?: string[]; platforms?: string }) => {
    const next: Record<string, string> = { from: v.from.trim(), to: v.to.trim() };
    if (v.province) next.province = v.province;
    if (v.industry) next.industry = v.industry;
    if (!fixedPlatform && v.platformId?.trim()) next.platformId = v.platformId.trim();
    next.provinces = (v.provinces ?? []).join(',');
    if (!fixedPlatform && v.platforms?.trim()) next.platforms = platformList(v.platforms).join(',');
    setParams(next);
  };

  const csv = async () => {
    const search = new URLSearchParams({ ...(query as unknown as Record<string, string>), format: 'csv' });
    const problem = await download(`/v1/statistics?${search}`, `statistics-${query.platformId ?? 'all'}-${query.from}-${query.to}.csv`);
    if (problem) setRefusal(`${problem.title}：${problem.detail ?? ''}`);
  };

  const monthRule = [
    { required: true, message: '请填写月份' },
    { pattern: /^\d{4}-(0[1-9]|1[0-2])$/, message: '月份格式应为 YYYY-MM，例如 2026-12' },
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>统计看板</h1>}>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        <Form form={form} layout="inline" onFinish={submit} style={{ rowGap: 8 }}>
          <Form.Item name="from" label="开始月份" rules={monthRule}>
            <Input style={{ width: 110 }} placeholder="YYYY-MM" inputMode="numeric" />
          </Form.Item>
          <Form.Item name="to" label="结束月份" rules={monthRule}>
            <Input style={{ width: 110 }} placeholder="YYYY-MM" inputMode="numeric" />
          </Form.Item>
          <Form.Item name="province" label="省份">
            <FieldSelect
              allowClear
              placeholder="全部"
              style={{ width: 140 }}
              options={Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }))}
            />
          </Form.Item>
          <Form.Item name="industry" label="行业">
            <FieldSelect allowClear placeholder="全部" style={{ width: 120 }} options={INDUSTRIES.map((value) => ({ value, label: label(INDUSTRY, value) }))} />
          </Form.Item>
          {fixedPlatform ? null : (
            <Form.Item name="platformId" label="平台编号">
              <Input allowClear style={{ width: 200 }} placeholder="全部平台" />
            </Form.Item>
          )}
          <Form.Item name="provinces" label="对比省份">
            <FieldSelect
              mode="multiple"
              allowClear
              style={{ minWidth: 180, maxWidth: 360 }}
              options={Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }))}
            />
          </Form.Item>
          {fixedPlatform ? null : (
            <Form.Item name="platforms" label="对比平台">
              <Input allowClear style={{ width: 260 }} placeholder="平台编号，以逗号分隔" />
            </Form.Item>
          )}
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={loading}>
              查询
            </Button>
            <Button onClick={csv}>下载 CSV</Button>
          </Space>
        </Form>
        <p className="empty-text" style={{ marginTop: 12, marginBottom: 0 }}>
          每百万单工伤数 = 当月认定（含视同）工伤案件数 ÷ 当月订单数 × 100
          万（按受伤月份，保留两位小数）；天数为报告至决定（含不予认定）或至首次到账的自然日，按决定或到账月份统计，中位数和第 90
          百分位按最近秩计算。数据在记录写入后约一分钟内计入。
        </p>
      </Card>
      {loaded ? <Figures loaded={loaded} /> : null}
    </Space>
  );
}

function Panel({ title, chart, table }: { title: string; chart: ReactNode; table: ReactNode }) {
  return (
    <Card title={<H2>{title}</H2>} className="dashboard-panel">
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={13}>
          {chart}
        </Col>
        <Col xs={24} xl={11}>
          {table}
        </Col>
      </Row>
    </Card>
  );
}

const right = 'right' as const;

function Figures({ loaded }: { loaded: Loaded }) {
  const { main, byIndustry, byProvince, byPlatform } = loaded;
  const months = main.months;
  const items = paymentsByItem(main);
  const options = useMemo(() => chartOptions(months, byIndustry, byProvince, byPlatform, items), [months, byIndustry, byProvince, byPlatform, items]);
  const breakdownTable = (rows: BreakdownRow[], title: string, name: (key: string) => string, empty: string) => (
    <Table
      size="small"
      rowKey="key"
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={rows}
      locale={{ emptyText: <span className="empty-text">{empty}</span> }}
      columns={[
        { title, dataIndex: 'key', render: (k: string) => name(k) },
        { title: '订单数', dataIndex: 'orders', align: right },
        { title: '认定工伤', dataIndex: 'confirmedCases', align: right },
        { title: '每百万单工伤数', dataIndex: 'injuriesPerMillionOrders', align: right, render: figure },
      ]}
    />
  );
  return (
    <>
      <Panel
        title="每百万单工伤数（按月）"
        chart={<Chart option={options.perMillion} label="各月每百万单工伤数柱状图，数值见右表" />}
        table={
          <Table
            size="small"
            rowKey="month"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={months}
            aria-label="各月订单、报告与认定"
            columns={[
              { title: '月份', dataIndex: 'month' },
              { title: '订单数', dataIndex: 'orders', align: right },
              { title: '伤害报告', dataIndex: 'reports', align: right },
              { title: '认定工伤', dataIndex: 'confirmedCases', align: right },
              { title: '每百万单工伤数', dataIndex: 'injuriesPerMillionOrders', align: right, render: figure },
            ]}
          />
        }
      />
      <Panel
        title="按行业"
        chart={<Chart option={options.industry} label="各行业每百万单工伤数柱状图，数值见右表" height={220} />}
        table={breakdownTable(byIndustry, '行业', (k) => label(INDUSTRY, k), '无行业数据')}
      />
      <Panel
        title="按省份"
        chart={<Chart option={options.province} label="各省份每百万单工伤数柱状图，数值见右表" height={220} />}
        table={breakdownTable(byProvince, '省份', province, '请在“对比省份”中选择省份')}
      />
      <Panel
        title="按平台"
        chart={<Chart option={options.platform} label="各平台每百万单工伤数柱状图，数值见右表" height={220} />}
        table={breakdownTable(byPlatform, '平台', (k) => k, '请在“对比平台”中填写平台编号')}
      />
      <Panel
        title="办理时效（天）"
        chart={<Chart option={options.days} label="报告至认定决定、至首次到账天数的中位数与第 90 百分位折线图，数值见右表" />}
        table={
          <Table
            size="small"
            rowKey="month"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={months}
            columns={[
              { title: '月份', dataIndex: 'month' },
              { title: '至决定 中位数', key: 'dm', align: right, render: (_: unknown, m: MonthFigures) => figure(m.daysToDecision.median) },
              { title: '至决定 P90', key: 'dp', align: right, render: (_: unknown, m: MonthFigures) => figure(m.daysToDecision.p90) },
              { title: '至首付 中位数', key: 'fm', align: right, render: (_: unknown, m: MonthFigures) => figure(m.daysToFirstPayment.median) },
              { title: '至首付 P90', key: 'fp', align: right, render: (_: unknown, m: MonthFigures) => figure(m.daysToFirstPayment.p90) },
            ]}
          />
        }
      />
      <Panel
        title="超过法定时限的案件"
        chart={<Chart option={options.overdue} label="各月超过法定时限案件数柱状图，数值见右表" height={220} />}
        table={
          <Table
            size="small"
            rowKey="month"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={months}
            columns={[
              { title: '月份', dataIndex: 'month' },
              { title: '超时案件数', dataIndex: 'overdueCases', align: right },
            ]}
          />
        }
      />
      <Panel
        title="待遇支付（按项目）"
        chart={<Chart option={options.payments} label="各月按待遇项目的已到账金额堆叠柱状图，合计见右表" />}
        table={
          <Table
            size="small"
            rowKey="item"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={items}
            locale={{ emptyText: <span className="empty-text">所选期间无已到账支付</span> }}
            columns={[
              { title: '待遇项目', dataIndex: 'item', render: (i: string) => label(BENEFIT_ITEM, i) },
              { title: '已到账（元）', dataIndex: 'fen', align: right, render: (f: number) => yuan(f) },
            ]}
          />
        }
      />
    </>
  );
}

const GRID = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };

function chartOptions(
  months: readonly MonthFigures[],
  byIndustry: readonly BreakdownRow[],
  byProvince: readonly BreakdownRow[],
  byPlatform: readonly BreakdownRow[],
  items: readonly { item: string }[],
): Record<'perMillion' | 'industry' | 'province' | 'platform' | 'days' | 'overdue' | 'payments', ChartOption> {
  const labels = months.map((m) => m.month);
  const bars = (rows: readonly BreakdownRow[], name: (k: string) => string): ChartOption => ({
    grid: GRID,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: rows.map((r) => name(r.key)) },
    yAxis: { type: 'value', name: '每百万单' },
    series: [{ type: 'bar', name: '每百万单工伤数', data: rows.map((r) => r.injuriesPerMillionOrders), itemStyle: { color: '#1677ff' } }],
  });
  return {
    perMillion: {
      grid: GRID,
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '每百万单' },
      series: [{ type: 'bar', name: '每百万单工伤数', data: months.map((m) => m.injuriesPerMillionOrders), itemStyle: { color: '#1677ff' } }],
    },
    industry: bars(byIndustry, (k) => label(INDUSTRY, k)),
    province: bars(byProvince, province),
    platform: bars(byPlatform, (k) => (k.length > 14 ? `${k.slice(0, 12)}…` : k)),
    days: {
      grid: { ...GRID, top: 48 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '天' },
      series: [
        { type: 'line', name: '至决定 中位数', data: months.map((m) => m.daysToDecision.median), connectNulls: true },
        { type: 'line', name: '至决定 P90', data: months.map((m) => m.daysToDecision.p90), connectNulls: true },
        { type: 'line', name: '至首付 中位数', data: months.map((m) => m.daysToFirstPayment.median), connectNulls: true },
        { type: 'line', name: '至首付 P90', data: months.map((m) => m.daysToFirstPayment.p90), connectNulls: true },
      ],
    },
    overdue: {
      grid: GRID,
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '件', minInterval: 1 },
      series: [{ type: 'bar', name: '超时案件数', data: months.map((m) => m.overdueCases), itemStyle: { color: '#cf1322' } }],
    },
    payments: {
      grid: { ...GRID, top: 48 },
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name: '元' },
      series: items.map(({ item }) => ({
        type: 'bar' as const,
        stack: 'payments',
        name: label(BENEFIT_ITEM, item),
        data: months.map((m) => (m.paymentsByItemFen[item] ?? 0) / 100),
      })),
    },
  };
}
