import { DARK } from '../components/tags.ts';
import { Alert, Card, Col, Descriptions, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Case, type Schemas } from '../api/client.ts';
import { asProblem } from '../api/problem.ts';
import type { Session } from '../auth/session.ts';
import {
  BASIS,
  COVERAGE_REASON,
  BENEFIT_ITEM,
  CASE_STATUS,
  DEADLINE,
  DOCUMENT_STATUS,
  DOCUMENT_TYPE,
  dateTime,
  label,
  NURSING,
  OUTCOME,
  PAYMENT_STATUS,
  province,
  ROLE,
  shanghaiToday,
  TIMELINE_ACTION,
  yuan,
} from '../format.ts';
import { ApprovalForm, AssessmentForm, ConfirmationForm, ExpensesForm } from './case/Forms.tsx';

type Extra = {
  evidence?: { reportId: string; reportedAt: string; orders: { orderId: string; acceptedAt: string; finishedAt?: string; industry?: string }[] };
  pendingStep?: unknown;
  expenses?: { items: { description: string; amountFen: number; inCatalogue: boolean }[]; inpatientDays: number };
  payee?: { name?: string; bankAccount?: string; bankName?: string };
};
type Full = Case & Extra;

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{title}</h2>} size="small" style={{ marginBottom: 16 }}>
    {children}
  </Card>
);

