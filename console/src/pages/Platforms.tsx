import { Alert, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Popconfirm, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { INDUSTRIES } from '../../../core/industries.ts';
import { api, type Schemas } from '../api/client.ts';
import { asProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import { FieldSelect } from '../components/FieldSelect.tsx';
import { RoleGate } from '../components/RoleGate.tsx';
import { dateTime, INDUSTRY, label, PROVINCES, province, shanghaiToday } from '../format.ts';
import { useStep } from './case/useStep.ts';

type Platform = Schemas['Platform'];
type Industry = Platform['industries'][number];
/** An app client's credentials as issued: the secret exists in this page's memory only, until it is dismissed or the page is left. */
type Credentials = { platformId: string; clientId: string; clientSecret?: string };

const provinceOptions = Object.entries(PROVINCES).map(([value, name]) => ({ value, label: name }));

/**
 * 平台管理 (admin): registering a platform (`POST /v1/platforms`), a platform's record (`GET
 * /v1/platforms/{platformId}`), joining another province (`POST …/provinces`) and issuing new client
 * credentials (`POST …/client`). A client secret is shown once: it is never stored and cannot be read again.
 */
export default function Platforms({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={['admin']} what="平台管理">
      <PlatformsPage />
    </RoleGate>
  );
}

function PlatformsPage() {
  const { platformId } = useParams();
  const navigate = useNavigate();
  const [issued, setIssued] = useState<Credentials>();
  // Leaving the platform the credentials belong to forgets them.
  useEffect(() => {
    setIssued((c) => (c && c.platformId === platformId ? c : undefined));
  }, [platformId]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>平台管理</h1>}>
        <Form layout="inline" onFinish={({ id }: { id: string }) => navigate(`/platforms/${encodeURIComponent(id.trim())}`)} style={{ rowGap: 8 }}>
          <Form.Item name="id" label="平台编号" rules={[{ required: true, whitespace: true, message: '请填写平台编号' }]}>
            <Input style={{ width: 320, maxWidth: '100%' }} />
          </Form.Item>
          <Button htmlType="submit">查看平台</Button>
        </Form>
      </Card>
      {issued ? <SecretOnce credentials={issued} onDismiss={() => setIssued(undefined)} /> : null}
      {platformId ? (
        <PlatformView platformId={platformId} onIssued={setIssued} />
      ) : (
        <Register
          onRegistered={(c) => {
            setIssued(c);
            navigate(`/platforms/${c.platformId}`);
          }}
        />
      )}
    </Space>
  );
}

/** The credentials just issued, with the warning that the secret will not be shown again. */
function SecretOnce({ credentials, onDismiss }: { credentials: Credentials; onDismiss: () => void }) {
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      message="平台接入凭据（客户端密钥仅显示这一次）"
      description={
        <>
          <p>请立即复制并通过安全渠道交付平台。本系统不保存密钥，离开本页或点击「我已妥善保存」后无法再次查看；如遗失，请重新签发凭据（原凭据随即失效）。</p>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label="平台编号">{credentials.platformId}</Descriptions.Item>
            <Descriptions.Item label="客户端编号（client_id）">
              <Typography.Text copyable={{ tooltips: ['复制', '已复制'] }} style={{ overflowWrap: 'anywhere' }}>
                {credentials.clientId}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="客户端密钥（client_secret）">
              {credentials.clientSecret ? (
                <Typography.Text code copyable={{ tooltips: ['复制', '已复制'] }} data-testid="client-secret" style={{ overflowWrap: 'anywhere' }}>
                  {credentials.clientSecret}
                </Typography.Text>
              ) : (
                '本次应答不含密钥（重复提交的应答不再返回密钥）；如需密钥请重新签发凭据。'
              )}
            </Descriptions.Item>
          </Descriptions>
          <Button style={{ marginTop: 12 }} onClick={onDismiss}>
            我已妥善保存
          </Button>
        </>
      }
    />
  );
}

/**
 * The industries as checkboxes. Like FieldSelect: Form.Item gives a required field's control `aria-required`,
 * which a checkbox group's plain <div> may not carry (axe: aria-allowed-attr); the required mark and message stay.
 */
