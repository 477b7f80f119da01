/**
 * 报案与案件: the platform reports an injury of one of its riders (`POST /v1/injury-reports` with the rider's
 * `platformWorkerId`), applies for the benefits as `platform` (`POST /v1/cases`; past its deadline the API's 422
 * asks for the 超期说明, D6), and follows its riders' reports and cases month by month
 * (`GET /v1/platforms/{platformId}/injury-reports?month=`: each report with its case's status and the platform's
 * application deadline — 3 working days after the injury, D6/D12, computed by the API), and one case in full
 * (`GET /v1/cases/{caseId}`: the other deadlines and the timeline, personal data masked as the API returns it).
 */
import { Alert, App, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Case, type Schemas } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { DARK } from '../../components/tags.ts';
import { CASE_STATUS, COVERAGE_REASON, DEADLINE, dateTime, label, PROVINCES, province, shanghaiToday, TIMELINE_ACTION } from '../../format.ts';
import { deadlineText } from '../../platform-cases.ts';
import { shanghaiInstant } from '../../rider-labels.ts';
import './platform.css';

const provinceOptions = Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }));

/** A report as the platform's list shows it. */
type ReportRow = Schemas['InjuryReportList']['items'][number];
/** What the application form needs of a report (just filed, or from the list). */
type ReportFacts = Pick<ReportRow, 'reportId' | 'occurredAt' | 'province' | 'coverage'> & { platformWorkerId?: string };

export default function Cases({ platformId }: { platformId: string }) {
  const { caseId } = useParams();
  const [applying, setApplying] = useState<ReportFacts>();
  const [month, setMonth] = useState(() => shanghaiToday().slice(0, 7));
  /** Bumped after a report or an application, so that the month's list reads the API again. */
  const [changes, setChanges] = useState(0);
  if (caseId) return <CaseView caseId={caseId} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>报案与案件</h1>}>
        <Typography.Paragraph>
          骑手在订单任务中受伤后，平台应及时报案，并在平台的申请期限内（伤害发生后若干个工作日，按国家节假日安排计算，由系统依现行规则算出，见各报案的“申请期限”）代为提出待遇申请；超过期限须提交超期说明。
        </Typography.Paragraph>
        <ReportForm
          platformId={platformId}
          onReported={(r) => {
            setApplying(r);
            setMonth(shanghaiDay(r.occurredAt).slice(0, 7));
            setChanges((n) => n + 1);
          }}
        />
      </Card>
      {applying ? (
        <ApplyForm
          report={applying}
          onCancel={() => setApplying(undefined)}
          onOpened={() => {
            setApplying(undefined);
            setChanges((n) => n + 1);
          }}
        />
      ) : null}
      <MonthReports platformId={platformId} month={month} onMonth={setMonth} changes={changes} onApply={setApplying} />
    </Space>
  );
}

