import { Alert, Button, Card, Descriptions, Form, Input, InputNumber, Space, Table } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { byMonth, checkArrangement, parseDates, weekday } from '../admin.ts';
import { api, type Schemas } from '../api/client.ts';
import { asProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { RoleGate } from '../components/RoleGate.tsx';
import { CALENDAR_SOURCE, label, shanghaiToday } from '../format.ts';
import { useStep } from './case/useStep.ts';

type Calendar = Schemas['Calendar'];

const day = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（${weekday(date)}）`;

/**
 * 工作日历 (admin): a year's national holiday arrangement (D12) — holidays and make-up working days —
 * as the deadlines use it (`GET /v1/calendars/{year}`), and loading the year (`PUT`), which replaces it.
 */
export default function Calendars({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={['admin']} what="工作日历管理">
      <CalendarPage />
    </RoleGate>
  );
}

function CalendarPage() {
  const params = useParams();
  const navigate = useNavigate();
  const thisYear = Number(shanghaiToday().slice(0, 4));
  const year = Number(params.year ?? thisYear);
  const [calendar, setCalendar] = useState<Calendar>();
  const [notLoaded, setNotLoaded] = useState<string>();
  const [refusal, setRefusal] = useState<string>();

  const load = useCallback(async () => {
    setCalendar(undefined);
    setNotLoaded(undefined);
    setRefusal(undefined);
    const { data, error, response } = await api.GET('/v1/calendars/{year}', { params: { path: { year: String(year) } } });
    if (data) return setCalendar(data);
    // 404: the year has no arrangement yet — its deadlines count weekends only and are provisional.
    if (response.status === 404) return setNotLoaded(asProblem(error).detail);
    setRefusal(`${asProblem(error).title}：${asProblem(error).detail}`);
  }, [year]);
  useEffect(() => {
    load();
  }, [load]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>工作日历</h1>}>
        <p>法定节假日和调休上班日决定以工作日计算的期限（D12）。未载入的年度只按周末计算，其中的期限标记为暂定；载入后会重新计算。</p>
        <Form layout="inline" initialValues={{ year }} key={year} onFinish={(v: { year: number }) => navigate(`/calendars/${v.year}`)} style={{ rowGap: 8 }}>
          <Form.Item name="year" label="年度" rules={[{ required: true, message: '请填写年度' }]}>
            <InputNumber min={2000} max={2100} precision={0} style={{ width: 110 }} />
          </Form.Item>
          <Button htmlType="submit">查看</Button>
        </Form>
      </Card>
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} /> : null}
      {notLoaded ? <Alert type="warning" showIcon role="status" message={`${year} 年：${notLoaded}`} /> : null}
      {calendar ? <Arrangement calendar={calendar} /> : null}
      {calendar || notLoaded ? <LoadYear year={year} calendar={calendar} onDone={load} /> : null}
    </Space>
  );
}

function Arrangement({ calendar }: { calendar: Calendar }) {
  const months = new Map<string, { holidays: string[]; workdays: string[] }>();
  for (const [m, dates] of byMonth(calendar.holidays)) months.set(m, { holidays: dates, workdays: [] });
  for (const [m, dates] of byMonth(calendar.workdays)) months.set(m, { holidays: months.get(m)?.holidays ?? [], workdays: dates });
  const rows = [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, v]) => ({ month, ...v }));
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{calendar.year} 年节假日安排</h2>}>
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="来源">{label(CALENDAR_SOURCE, calendar.source)}</Descriptions.Item>
        <Descriptions.Item label="节假日">{calendar.holidays.length} 天</Descriptions.Item>
        <Descriptions.Item label="调休上班日">{calendar.workdays.length} 天</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="month"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: <span className="empty-text">本年度没有节假日或调休上班日</span> }}
        columns={[
          { title: '月份', dataIndex: 'month', width: 90, render: (m: string) => `${Number(m.slice(5))}月` },
          { title: '节假日（休息）', dataIndex: 'holidays', render: (d: string[]) => d.map(day).join('、') },
          { title: '调休上班日', dataIndex: 'workdays', render: (d: string[]) => d.map(day).join('、') },
        ]}
      />
    </Card>
  );
}

/** Loads the year's arrangement as typed (replacing the one shown), checked first with the API's own rules. */
function LoadYear({ year, calendar, onDone }: { year: number; calendar: Calendar | undefined; onDone: () => void }) {
  const [form] = Form.useForm<{ holidays?: string; workdays?: string }>();
  // The API names a date by its position (`holidays.3`): the form shows it next to its list.
  const { busy, refusal, run } = useStep(form, ['holidays', 'workdays'], (path) => path.replace(/\.\d+$/, ''));
  useEffect(() => {
    form.setFieldsValue({ holidays: calendar?.holidays.join('\n') ?? '', workdays: calendar?.workdays.join('\n') ?? '' });
  }, [calendar, form]);

  const submit = (v: { holidays?: string; workdays?: string }) => {
    const holidays = parseDates(v.holidays);
    const workdays = parseDates(v.workdays);
    const problems = checkArrangement(year, holidays, workdays);
    form.setFields((['holidays', 'workdays'] as const).map((name) => ({ name, errors: problems.filter((p) => p.path === name).map((p) => p.message) })));
    if (problems.length > 0) return;
    return run(
      () => api.PUT('/v1/calendars/{year}', { params: { path: { year: String(year) } }, body: { holidays, workdays } }),
      `${year} 年节假日安排已载入`,
      onDone,
    );
  };

  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>载入 {year} 年安排</h2>}>
      <p className="empty-text">每行一个日期（YYYY-MM-DD），也可用空格或逗号分隔。载入即替换本年度的全部安排，并记入审计。</p>
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 720 }} aria-label={`载入 ${year} 年安排`}>
        <Space wrap align="start" size="large" style={{ width: '100%' }}>
          <Form.Item name="holidays" label="节假日（休息日）" style={{ minWidth: 240 }}>
            <Input.TextArea rows={10} />
          </Form.Item>
          <Form.Item name="workdays" label="调休上班日（周六或周日）" style={{ minWidth: 240 }}>
            <Input.TextArea rows={10} />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          载入安排
        </Button>
      </Form>
    </Card>
  );
}