function IndustryChoice(props: { value?: Industry[]; onChange?: (v: Industry[]) => void; 'aria-required'?: string | boolean; id?: string }) {
  const { 'aria-required': _dropped, ...rest } = props;
  return <Checkbox.Group {...rest} options={INDUSTRIES.map((value) => ({ value, label: label(INDUSTRY, value) }))} />;
}

interface RegisterValues {
  name: string;
  creditCode: string;
  industries: Industry[];
  provinces: { code?: string; joinedOn?: Dayjs }[];
}

/** 登记平台: name, unified social credit code, industries and the provinces it joins (each with a date). */
function Register({ onRegistered }: { onRegistered: (c: Credentials) => void }) {
  const [form] = Form.useForm<RegisterValues>();
  const { busy, refusal, run } = useStep(form, ['name', 'creditCode', 'industries', 'provinces']);
  const submit = (v: RegisterValues) => {
    let answer: Schemas['PlatformRegistration'] | undefined;
    return run(
      async () => {
        const sent = await api.POST('/v1/platforms', {
          body: {
            name: v.name.trim(),
            creditCode: v.creditCode.trim().toUpperCase(),
            industries: v.industries,
            provinces: (v.provinces ?? []).map((p) => ({ code: p.code ?? '', joinedOn: p.joinedOn?.format('YYYY-MM-DD') ?? '' })),
          },
        });
        answer = sent.data;
        return sent;
      },
      '平台已登记',
      () => answer && onRegistered({ platformId: answer.platformId, clientId: answer.clientId, clientSecret: answer.clientSecret }),
    );
  };
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>登记平台</h2>}>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        style={{ maxWidth: 640 }}
        aria-label="登记平台"
        initialValues={{ industries: [], provinces: [{ joinedOn: dayjs(shanghaiToday()) }] }}
      >
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        <Form.Item name="name" label="平台名称" rules={[{ required: true, whitespace: true, message: '请填写平台名称' }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item
          name="creditCode"
          label="统一社会信用代码"
          rules={[
            { required: true, whitespace: true, message: '请填写统一社会信用代码' },
            { len: 18, message: '统一社会信用代码为 18 位' },
          ]}
        >
          <Input maxLength={18} style={{ maxWidth: 260 }} />
        </Form.Item>
        <Form.Item name="industries" label="行业" rules={[{ required: true, type: 'array', min: 1, message: '请至少选择一个行业' }]}>
          <IndustryChoice />
        </Form.Item>
        <Form.List name="provinces">
          {(fields, { add, remove }) => (
            <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
              <legend style={{ fontSize: 14, marginBottom: 8 }}>参保省份与加入日期</legend>
              {fields.map(({ key, name }) => (
                <Space key={key} wrap align="start">
                  <Form.Item name={[name, 'code']} label={`省份 ${name + 1}`} rules={[{ required: true, message: '请选择省份' }]}>
                    <FieldSelect showSearch optionFilterProp="label" style={{ width: 180 }} options={provinceOptions} />
                  </Form.Item>
                  <Form.Item name={[name, 'joinedOn']} label={`加入日期 ${name + 1}`} rules={[{ required: true, message: '请选择加入日期' }]}>
                    <DatePicker />
                  </Form.Item>
                  <Button onClick={() => remove(name)} style={{ marginTop: 30 }}>
                    删除
                  </Button>
                </Space>
              ))}
              <Form.Item>
                <Button onClick={() => add({ joinedOn: dayjs(shanghaiToday()) })}>添加省份</Button>
              </Form.Item>
            </fieldset>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={busy}>
          登记平台
        </Button>
      </Form>
    </Card>
  );
}

/** A platform's record, joining another province, and new credentials (the previous client stops working). */
function PlatformView({ platformId, onIssued }: { platformId: string; onIssued: (c: Credentials) => void }) {
  const [platform, setPlatform] = useState<Platform>();
  const [missing, setMissing] = useState<string>();
  const [reissueRefusal, setReissueRefusal] = useState<string>();
  const [reissuing, setReissuing] = useState(false);
  const load = useCallback(async () => {
    const { data, error } = await api.GET('/v1/platforms/{platformId}', { params: { path: { platformId } } });
    setPlatform(data);
    setMissing(data ? undefined : asProblem(error).detail);
  }, [platformId]);
  useEffect(() => {
    load();
  }, [load]);

  const reissue = async () => {
    setReissuing(true);
    setReissueRefusal(undefined);
    try {
      const { data, error } = await api.POST('/v1/platforms/{platformId}/client', { params: { path: { platformId } } });
      if (!data) return setReissueRefusal(`${asProblem(error).title}：${asProblem(error).detail}`);
      onIssued({ platformId: data.platformId, clientId: data.clientId, clientSecret: data.clientSecret });
    } catch (e) {
      setReissueRefusal(asProblem(e).detail);
    } finally {
      setReissuing(false);
    }
  };

  if (missing) return <Alert type="warning" showIcon role="alert" message={`平台 ${platformId}：${missing}`} />;
  if (!platform) return null;
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0, overflowWrap: 'anywhere' }}>{platform.name}</h2>}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label="平台编号">
          <span style={{ overflowWrap: 'anywhere' }}>{platform.platformId}</span>
        </Descriptions.Item>
        <Descriptions.Item label="统一社会信用代码">{platform.creditCode}</Descriptions.Item>
        <Descriptions.Item label="行业">{platform.industries.map((i) => label(INDUSTRY, i)).join('、')}</Descriptions.Item>
        <Descriptions.Item label="登记时间">{dateTime(platform.createdAt)}</Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="code"
        pagination={false}
        style={{ margin: '16px 0' }}
        dataSource={platform.provinces}
        locale={{ emptyText: <span className="empty-text">尚未在任何省份参保</span> }}
        columns={[
          { title: '参保省份', dataIndex: 'code', render: (c: string) => province(c) },
          { title: '加入日期', dataIndex: 'joinedOn' },
        ]}
      />
      <JoinProvince platformId={platformId} joined={platform.provinces.map((p) => p.code)} onDone={setPlatform} />
      <h3 style={{ fontSize: 15, marginTop: 24 }}>接入凭据</h3>
      <p className="empty-text">客户端密钥只在签发时显示一次。重新签发会使原凭据失效（最长 15 分钟内），平台须改用新凭据。</p>
      {reissueRefusal ? <Alert type="error" showIcon role="alert" message={reissueRefusal} style={{ marginBottom: 16 }} /> : null}
      <Popconfirm title="重新签发凭据？" description="原客户端凭据将失效。" okText="重新签发" cancelText="取消" onConfirm={reissue}>
        <Button loading={reissuing}>重新签发凭据</Button>
      </Popconfirm>
    </Card>
  );
}

