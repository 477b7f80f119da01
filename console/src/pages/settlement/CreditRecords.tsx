import { Alert, Button, Card, Form, Input, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';
import type { Session } from '../../auth/session.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { RoleGate } from '../../components/RoleGate.tsx';
import { DARK } from '../../components/tags.ts';
import { label } from '../../format.ts';
import { CREDIT_ROLES, CREDIT_STATUS, CREDIT_TYPE, type CreditFact, factText } from './labels.ts';

type CreditRecord = Schemas['CreditRecords']['items'][number];

/** A cell that wraps at `width` px (long ids break anywhere), so the table fits the page. */
const WRAP = (width: number): React.CSSProperties => ({ display: 'inline-block', width, whiteSpace: 'normal', wordBreak: 'break-all' });

/** Records per page. */
const PAGE = 20;

/** 信用记录 (D19): staff and administrators see every platform's (or one's), a platform its own. */
export default function CreditRecordsPage({ session }: { session: Session }) {
  return (
    <RoleGate session={session} roles={CREDIT_ROLES} what="信用记录">
      <CreditRecords session={session} />
    </RoleGate>
  );
}

/** The list with its filters (platform, open/resolved) and paging ("加载更多" follows the API's nextToken). */
function CreditRecords({ session }: { session: Session }) {
  const [params, setParams] = useSearchParams();
  const own = session.claims.role === 'platform';
  const platformId = own ? undefined : params.get('platformId') || undefined;
  const status = (params.get('status') || undefined) as 'open' | 'resolved' | undefined;
  const [form] = Form.useForm<{ platformId?: string; status?: string }>();
  const [items, setItems] = useState<CreditRecord[]>();
  const [next, setNext] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();

  const load = useCallback(
    async (nextToken: string | undefined) => {
      setBusy(true);
      const { data, error } = await api.GET('/v1/credit-records', {
        params: { query: { ...(platformId ? { platformId } : {}), ...(status ? { status } : {}), limit: PAGE, ...(nextToken ? { nextToken } : {}) } },
      });
      setBusy(false);
      if (error || !data) {
        const { fieldErrors, text } = splitProblem(asProblem(error), ['platformId', 'status']);
        form.setFields(fieldErrors as never);
        setItems([]);
        setNext(undefined);
        return setRefusal(`${asProblem(error).title}：${text}`);
      }
      setRefusal(undefined);
      setItems((before) => [...(nextToken ? (before ?? []) : []), ...data.items]);
      setNext(data.nextToken);
    },
    [platformId, status, form],
  );

  useEffect(() => {
    form.setFieldsValue({ platformId: platformId ?? '', status: status ?? '' });
    load(undefined);
  }, [load, form, platformId, status]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>信用记录</h1>}>
        {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
        <Form
          form={form}
          name="creditFilters"
          layout="inline"
          style={{ rowGap: 8 }}
          onFinish={(v) => {
            const q = new URLSearchParams();
            if (v.platformId?.trim()) q.set('platformId', v.platformId.trim());
            if (v.status) q.set('status', v.status);
            setParams(q);
          }}
        >
          {own ? null : (
            <Form.Item name="platformId" label="平台编号">
              <Input style={{ width: 240, maxWidth: '100%' }} placeholder="全部平台" maxLength={128} />
            </Form.Item>
          )}
          <Form.Item name="status" label="状态">
            <FieldSelect
              style={{ width: 140 }}
              options={[
                { value: '', label: '全部' },
                { value: 'open', label: CREDIT_STATUS.open },
                { value: 'resolved', label: CREDIT_STATUS.resolved },
              ]}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
      </Card>
      <Card>
        <Table
          size="small"
          rowKey="recordId"
          pagination={false}
          loading={items === undefined}
          scroll={{ x: 'max-content' }}
          dataSource={items ?? []}
          aria-label="信用记录列表"
          locale={{ emptyText: <span className="empty-text">没有符合条件的信用记录</span> }}
          columns={[
            { title: '记录编号', dataIndex: 'recordId', render: (id: string) => <span style={WRAP(180)}>{id}</span> },
            ...(own ? [] : [{ title: '平台编号', dataIndex: 'platformId', render: (id: string) => <span style={WRAP(160)}>{id}</span> }]),
            { title: '类型', dataIndex: 'type', render: (t: string) => label(CREDIT_TYPE, t) },
            {
              title: '事实',
              dataIndex: 'fact',
              render: (f: CreditFact) => <span style={{ ...WRAP(300), wordBreak: 'normal' }}>{factText(f)}</span>,
            },
            { title: '记录日期', dataIndex: 'since' },
            {
              title: '状态',
              dataIndex: 'status',
              render: (s: string, r: CreditRecord) => (
                <span>
                  <Tag style={s === 'open' ? DARK.red : DARK.green}>{label(CREDIT_STATUS, s)}</Tag>
                  {r.resolvedOn ? `${r.resolvedOn} 消除` : null}
                </span>
              ),
            },
          ]}
        />
        {next ? (
          <Button style={{ marginTop: 16 }} loading={busy} onClick={() => load(next)}>
            加载更多
          </Button>
        ) : items?.length ? (
          <p className="empty-text" style={{ marginTop: 16, marginBottom: 0 }}>{`共 ${items.length} 条，已全部显示。`}</p>
        ) : null}
      </Card>
    </Space>
  );
}