const basisText = (basis: Record<string, unknown>) =>
  Object.entries(basis)
    .map(([k, v]) => `${k}：${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('；');

/** A case with everything the staff need to decide its next step, and the form of that step for the signed-in role. */
export default function CasePage({ session }: { session: Session }) {
  const { caseId = '' } = useParams();
  const [item, setItem] = useState<Full>();
  const [benefits, setBenefits] = useState<Schemas['Benefits']>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    const [c, b] = await Promise.all([
      api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } }),
      api.GET('/v1/cases/{caseId}/benefits', { params: { path: { caseId } } }),
    ]);
    if (c.error || !c.data) return setError(asProblem(c.error).detail);
    setItem(c.data as Full);
    setBenefits(b.data);
    return c.data as Full;
  }, [caseId]);

  useEffect(() => {
    load();
  }, [load]);

  /** A step answers 202 and the workflow moves the case a moment later: reload until no step is pending. */
  const afterStep = useCallback(async () => {
    for (let i = 0; i < 40; i++) {
      const c = await load();
      if (!c?.pendingStep) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, [load]);

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!item) return <Card loading />;
  const role = session.claims.role;
  const today = shanghaiToday();
  const s = item.status;
  const forms: { title: string; node: React.ReactNode }[] = [];
  if (role === 'handler' && s === 'UNDER_REVIEW') forms.push({ title: '工伤认定', node: <ConfirmationForm caseId={caseId} onDone={afterStep} /> });
  if (role === 'handler' && ['UNDER_REVIEW', 'AWAITING_ASSESSMENT', 'AWAITING_DEPENDANTS', 'AWAITING_APPROVAL', 'RETURNED'].includes(s))
    forms.push({ title: '登记费用', node: <ExpensesForm caseId={caseId} onDone={afterStep} /> });
  if (role === 'assessor' && ['AWAITING_ASSESSMENT', 'APPROVED', 'PAID', 'CLOSED'].includes(s))
    forms.push({ title: '劳动能力鉴定', node: <AssessmentForm caseId={caseId} onDone={afterStep} /> });
  if (role === 'reviewer' && s === 'AWAITING_APPROVAL')
    forms.push({ title: '待遇复核', node: <ApprovalForm caseId={caseId} benefits={benefits} onDone={afterStep} /> });

  const confirmation = item.confirmation as { outcome?: string; basis?: string; reasons?: string[]; recordedBy?: string } | undefined;
  const assessment = item.assessment as { grade?: number | null; nursing?: string | null; concludedOn?: string; type?: string } | undefined;

  return (
    <Space direction="vertical" style={{ width: '100%' }} size={0}>
      <Link to="/cases">← 返回工作队列</Link>
      <Typography.Title level={1} style={{ fontSize: 20 }}>
        案件 {item.caseId} <Tag color="blue">{label(CASE_STATUS, s)}</Tag>
        {item.suspended ? <Tag>已中止</Tag> : null}
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} xl={forms.length ? 15 : 24}>
          <Section title="基本信息与保障">
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label="类型">{item.kind === 'death' ? '工亡' : '伤害'}</Descriptions.Item>
              <Descriptions.Item label="省份">{province(item.province)}</Descriptions.Item>
              <Descriptions.Item label="受伤时间">{dateTime(item.occurredAt)}</Descriptions.Item>
              <Descriptions.Item label="劳动者">{item.workerId ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="平台">{item.platformId}</Descriptions.Item>
              <Descriptions.Item label="逾期申请">{item.late ? '是' : '否'}</Descriptions.Item>
              <Descriptions.Item label="保障">
                {item.coverage.covered ? (
                  <Tag color="green" style={DARK.green}>
                    在保
                  </Tag>
                ) : (
                  <Tag color="red" style={DARK.red}>
                    不在保
                  </Tag>
                )}{' '}
                {label(COVERAGE_REASON, item.coverage.reason)}
                {item.coverage.orderId ? `（订单 ${item.coverage.orderId}）` : ''}
              </Descriptions.Item>
              <Descriptions.Item label="收款人">
                {item.payee ? `${item.payee.name ?? ''} ${item.payee.bankAccount ?? ''} ${item.payee.bankName ?? ''}` : '—'}
              </Descriptions.Item>
            </Descriptions>
            {item.evidence ? (
              <Table
                size="small"
                rowKey="orderId"
                pagination={false}
                style={{ marginTop: 8 }}
                title={() => `报案时订单快照（${dateTime(item.evidence?.reportedAt)}）`}
                dataSource={item.evidence.orders}
                columns={[
                  { title: '订单号', dataIndex: 'orderId' },
                  { title: '接单时间', dataIndex: 'acceptedAt', render: dateTime },
                  { title: '完成时间', dataIndex: 'finishedAt', render: dateTime },
                ]}
                locale={{ emptyText: <span className="empty-text">当日无订单</span> }}
              />
            ) : null}
          </Section>
          <Section title="法定期限与督办">
            <Table
              size="small"
              rowKey="name"
              pagination={false}
              dataSource={Object.entries(item.deadlines).map(([name, d]) => ({ name, ...d }))}
              columns={[
                { title: '期限', dataIndex: 'name', render: (n: string) => label(DEADLINE, n) },
                { title: '日期', dataIndex: 'date' },
                {
                  title: '说明',
                  key: 'flags',
                  render: (_: unknown, d: { date: string; provisional: boolean }) => (
                    <Space size={4}>
                      {d.provisional ? (
                        <Tag color="gold" style={DARK.gold}>
                          暂定（当年节假日未公布）
                        </Tag>
                      ) : null}
                      {d.date < today ? <Tag>已过</Tag> : null}
                    </Space>
                  ),
                },
              ]}
            />
            {item.escalations.length ? (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 8 }}
                message={item.escalations
                  .map(
                    (e) => `${e.kind === 'CONFIRMATION_OVERDUE' ? '认定超期' : e.kind === 'ASSESSMENT_OVERDUE' ? '鉴定超期' : e.kind}（期限 ${e.due ?? '—'}）`,
                  )
                  .join('；')}
              />
            ) : null}
          </Section>
          <Section title="材料与缺件清单">
            {item.checklist ? (
              <Space direction="vertical" style={{ marginBottom: 8 }}>
                <span>
                  缺件：
                  {item.checklist.missing.length ? (
                    item.checklist.missing.map((t) => (
                      <Tag key={t} color="red" style={DARK.red}>
                        {label(DOCUMENT_TYPE, t)}
                      </Tag>
                    ))
                  ) : (
                    <Tag color="green" style={DARK.green}>
                      无
                    </Tag>
                  )}
                </span>
                {item.checklist.waived.length ? (
                  <span>已免交：{item.checklist.waived.map((w) => `${label(DOCUMENT_TYPE, w.type)}（${w.reason}）`).join('；')}</span>
                ) : null}
              </Space>
            ) : null}
            <Table
              size="small"
              rowKey="documentId"
              pagination={false}
              dataSource={item.documents ?? []}
              columns={[
                { title: '材料', dataIndex: 'type', render: (t: string) => label(DOCUMENT_TYPE, t) },
                { title: '文件名', dataIndex: 'fileName' },
                { title: '状态', dataIndex: 'status', render: (t: string) => label(DOCUMENT_STATUS, t) },
                { title: '上传时间', dataIndex: 'uploadedAt', render: dateTime },
              ]}
              locale={{ emptyText: <span className="empty-text">尚无上传的材料</span> }}
            />
          </Section>
          <Section title="认定与鉴定">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label="认定">
                {confirmation
                  ? `${label(OUTCOME, confirmation.outcome)} · ${label(BASIS, confirmation.basis)}${confirmation.reasons?.length ? ` · ${confirmation.reasons.join('；')}` : ''}`
                  : '尚未认定'}
              </Descriptions.Item>
              <Descriptions.Item label="鉴定">
                {assessment
                  ? `${assessment.grade ? `${assessment.grade} 级` : '未达伤残等级'} · 护理：${assessment.nursing ? label(NURSING, assessment.nursing) : '无'} · ${assessment.concludedOn ?? ''}`
                  : '尚无鉴定结论'}
              </Descriptions.Item>
              <Descriptions.Item label="费用">
                {item.expenses?.items.length
                  ? `${item.expenses.items.map((e) => `${e.description} ${yuan(e.amountFen)} 元${e.inCatalogue ? '' : '（目录外）'}`).join('；')}；住院 ${item.expenses.inpatientDays} 天`
                  : '尚未登记'}
              </Descriptions.Item>
            </Descriptions>
          </Section>
          <Section title="待遇核定">
            {benefits?.calculated ? (
              <>
                <Descriptions size="small" column={{ xs: 1, md: 2 }}>
                  <Descriptions.Item label="核定编号">
                    <code>{benefits.calculationId}</code>
                  </Descriptions.Item>
                  <Descriptions.Item label="核定时间">{dateTime(benefits.calculatedAt)}</Descriptions.Item>
                  <Descriptions.Item label="规则表">{benefits.ruleTable ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="参数版本">{benefits.parameterVersions?.join('、') || '—'}</Descriptions.Item>
                </Descriptions>
                <Table
                  size="small"
                  rowKey="key"
                  pagination={false}
                  dataSource={benefits.lines}
                  columns={[
                    { title: '待遇项目', dataIndex: 'item', render: (i: string) => label(BENEFIT_ITEM, i) },
                    { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (f: number) => yuan(f) },
                    { title: '方式', dataIndex: 'monthly', render: (m: boolean) => (m ? '按月' : '一次性') },
                    { title: '计算依据', dataIndex: 'basis', render: basisText },
                  ]}
                  summary={() => (
                    <Table.Summary.Row>
                      <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                      <Table.Summary.Cell index={1} align="right">
                        一次性 {yuan(benefits.oneOffTotalFen)}；按月 {yuan(benefits.monthlyTotalFen)}
                      </Table.Summary.Cell>
                      <Table.Summary.Cell index={2} colSpan={2} />
                    </Table.Summary.Row>
                  )}
                />
              </>
            ) : (
              <Empty description="尚未核定待遇" />
            )}
          </Section>
          <Section title="支付">
            <Table
              size="small"
              rowKey="paymentId"
              pagination={false}
              dataSource={item.payments}
              columns={[
                { title: '支付编号', dataIndex: 'paymentId' },
                { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (f: number) => yuan(f) },
                { title: '状态', dataIndex: 'status', render: (t: string) => label(PAYMENT_STATUS, t) },
                { title: '批次', dataIndex: 'batchId', render: (b?: string) => (b ? <Link to={`/payment-batches/${b}`}>{b}</Link> : '—') },
                { title: '退票原因', dataIndex: 'returnReason', render: (r?: string) => r ?? '—' },
              ]}
              locale={{ emptyText: <span className="empty-text">尚无支付</span> }}
            />
          </Section>
          <Section title="办理记录">
            <Table
              size="small"
              rowKey={(t) => `${t.at}-${t.action}`}
              pagination={false}
              dataSource={item.timeline}
              columns={[
                { title: '时间', dataIndex: 'at', render: dateTime },
                { title: '办理人', dataIndex: 'actor', render: (a: string) => a.replace(/^(\w+)/, (r) => label(ROLE, r)) },
                {
                  title: '事项',
                  key: 'action',
                  render: (_: unknown, t: { at: string; action: string; after?: { status?: unknown } }) =>
                    `${label(TIMELINE_ACTION, t.action.replace(/^assessment\.\w+\.recorded$/, 'assessment.recorded'))}${typeof t.after?.status === 'string' ? `：${label(CASE_STATUS, t.after.status)}` : ''}`,
                },
              ]}
            />
          </Section>
        </Col>
        {forms.length ? (
          <Col xs={24} xl={9}>
            {forms.map((f) => (
              <Section key={f.title} title={f.title}>
                {f.node}
              </Section>
            ))}
          </Col>
        ) : null}
      </Row>
    </Space>
  );
}