/** The Asia/Shanghai date of an instant (YYYY-MM-DD). */
const shanghaiDay = (instant: string) => new Date(new Date(instant).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

interface ReportValues {
  platformWorkerId: string;
  occurredAt: string;
  province: string;
  place: string;
  description: string;
  orderId?: string;
}

function ReportForm({ platformId, onReported }: { platformId: string; onReported: (r: ReportFacts) => void }) {
  const [form] = Form.useForm<ReportValues>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string>();
  const submit = async (v: ReportValues) => {
    const occurredAt = shanghaiInstant(v.occurredAt);
    if (!occurredAt) return form.setFields([{ name: 'occurredAt', errors: ['请填写受伤时间'] }]);
    setBusy(true);
    setAlert(undefined);
    try {
      const body = {
        platformId,
        platformWorkerId: v.platformWorkerId.trim(),
        occurredAt,
        province: v.province,
        place: v.place.trim(),
        description: v.description.trim(),
        ...(v.orderId?.trim() ? { orderId: v.orderId.trim() } : {}),
      };
      const { data, error, response } = await api.POST('/v1/injury-reports', { body });
      if (!response.ok || !data) {
        const { fieldErrors, text } = splitProblem(asProblem(error), ['platformWorkerId', 'occurredAt', 'province', 'place', 'description', 'orderId']);
        form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]);
        if (text) setAlert(text);
        return;
      }
      form.resetFields();
      onReported({ reportId: data.reportId, platformWorkerId: body.platformWorkerId, occurredAt, province: body.province, coverage: data.coverage });
    } catch (e) {
      setAlert(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        报告工伤
      </Typography.Title>
      {alert ? <Alert type="error" role="alert" showIcon message="报案未成功" description={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} className="platform-form-grid">
        <Form.Item name="platformWorkerId" label="平台劳动者编号" rules={[{ required: true, whitespace: true, message: '请填写平台劳动者编号' }]}>
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item name="occurredAt" label="受伤时间（北京时间）" rules={[{ required: true, message: '请填写受伤时间' }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item name="province" label="受伤地所在省份" rules={[{ required: true, message: '请选择省份' }]}>
          <FieldSelect options={provinceOptions} showSearch optionFilterProp="label" />
        </Form.Item>
        <Form.Item name="orderId" label="订单编号（选填）">
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item name="place" label="受伤地点" rules={[{ required: true, whitespace: true, message: '请填写受伤地点' }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label="受伤经过" rules={[{ required: true, whitespace: true, message: '请填写受伤经过' }]}>
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Button type="primary" htmlType="submit" loading={busy}>
            提交报案
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}

interface ApplyValues {
  kind: 'injury' | 'death';
  payee?: { name: string; bankAccount: string };
  consent: boolean;
  lateExplanation?: string;
}

function ApplyForm({ report, onOpened, onCancel }: { report: ReportFacts; onOpened: (c: Case) => void; onCancel: () => void }) {
  const [form] = Form.useForm<ApplyValues>();
  const kind = Form.useWatch('kind', form);
  const [late, setLate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string>();
  const navigate = useNavigate();
  const submit = async (v: ApplyValues) => {
    setBusy(true);
    setAlert(undefined);
    try {
      const { data, error, response } = await api.POST('/v1/cases', {
        body: {
          reportId: report.reportId,
          kind: v.kind,
          applicant: { type: 'platform' },
          // A platform opening a death case leaves the payee to the handler (once dependants are recorded).
          ...(v.kind === 'injury' && v.payee ? { payee: { name: v.payee.name.trim(), bankAccount: v.payee.bankAccount.replace(/\s+/g, '') } } : {}),
          consent: true,
          ...(late && v.lateExplanation?.trim() ? { lateExplanation: v.lateExplanation.trim() } : {}),
        },
      });
      if (!response.ok || !data) {
        const { fieldErrors, text } = splitProblem(asProblem(error), ['kind', 'payee', 'consent', 'lateExplanation']);
        if (fieldErrors.some((f) => f.name[0] === 'lateExplanation')) setLate(true);
        // The explanation's field must be on the page before its message can be put under it.
        setTimeout(() => form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]), 0);
        if (text) setAlert(text);
        return;
      }
      onOpened(data);
      navigate(`/reports/${data.caseId}`);
    } catch (e) {
      setAlert(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>申请待遇（报案 {report.reportId}）</h2>}>
      <Typography.Paragraph>
        骑手 {report.platformWorkerId ?? '—'}，受伤时间 {dateTime(report.occurredAt)}，{province(report.province)}；
        {label(COVERAGE_REASON, report.coverage.reason)}。
      </Typography.Paragraph>
      {alert ? <Alert type="error" role="alert" showIcon message="申请未成功" description={alert} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ kind: 'injury' }} style={{ maxWidth: 640 }}>
        <Form.Item name="kind" label="案件类型">
          <Radio.Group
            options={[
              { value: 'injury', label: '受伤' },
              { value: 'death', label: '死亡' },
            ]}
          />
        </Form.Item>
        {kind !== 'death' ? (
          <Space wrap align="start">
            <Form.Item name={['payee', 'name']} label="收款人姓名（受伤骑手本人）" rules={[{ required: true, whitespace: true, message: '请填写收款人姓名' }]}>
              <Input maxLength={50} autoComplete="off" />
            </Form.Item>
            <Form.Item name={['payee', 'bankAccount']} label="收款银行账号" rules={[{ required: true, whitespace: true, message: '请填写银行账号' }]}>
              <Input maxLength={40} autoComplete="off" inputMode="numeric" />
            </Form.Item>
          </Space>
        ) : (
          <Typography.Paragraph>死亡案件的收款人由经办人员在登记供养亲属后确定。</Typography.Paragraph>
        )}
        {late ? (
          <Form.Item
            name="lateExplanation"
            label="超期说明"
            extra="已超过平台申请期限，请说明未能按时申请的原因。"
            rules={[{ required: true, whitespace: true, message: '请填写超期说明' }]}
          >
            <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
        ) : null}
        <Form.Item
          name="consent"
          valuePropName="checked"
          rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error('须经骑手同意后方可代为申请'))) }]}
        >
          <Checkbox>已取得骑手本人同意，代为申请职业伤害保障待遇并提供其信息</Checkbox>
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            提交申请
          </Button>
          <Button onClick={onCancel}>稍后申请</Button>
        </Space>
      </Form>
    </Card>
  );
}

/** The month's reports of the platform's riders (by injury date), newest first, with their cases; 50 a page. */
function MonthReports({
  platformId,
  month,
  onMonth,
  changes,
  onApply,
}: {
  platformId: string;
  month: string;
  onMonth: (m: string) => void;
  changes: number;
  onApply: (r: ReportFacts) => void;
}) {
  const navigate = useNavigate();
  const [rows, setRows] = useState<ReportRow[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    async (token?: string) => {
      setBusy(true);
      setError(undefined);
      try {
        const { data, error: problem } = await api.GET('/v1/platforms/{platformId}/injury-reports', {
          params: { path: { platformId }, query: { month, ...(token ? { nextToken: token } : {}) } },
        });
        if (!data) return setError(asProblem(problem).detail);
        setRows((before) => [...(token ? (before ?? []) : []), ...data.items]);
        setNext(data.nextToken);
      } catch (e) {
        setError(asProblem(e).detail);
      } finally {
        setBusy(false);
      }
    },
    [platformId, month],
  );
  useEffect(() => {
    void changes;
    void load();
  }, [load, changes]);
  const today = shanghaiToday();
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>本平台骑手的报案与案件</h2>}>
      <Space wrap style={{ marginBottom: 16 }} align="end">
        <label className="platform-inline-field" htmlFor="report-month">
          <span>受伤月份</span>
          <DatePicker
            id="report-month"
            picker="month"
            format="YYYY-MM"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            disabledDate={(d) => d.format('YYYY-MM') > today.slice(0, 7)}
            onChange={(d) => d && onMonth(d.format('YYYY-MM'))}
            style={{ width: 160 }}
          />
        </label>
        <Form layout="inline" onFinish={({ id }: { id: string }) => navigate(`/reports/${encodeURIComponent(id.trim())}`)} style={{ rowGap: 8 }}>
          <Form.Item name="id" label="案件编号" rules={[{ required: true, whitespace: true, message: '请填写案件编号' }]}>
            <Input style={{ width: 220, maxWidth: '100%' }} autoComplete="off" />
          </Form.Item>
          <Button htmlType="submit">查看案件</Button>
        </Form>
      </Space>
      {error ? <Alert type="error" role="alert" showIcon message="报案列表未能读取" description={error} style={{ marginBottom: 16 }} /> : null}
      <Table<ReportRow>
        size="small"
        rowKey="reportId"
        loading={busy && !rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={rows ?? []}
        aria-label={`${month} 的报案`}
        locale={{ emptyText: <span className="empty-text">{month} 暂无报案</span> }}
        columns={[
          { title: '报案编号', dataIndex: 'reportId' },
          { title: '平台劳动者编号', key: 'worker', render: (_, r) => r.platformWorkerId ?? r.workerId ?? '—' },
          { title: '受伤时间', key: 'at', render: (_, r) => dateTime(r.occurredAt) },
          { title: '省份', key: 'province', render: (_, r) => province(r.province) },
          { title: '订单保障', key: 'coverage', render: (_, r) => (r.coverage.covered ? '受保障' : label(COVERAGE_REASON, r.coverage.reason)) },
          {
            title: '申请期限',
            key: 'due',
            render: (_, r) => {
              const d = deadlineText(r.applicationDue, today);
              return (
                <Space size={4}>
                  <span>{d.text}</span>
                  {r.case?.late ? (
                    <Tag color="orange" style={DARK.orange}>
                      超期申请
                    </Tag>
                  ) : !r.caseId && d.past ? (
                    <Tag color="red" style={DARK.red}>
                      已过期限
                    </Tag>
                  ) : null}
                </Space>
              );
            },
          },
          {
            title: '案件',
            key: 'case',
            render: (_, r) =>
              r.caseId ? (
                <Space size={4}>
                  <Link to={`/reports/${r.caseId}`}>{r.caseId}</Link>
                  <span>{r.case ? label(CASE_STATUS, r.case.status) : ''}</span>
                </Space>
              ) : (
                <Button size="small" onClick={() => onApply(r)} aria-label={`为报案 ${r.reportId} 申请待遇`}>
                  申请待遇
                </Button>
              ),
          },
        ]}
      />
      {next ? (
        <Button style={{ marginTop: 12 }} onClick={() => void load(next)} loading={busy} aria-label="加载更多报案">
          加载更多
        </Button>
      ) : null}
    </Card>
  );
}

