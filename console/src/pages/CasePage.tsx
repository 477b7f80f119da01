import { DARK } from '../components/tags.ts';
import { Alert, Card, Col, Descriptions, Empty, Row, Space, Table, Tag, Typography } from 'antd';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router';
import type { Case } from '../api/client.ts';
import { useCaseView } from '../case-data.ts';
import type { Session } from '../auth/session.ts';
import {
  BASIS,
  COVERAGE_REASON,
  BENEFIT_ITEM,
  CASE_STATUS,
  DEADLINE,
  dateTime,
  label,
  NURSING,
  OUTCOME,
  PAYMENT_STATUS,
  province,
  shanghaiToday,
  yuan,
} from '../format.ts';
import { actorName, basisParts, LIFE_EVENT, RELATION, timelineAction } from '../case-labels.ts';
import { offeredSteps } from '../steps.ts';
import { AssistanceRequestForm } from './case/AssistanceRequest.tsx';
import { Documents } from './case/Documents.tsx';
import { ApprovalForm, AssessmentForm, ConfirmationForm, ExpensesForm } from './case/Forms.tsx';
import { PayeeConfirmationForm, PayeeForm } from './case/PayeeForms.tsx';
import {
  AppealForm,
  AppealResultForm,
  CertificationForm,
  DependantsForm,
  ExtensionForm,
  LifeEventForm,
  ResubmissionForm,
  SuspensionForm,
} from './case/StepForms.tsx';

type Extra = {
  evidence?: { reportId: string; reportedAt: string; orders: { orderId: string; acceptedAt: string; finishedAt?: string; industry?: string }[] };
  pendingStep?: unknown;
  expenses?: { items: { description: string; amountFen: number; inCatalogue: boolean }[]; inpatientDays: number };
  payee?: { name?: string; bankAccount?: string; bankName?: string };
  pendingPayee?: { name?: string; bankAccount?: string; bankName?: string; requestedBy?: string; requestedAt?: string };
  suspended?: { since: string; reason: string };
  assessmentExtension?: unknown;
  dependants?: { dependant: number; name: string; relation: string; orphanOrAlone: boolean; birthDate?: string }[];
  certification?: { person: 'worker' | number; dueOn?: string; lapsed: boolean; owedMonths?: unknown }[];
  lifeEvents?: { type: string; on: string; dependantIndex?: number; by: string; at?: string }[];
  approval?: { decision?: string; comment?: string };
  recoveryDueFen?: number;
};
type Full = Case & Extra;

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{title}</h2>} size="small" style={{ marginBottom: 16 }}>
    {children}
  </Card>
);

const ASSESSMENT_STEPS = { assessment: 'initial', reassessment: 'reassessment', review: 'review' } as const;

