/**
 * 我的案件 on a phone: the rider's cases (those opened on this device and those the inbox's messages name —
 * the API lists cases to staff only), and one case in plain words: its status, the progress steps of the
 * bundled case (确认 → 鉴定 → 待遇 → 支付), the whole missing list with hand-in, every deadline, the benefit
 * lines with how they were computed, the payments and their status, and the yearly certification.
 */
import { Alert, App, Button, Card, Empty, Spin, Steps, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Case } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { useCaseView } from '../../case-data.ts';
import type { Session } from '../../auth/session.ts';
import { DARK } from '../../components/tags.ts';
import { basisParts } from '../../case-labels.ts';
import { BENEFIT_ITEM, DEADLINE, DOCUMENT_STATUS, DOCUMENT_TYPE, dateTime, label, PAYMENT_STATUS, shanghaiToday, yuan } from '../../format.ts';
import { PROGRESS, progressOf, rememberedCases, STATUS_PLAIN } from '../../rider-labels.ts';
import { RiderAppeals } from './Appeals.tsx';
import { HandIn } from './HandIn.tsx';
import './rider.css';

type Full = Case & { certification?: { person: 'worker' | number; dueOn?: string; lapsed: boolean }[]; pendingStep?: unknown };

const Progress = ({ status }: { status: string }) => {
  const { current, state } = progressOf(status);
  return (
    <Steps
      className="rider-progress"
      size="small"
      responsive={false}
      labelPlacement="vertical"
      current={current}
      status={state}
      items={PROGRESS.map((title) => ({ title }))}
    />
  );
};

/** The case ids of this rider: remembered on this device, then those of the inbox's messages. */
async function myCaseIds(workerId: string): Promise<string[]> {
  const { data } = await api.GET('/v1/workers/{workerId}/notifications', { params: { path: { workerId } } });
  const fromInbox = (data?.items ?? []).map((n) => n.caseId).filter((c): c is string => typeof c === 'string');
  return [...new Set([...rememberedCases(workerId), ...fromInbox])];
}

function MyCaseList({ session }: { session: Session }) {
  const workerId = session.claims.workerId ?? '';
  const [cases, setCases] = useState<Case[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void (async () => {
      try {
        const ids = await myCaseIds(workerId);
        const answers = await Promise.all(ids.map((caseId) => api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } })));
        setCases(answers.flatMap((a) => (a.data ? [a.data] : [])));
      } catch (e) {
        setError(asProblem(e).detail);
      }
    })();
  }, [workerId]);
  return (
    <div className="rider-page">
      <h1 className="rider-title">我的案件</h1>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      {!cases && !error ? <Card loading className="rider-card" /> : null}
      {cases?.length === 0 ? (
        <Card className="rider-card">
          <Empty description={<span className="empty-text">还没有案件</span>}>
            <Link className="rider-button rider-button-primary" to="/apply">
              我要申请
            </Link>
          </Empty>
        </Card>
      ) : null}
      {cases?.map((c) => (
        <Link key={c.caseId} to={`/me/cases/${c.caseId}`} className="rider-case-link">
          <Card className="rider-card" size="small">
            <div className="rider-case-head">
              <strong>{STATUS_PLAIN[c.status] ?? c.status}</strong>
              <span className="rider-muted">受伤时间 {dateTime(c.occurredAt)}</span>
              <span className="rider-muted">案件编号 {c.caseId}</span>
            </div>
            <Progress status={c.status} />
          </Card>
        </Link>
      ))}
    </div>
  );
}

const Section = ({ title, children }: { title: string; children: React.ReactNode }) => (
  <Card className="rider-card" size="small" title={<h2 className="rider-subtitle">{title}</h2>}>
    {children}
  </Card>
);

