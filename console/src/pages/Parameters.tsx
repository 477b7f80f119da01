import { Alert, Button, Card, DatePicker, Form, Input, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { INDUSTRIES } from '../../../core/industries.ts';
import { PARAMETER_NAMES, PARAMETER_RULES, type ParameterName, parameterVersionId } from '../../../core/parameters.ts';
import { parameterUnit, parameterValueOf, parameterValueProblem, parameterValueText, scopeText } from '../admin.ts';
import { api, type Schemas } from '../api/client.ts';
import { asProblem, splitProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { FieldSelect } from '../components/FieldSelect.tsx';
import { RoleGate } from '../components/RoleGate.tsx';
import { INDUSTRY, label, PARAMETER, PROVINCES, shanghaiToday } from '../format.ts';
import { useStep } from './case/useStep.ts';

type Scope = Schemas['ParameterScope'];
type Industry = NonNullable<Scope['industry']>;
interface Context {
  on: Dayjs;
  province?: string;
  industry?: Industry;
  platformId?: string;
}
interface Row {
  readonly name: ParameterName;
  readonly version?: Schemas['ResolvedParameter'];
  readonly missing?: string;
}

const provinceOptions = Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }));
const industryOptions = INDUSTRIES.map((value) => ({ value, label: label(INDUSTRY, value) }));
const SCOPE_LABEL = { province: '省份', industry: '行业', platformId: '平台编号' } as const;

/**
 * 参数管理 (admin): the version of every parameter in force on a date for a scope (`GET
 * /v1/parameters/resolve`), and publishing a new version (`PUT /v1/parameters`). Versions are only ever
 * added: a correction is a new version with its own effective date.
 */
export default function Parameters({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={['admin']} what="参数管理">
      <ParametersPage session={session} />
    </RoleGate>
  );
}

function ParametersPage({ session }: { session: Session }) {
  const [context, setContext] = useState<Context>({
    on: dayjs(shanghaiToday()),
    province: session.claims.provinces?.[0],
    industry: INDUSTRIES[0],
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <InForce context={context} onContext={setContext} />
      {/* After publishing: the table on the version's date, within its scope (the rest of the context kept). */}
      <Publish onPublished={(v) => setContext((c) => ({ ...c, on: dayjs(v.effectiveFrom), ...v.scope }))} />
    </Space>
  );
}

/** Every parameter's version in force on a date for a scope, with its effective date, scope and version id. */
function InForce({ context, onContext }: { context: Context; onContext: (c: Context) => void }) {
  const [form] = Form.useForm<Context>();
  const [rows, setRows] = useState<Row[]>();
  const [refusal, setRefusal] = useState<string>();

  const load = useCallback(async () => {
    const on = context.on.format('YYYY-MM-DD');
    const query = {
      on,
      ...(context.province ? { province: context.province } : {}),
      ...(context.industry ? { industry: context.industry } : {}),
      ...(context.platformId?.trim() ? { platformId: context.platformId.trim() } : {}),
    };
    const answers = await Promise.all(PARAMETER_NAMES.map((name) => api.GET('/v1/parameters/resolve', { params: { query: { name, ...query } } })));
    const refused = answers.find((a) => a.response.status !== 404 && a.error);
    if (refused) {
      const problem = asProblem(refused.error);
      const { fieldErrors, text } = splitProblem(problem, ['on', 'province', 'industry', 'platformId']);
      form.setFields(fieldErrors as never);
      setRows(undefined);
      return setRefusal(`${problem.title}：${text}`);
    }
    setRefusal(undefined);
    setRows(
      PARAMETER_NAMES.map((name, i) => ({ name, version: answers[i]!.data, missing: answers[i]!.data ? undefined : asProblem(answers[i]!.error).detail })),
    );
  }, [context, form]);
  useEffect(() => {
    form.setFieldsValue(context);
    load();
  }, [context, form, load]);

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>参数管理</h1>}>
      <p>参数只增加版本、不修改历史：每个版本有生效日期和适用范围，按日期和范围取最具体且已生效的版本。下表为所选日期、范围下各参数生效的版本。</p>
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="inline" initialValues={context} onFinish={onContext} style={{ rowGap: 8, marginBottom: 16 }} aria-label="查询生效版本">
        <Form.Item name="on" label="日期" rules={[{ required: true, message: '请选择日期' }]}>
          <DatePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="province" label="省份">
          <FieldSelect allowClear placeholder="全国" style={{ width: 160 }} options={provinceOptions} />
        </Form.Item>
        <Form.Item name="industry" label="行业">
          <FieldSelect allowClear placeholder="不限" style={{ width: 130 }} options={industryOptions} />
        </Form.Item>
        <Form.Item name="platformId" label="平台编号">
          <Input style={{ width: 180 }} placeholder="可选" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          查询
        </Button>
      </Form>
      <Table<Row>
        size="small"
        rowKey="name"
        pagination={false}
        loading={!rows && !refusal}
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        columns={[
          { title: '参数', key: 'name', render: (_, r) => <span title={r.name}>{label(PARAMETER, r.name)}</span> },
          {
            title: '取值',
            key: 'value',
            align: 'right',
            render: (_, r) => (r.version ? parameterValueText(r.name, r.version.value) : <span className="empty-text">无生效版本</span>),
          },
          { title: '生效日期', key: 'from', render: (_, r) => r.version?.effectiveFrom ?? '—' },
          { title: '适用范围', key: 'scope', render: (_, r) => (r.version ? scopeText(r.version.scope) : (r.missing ?? '—')) },
          {
            title: '版本',
            key: 'version',
            render: (_, r) => (r.version ? <Typography.Text code>{parameterVersionId({ ...r.version, name: r.name })}</Typography.Text> : '—'),
          },
        ]}
      />
    </Card>
  );
}