/** A case with everything the staff need to decide its next step, and the form of that step for the signed-in role. */
export default function CasePage({ session }: { session: Session }) {
  const { caseId = '' } = useParams();
  const { item, benefits, error, load } = useCaseView<Full>(caseId);

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
  // The forms of the steps this role may take on the case as it is (core/case-steps.ts, the API's own table).
  const offered = offeredSteps(role, item);
  const forms: { title: string; node: React.ReactNode }[] = [];
  const add = (title: string, node: React.ReactNode) => forms.push({ title, node });
  const dependants = item.dependants ?? [];
  if (offered.has('confirmation')) add('工伤认定', <ConfirmationForm caseId={caseId} onDone={afterStep} />);
  if (offered.has('dependants')) add('登记供养亲属', <DependantsForm caseId={caseId} onDone={afterStep} />);
  if (offered.has('resubmission')) add('重新提交复核', <ResubmissionForm caseId={caseId} onDone={afterStep} comment={item.approval?.comment} />);
  const assessmentTypes = (Object.keys(ASSESSMENT_STEPS) as (keyof typeof ASSESSMENT_STEPS)[]).filter((k) => offered.has(k)).map((k) => ASSESSMENT_STEPS[k]);
  if (assessmentTypes.length) add('劳动能力鉴定', <AssessmentForm caseId={caseId} onDone={afterStep} types={assessmentTypes} />);
  if (offered.has('assessment-extension') && !item.assessmentExtension) add('延长鉴定期限', <ExtensionForm caseId={caseId} onDone={afterStep} />);
  if (offered.has('approval')) add('待遇复核', <ApprovalForm caseId={caseId} benefits={benefits} onDone={afterStep} />);
  if (offered.has('payee-confirmation') && item.pendingPayee)
    add('确认收款人变更', <PayeeConfirmationForm caseId={caseId} onDone={afterStep} pending={item.pendingPayee} />);
  if (offered.has('expenses')) add('登记费用', <ExpensesForm caseId={caseId} onDone={afterStep} />);
  if (offered.has('life-event')) add('登记生活事件', <LifeEventForm caseId={caseId} onDone={afterStep} dependants={dependants} />);
  if (offered.has('certification'))
    add('资格认证', <CertificationForm caseId={caseId} onDone={afterStep} recipients={item.certification ?? []} dependants={dependants} />);
  if (offered.has('payee')) add('变更收款人', <PayeeForm caseId={caseId} onDone={afterStep} documents={item.documents ?? []} />);
  // D17: appeals, accepted in every status.
  if (offered.has('appeal-result')) add('登记复议或诉讼结果', <AppealResultForm caseId={caseId} onDone={afterStep} appeals={item.appeals ?? []} />);
  if (offered.has('appeal')) add('登记复议或诉讼', <AppealForm caseId={caseId} onDone={afterStep} />);
  if (offered.has('suspension') || offered.has('resumption'))
    add(item.suspended ? '恢复认定' : '中止认定', <SuspensionForm caseId={caseId} onDone={afterStep} suspended={item.suspended} />);
  // D18: a handler of the case's province (who alone sees it as a handler) asks another province; every status.
  if (role === 'handler') add('请求协查', <AssistanceRequestForm caseId={caseId} caseProvince={item.province} />);

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
        <Col xs={24} xl={forms.length ? 16 : 24}>
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
                {item.pendingPayee ? (
                  <Tag color="gold" style={{ ...DARK.gold, marginLeft: 8 }}>
                    变更待确认：{item.pendingPayee.name ?? ''} {item.pendingPayee.bankAccount ?? ''}
                  </Tag>
                ) : null}
              </Descriptions.Item>
            </Descriptions>
            {item.evidence ? (
              <Table
                size="small"
                rowKey="orderId"
                pagination={false}
                scroll={{ x: 'max-content' }}
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
              scroll={{ x: 'max-content' }}
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
                // The API's reason, in Chinese for every kind (a workflow failure too, never its raw code).
                message={item.escalations.map((e) => (e.due ? `${e.reason}（期限 ${e.due}）` : e.reason)).join('；')}
              />
            ) : null}
          </Section>
          <Section title="材料与缺件清单">
            <Documents
              caseId={caseId}
              documents={item.documents ?? []}
              checklist={item.checklist}
              can={{ upload: offered.has('document-upload'), waive: offered.has('document-waiver'), withdraw: offered.has('document-withdrawal') }}
              onChanged={load}
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
          {dependants.length || item.certification?.length || item.lifeEvents?.length ? (
            <Section title="供养亲属与待遇资格">
              {dependants.length ? (
                <Table
                  size="small"
                  rowKey="dependant"
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  title={() => '供养亲属'}
                  dataSource={dependants}
                  columns={[
                    { title: '序号', dataIndex: 'dependant' },
                    { title: '姓名', dataIndex: 'name' },
                    { title: '关系', dataIndex: 'relation', render: (r: string) => label(RELATION, r) },
                    { title: '出生日期', dataIndex: 'birthDate', render: (d?: string) => d ?? '—' },
                    { title: '孤儿或孤寡老人', dataIndex: 'orphanOrAlone', render: (o: boolean) => (o ? '是' : '否') },
                  ]}
                />
              ) : null}
              {item.certification?.length ? (
                <Table
                  size="small"
                  rowKey={(c) => String(c.person)}
                  pagination={false}
                  title={() => '按月待遇领取资格认证'}
                  dataSource={item.certification}
                  columns={[
                    { title: '领取人', dataIndex: 'person', render: (p: 'worker' | number) => (p === 'worker' ? '劳动者本人' : `供养亲属 ${p}`) },
                    { title: '认证期限', dataIndex: 'dueOn', render: (d?: string) => d ?? '—' },
                    {
                      title: '状态',
                      dataIndex: 'lapsed',
                      render: (lapsed: boolean) =>
                        lapsed ? (
                          <Tag color="red" style={DARK.red}>
                            逾期未认证，暂停发放
                          </Tag>
                        ) : (
                          '正常'
                        ),
                    },
                  ]}
                />
              ) : null}
              {item.lifeEvents?.length ? (
                <Descriptions size="small" column={1} title="生活事件" style={{ marginTop: 8 }}>
                  {item.lifeEvents.map((e) => (
                    <Descriptions.Item key={`${e.type}-${e.on}-${e.dependantIndex ?? 0}`} label={label(LIFE_EVENT, e.type)}>
                      {e.on}
                      {e.dependantIndex ? `（供养亲属 ${e.dependantIndex}）` : ''} · 登记人 {e.by}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              ) : null}
            </Section>
          ) : null}
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
                  // The basis wraps within its column; a phone scrolls the table, not the page.
                  scroll={{ x: 720 }}
                  columns={[
                    { title: '待遇项目', dataIndex: 'item', width: 150, render: (i: string) => label(BENEFIT_ITEM, i) },
                    { title: '金额（元）', dataIndex: 'amountFen', align: 'right', width: 120, render: (f: number) => yuan(f) },
                    {
                      title: '方式',
                      key: 'monthly',
                      width: 150,
                      render: (_: unknown, l: { monthly: boolean; fromMonth?: string; untilMonth?: string }) =>
                        l.monthly ? `按月${l.fromMonth ? `，${l.fromMonth} 起` : ''}${l.untilMonth ? `，至 ${l.untilMonth}` : ''}` : '一次性',
                    },
                    {
                      title: '计算依据（参数及版本）',
                      dataIndex: 'basis',
                      render: (b: Record<string, unknown>) => (
                        <ul className="basis">
                          {basisParts(b).map((part) => (
                            <li key={part}>{part}</li>
                          ))}
                        </ul>
                      ),
                    },
                  ]}
                  summary={() => (
                    <Table.Summary.Row>
                      <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                      <Table.Summary.Cell index={1} align="right">
                        一次性 {yuan(benefits.oneOffTotalFen)}
                        <br />
                        按月 {yuan(benefits.monthlyTotalFen)}
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
            {item.recoveryDueFen ? (
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={`待追回 ${yuan(item.recoveryDueFen)} 元：将从本案后续支付中抵扣。`} />
            ) : null}
            <Table
              size="small"
              rowKey="paymentId"
              pagination={false}
              scroll={{ x: 'max-content' }}
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
              scroll={{ x: 'max-content' }}
              dataSource={item.timeline}
              columns={[
                { title: '时间', dataIndex: 'at', render: dateTime },
                { title: '办理人', dataIndex: 'actor', render: actorName },
                {
                  title: '事项',
                  key: 'action',
                  render: (_: unknown, t: { at: string; action: string; after?: { status?: unknown } }) =>
                    `${timelineAction(t.action)}${typeof t.after?.status === 'string' ? `：${label(CASE_STATUS, t.after.status)}` : ''}`,
                },
              ]}
            />
          </Section>
        </Col>
        {forms.length ? (
          <Col xs={24} xl={8}>
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