function JoinProvince({ platformId, joined, onDone }: { platformId: string; joined: string[]; onDone: (p: Platform) => void }) {
  const [form] = Form.useForm<{ code: string; joinedOn: Dayjs }>();
  const { busy, refusal, run } = useStep(form, ['code', 'joinedOn']);
  const submit = (v: { code: string; joinedOn: Dayjs }) => {
    let platform: Platform | undefined;
    return run(
      async () => {
        const sent = await api.POST('/v1/platforms/{platformId}/provinces', {
          params: { path: { platformId } },
          body: { code: v.code, joinedOn: v.joinedOn.format('YYYY-MM-DD') },
        });
        platform = sent.data;
        return sent;
      },
      `已加入${province(v.code)}`,
      () => {
        if (platform) onDone(platform);
        form.resetFields();
      },
    );
  };
  return (
    <Form form={form} layout="inline" onFinish={submit} initialValues={{ joinedOn: dayjs(shanghaiToday()) }} style={{ rowGap: 8 }} aria-label="加入其他省份">
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16, width: '100%' }} /> : null}
      <Form.Item name="code" label="加入省份" rules={[{ required: true, message: '请选择省份' }]}>
        <FieldSelect showSearch optionFilterProp="label" style={{ width: 180 }} options={provinceOptions.filter((o) => !joined.includes(o.value))} />
      </Form.Item>
      <Form.Item name="joinedOn" label="加入日期" rules={[{ required: true, message: '请选择加入日期' }]}>
        <DatePicker />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        加入省份
      </Button>
    </Form>
  );
}