function CaseView({ caseId }: { caseId: string }) {
  const { message } = App.useApp();
  const [c, setCase] = useState<Case>();
  const [missing, setMissing] = useState<string>();
  useEffect(() => {
    let live = true;
    setCase(undefined);
    setMissing(undefined);
    void api
      .GET('/v1/cases/{caseId}', { params: { path: { caseId } } })
      .then(({ data, error }) => {
        if (!live) return;
        if (data) setCase(data);
        else setMissing(asProblem(error).detail ?? '未找到该案件。');
      })
      .catch((e: unknown) => message.error(asProblem(e).detail));
    return () => {
      live = false;
    };
  }, [caseId, message]);
  const today = shanghaiToday();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Link to="/reports">← 返回报案与案件</Link>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>案件 {caseId}</h1>} loading={!c && !missing}>
        {missing ? <Alert type="warning" showIcon role="alert" message="无法查看该案件" description={missing} /> : null}
        {c ? (
          <Space direction="vertical" style={{ width: '100%' }} size="large">
            <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label="状态">{label(CASE_STATUS, c.status)}</Descriptions.Item>
              <Descriptions.Item label="案件类型">{c.kind === 'death' ? '死亡' : '受伤'}</Descriptions.Item>
              <Descriptions.Item label="劳动者编号">{c.workerId ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="省份">{province(c.province)}</Descriptions.Item>
              <Descriptions.Item label="受伤时间">{dateTime(c.occurredAt)}</Descriptions.Item>
              <Descriptions.Item label="订单保障">
                {c.coverage.covered ? `受保障（订单 ${c.coverage.orderId ?? '—'}）` : label(COVERAGE_REASON, c.coverage.reason)}
              </Descriptions.Item>
              <Descriptions.Item label="申请期限" span={2}>
                <span data-testid="application-due">{deadlineText(c.deadlines.applicationDue, today).text}</span>
                {c.late ? (
                  <Tag color="orange" style={{ ...DARK.orange, marginLeft: 8 }}>
                    超期申请
                  </Tag>
                ) : null}
              </Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              rowKey="key"
              pagination={false}
              caption={<Typography.Text strong>期限</Typography.Text>}
              dataSource={Object.entries(c.deadlines)
                .filter((e): e is [string, { date: string; provisional: boolean }] => typeof e[1] === 'object' && e[1] !== null && 'date' in e[1])
                .map(([key, d]) => ({ key, ...d }))}
              columns={[
                { title: '期限', key: 'name', render: (_, d) => label(DEADLINE, d.key) },
                { title: '日期', key: 'date', render: (_, d) => deadlineText(d, today).text },
                { title: '', key: 'past', render: (_, d) => (today > d.date ? '已过' : '') },
              ]}
            />
            <Table
              size="small"
              rowKey={(t) => `${t.at}-${t.action}`}
              pagination={false}
              scroll={{ x: 'max-content' }}
              caption={<Typography.Text strong>办理记录</Typography.Text>}
              dataSource={c.timeline}
              columns={[
                { title: '时间', key: 'at', render: (_, t) => dateTime(t.at) },
                { title: '事项', key: 'action', render: (_, t) => label(TIMELINE_ACTION, t.action) },
              ]}
            />
          </Space>
        ) : null}
      </Card>
    </Space>
  );
}