function MyCase() {
  const { caseId = '' } = useParams();
  const { message } = App.useApp();
  const { item, benefits, error, load } = useCaseView<Full>(caseId);
  const [certifying, setCertifying] = useState(false);
  const [certRefusal, setCertRefusal] = useState<string>();

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!item)
    return (
      <Spin tip="加载中…">
        <div className="rider-page" />
      </Spin>
    );
  const today = shanghaiToday();
  const mine = item.certification?.find((r) => r.person === 'worker');
  const certify = async () => {
    setCertifying(true);
    setCertRefusal(undefined);
    try {
      const { data, error: problem, response } = await api.POST('/v1/cases/{caseId}/certifications', { params: { path: { caseId } }, body: {} });
      if (!response.ok || !data) return setCertRefusal(`${asProblem(problem).title}：${asProblem(problem).detail}`);
      message.success(`资格认证已完成，下次认证期限 ${data.nextDueOn}`);
      await load();
    } catch (e) {
      setCertRefusal(asProblem(e).detail);
    } finally {
      setCertifying(false);
    }
  };

  return (
    <div className="rider-page">
      <h1 className="rider-title">我的案件</h1>
      <Card className="rider-card" size="small">
        <p className="rider-status" aria-live="polite">
          {STATUS_PLAIN[item.status] ?? item.status}
        </p>
        <Progress status={item.status} />
        <dl className="rider-facts">
          <dt>案件编号</dt>
          <dd>{item.caseId}</dd>
          <dt>受伤时间</dt>
          <dd>{dateTime(item.occurredAt)}</dd>
          {item.late ? (
            <>
              <dt>申请</dt>
              <dd>超期申请（已附超期说明）</dd>
            </>
          ) : null}
          {item.confirmation ? (
            <>
              <dt>审核结论</dt>
              <dd>{item.confirmation.outcome === 'NOT_CONFIRMED' ? '不予确认' : '确认为职业伤害'}</dd>
            </>
          ) : null}
          {item.assessment && typeof item.assessment.grade !== 'undefined' ? (
            <>
              <dt>鉴定结论</dt>
              <dd>{item.assessment.grade === null ? '未达到伤残等级' : `伤残 ${item.assessment.grade} 级`}</dd>
            </>
          ) : null}
        </dl>
      </Card>

      <Section title="材料">
        <HandIn caseId={caseId} missing={item.checklist?.missing ?? []} onChanged={load} />
        {item.checklist?.waived.length ? <p>已免交：{item.checklist.waived.map((w) => label(DOCUMENT_TYPE, w.type)).join('、')}</p> : null}
        {item.documents?.length ? (
          <ul className="rider-list" aria-label="已交材料">
            {item.documents.map((d) => (
              <li key={d.documentId} className="rider-row">
                <span>{label(DOCUMENT_TYPE, d.type)}</span>
                <span>
                  {label(DOCUMENT_STATUS, d.status)} · {dateTime(d.uploadedAt ?? d.createdAt)}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>

      <Section title="期限">
        <ul className="rider-list" aria-label="期限">
          {Object.entries(item.deadlines).map(([name, d]) => (
            <li key={name} className="rider-row">
              <span>{label(DEADLINE, name)}</span>
              <span>
                {d.date}
                {d.provisional ? '（暂定）' : ''}
                {d.date < today ? (
                  <Tag color="default" style={{ marginLeft: 4 }}>
                    已过
                  </Tag>
                ) : null}
              </span>
            </li>
          ))}
          {mine?.dueOn ? (
            <li className="rider-row">
              <span>年度资格认证</span>
              <span>{mine.dueOn}</span>
            </li>
          ) : null}
        </ul>
      </Section>

      <Section title="待遇">
        {benefits?.calculated ? (
          <>
            <ul className="rider-list" aria-label="待遇明细">
              {benefits.lines.map((l) => (
                <li key={l.key} className="rider-benefit">
                  <div className="rider-row">
                    <strong>{label(BENEFIT_ITEM, l.item)}</strong>
                    <strong>
                      {yuan(l.amountFen)} 元{l.monthly ? '/月' : ''}
                    </strong>
                  </div>
                  <span className="rider-muted">{l.monthly ? `按月发放${l.fromMonth ? `，自 ${l.fromMonth} 起` : ''}` : '一次性发放'}</span>
                  <details>
                    <summary>怎么算的</summary>
                    <ul className="basis">
                      {basisParts(l.basis).map((part) => (
                        <li key={part}>{part}</li>
                      ))}
                    </ul>
                  </details>
                </li>
              ))}
            </ul>
            <div className="rider-row">
              <span>一次性合计</span>
              <strong>{yuan(benefits.oneOffTotalFen)} 元</strong>
            </div>
            {benefits.monthlyTotalFen ? (
              <div className="rider-row">
                <span>每月合计</span>
                <strong>{yuan(benefits.monthlyTotalFen)} 元</strong>
              </div>
            ) : null}
            <p className="rider-muted">{benefits.approved ? '已经复核核准。' : '尚待复核，金额以核准为准。'}</p>
          </>
        ) : (
          <p className="empty-text">待遇尚未核算。</p>
        )}
      </Section>

      <Section title="支付">
        {item.payments.length ? (
          <ul className="rider-list" aria-label="支付记录">
            {item.payments.map((p) => (
              <li key={p.paymentId} className="rider-benefit">
                <div className="rider-row">
                  <strong>{yuan(p.amountFen)} 元</strong>
                  <Tag
                    color={p.status === 'PAID' ? 'green' : p.status === 'RETURNED' ? 'red' : 'gold'}
                    style={p.status === 'PAID' ? DARK.green : p.status === 'RETURNED' ? DARK.red : DARK.gold}
                  >
                    {label(PAYMENT_STATUS, p.status)}
                  </Tag>
                </div>
                <span className="rider-muted">
                  {p.items.map((i) => `${label(BENEFIT_ITEM, i.item)}${i.month ? `（${i.month}）` : ''} ${yuan(i.amountFen)} 元`).join('；')}
                </span>
                {p.returnReason ? <span>退回原因：{p.returnReason}</span> : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty-text">还没有支付记录。</p>
        )}
      </Section>

      <Section title="申诉">
        <RiderAppeals
          caseId={caseId}
          appeals={item.appeals ?? []}
          decisions={[
            ...(item.confirmation ? (['CONFIRMATION'] as const) : []),
            ...(item.assessment && typeof item.assessment.grade !== 'undefined' ? (['ASSESSMENT'] as const) : []),
            ...(benefits?.approved ? (['BENEFITS'] as const) : []),
          ]}
          onChanged={load}
        />
      </Section>

      {mine ? (
        <Section title="年度资格认证">
          <p>
            按月领取待遇的人每年需认证一次。认证期限：{mine.dueOn ?? '—'}
            {mine.lapsed ? '（已逾期，按月待遇暂停发放，认证后补发）' : ''}
          </p>
          {certRefusal ? <Alert type="error" showIcon role="alert" message={certRefusal} style={{ marginBottom: 12 }} /> : null}
          <Button type="primary" size="large" block loading={certifying} onClick={certify}>
            本人认证
          </Button>
        </Section>
      ) : null}
    </div>
  );
}

/** The route's page: the list, or one case. */
export default function MyCases({ session }: { session: Session }) {
  const { caseId } = useParams();
  return caseId ? <MyCase /> : <MyCaseList session={session} />;
}