interface PublishValues {
  name: ParameterName;
  scope: { province?: string; industry?: Industry; platformId?: string };
  effectiveFrom: Dayjs;
  value: string;
}

/** A new version (never an edit): the same version again with the same value is a replay; another value is refused (409). */
function Publish({ onPublished }: { onPublished: (v: Schemas['ParameterVersion']) => void }) {
  const [form] = Form.useForm<PublishValues>();
  const name = Form.useWatch('name', form) ?? 'averageMonthlyWageFen';
  const { busy, refusal, run } = useStep(form, ['name', 'scope', 'effectiveFrom', 'value']);
  const [published, setPublished] = useState<{ version: Schemas['ParameterVersion']; created: boolean }>();
  const scopes = PARAMETER_RULES[name].scopes;

  const submit = (v: PublishValues) => {
    const scope = Object.fromEntries(
      Object.entries(v.scope ?? {})
        .map(([k, s]) => [k, typeof s === 'string' ? s.trim() : s])
        .filter(([k, s]) => s && (scopes as readonly string[]).includes(k as string)),
    ) as Scope;
    const body = { name: v.name, scope, effectiveFrom: v.effectiveFrom.format('YYYY-MM-DD'), value: parameterValueOf(v.name, v.value) ?? -1 };
    let created = false;
    setPublished(undefined);
    return run(
      async () => {
        const answer = await api.PUT('/v1/parameters', { body });
        created = answer.response.status === 201;
        return answer;
      },
      '参数版本已提交',
      () => {
        setPublished({ version: body, created });
        onPublished(body);
      },
    );
  };

  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>发布新版本</h2>}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: 'averageMonthlyWageFen', scope: {} }}
        onFinish={submit}
        style={{ maxWidth: 560 }}
        aria-label="发布新版本"
        onValuesChange={(changed) => changed.name && form.setFields([{ name: 'value', errors: [] }])}
      >
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        {published ? (
          <Alert
            type={published.created ? 'success' : 'info'}
            showIcon
            role="status"
            style={{ marginBottom: 16 }}
            message={
              published.created
                ? `已发布新版本：${label(PARAMETER, published.version.name)}（${scopeText(published.version.scope)}）自 ${published.version.effectiveFrom} 起为 ${parameterValueText(published.version.name, published.version.value)}`
                : `该版本已存在且取值相同，未重复发布（${parameterVersionId(published.version)}）`
            }
          />
        ) : null}
        <Form.Item name="name" label="参数" rules={[{ required: true, message: '请选择参数' }]}>
          <FieldSelect options={PARAMETER_NAMES.map((n) => ({ value: n, label: `${label(PARAMETER, n)}（${parameterUnit(n)}）` }))} />
        </Form.Item>
        {scopes.length === 0 ? <p className="empty-text">此参数只有全国版本。</p> : <p className="empty-text">适用范围：不选即为全国。</p>}
        {scopes.map((field) => (
          <Form.Item key={field} name={['scope', field]} label={SCOPE_LABEL[field]}>
            {field === 'platformId' ? (
              <Input placeholder="可选" maxLength={64} />
            ) : (
              <FieldSelect allowClear placeholder="不限" options={field === 'province' ? provinceOptions : industryOptions} />
            )}
          </Form.Item>
        ))}
        <Form.Item name="effectiveFrom" label="生效日期" rules={[{ required: true, message: '请选择生效日期' }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item
          name="value"
          label="取值"
          rules={[
            { required: true, message: '请填写取值' },
            {
              validator: async (_, v: string | undefined) => {
                const problem = v ? parameterValueProblem(name, v) : undefined;
                if (problem) throw new Error(problem);
              },
            },
          ]}
        >
          <Input inputMode="decimal" addonAfter={parameterUnit(name)} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>
          发布版本
        </Button>
      </Form>
    </Card>
  );
}
