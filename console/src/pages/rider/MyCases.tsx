/**
 * 我的案件 on a phone: the rider's reports and the case opened on each (`GET /v1/workers/{workerId}/injury-reports`,
 * newest first, with the rider's own application deadline for a report not yet applied for), and one case in plain words: its status, the progress steps of the
 * bundled case (确认 → 鉴定 → 待遇 → 支付), the whole missing list with hand-in, every deadline, the benefit
 * lines with how they were computed, the payments and their status, and the yearly certification.
 */
import { Alert, App, Button, Card, Empty, Spin, Steps, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Case, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { useCaseView } from '../../case-data.ts';
import type { Session } from '../../auth/session.ts';
import { DARK } from '../../components/tags.ts';
import { basisParts } from '../../case-labels.ts';
import { BENEFIT_ITEM, DEADLINE, DOCUMENT_STATUS, DOCUMENT_TYPE, dateTime, label, PAYMENT_STATUS, shanghaiToday, yuan } from '../../format.ts';
import { PROGRESS, progressOf, STATUS_PLAIN } from '../../rider-labels.ts';
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

type MyReport = Schemas['InjuryReportList']['items'][number];

/** The rider's reports, newest first, 50 a page ("更多" reads the next page). */
function MyCaseList({ session }: { session: Session }) {
  const workerId = session.claims.workerId ?? '';
  const [reports, setReports] = useState<MyReport[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    async (token?: string) => {
      try {
        const { data, error: problem } = await api.GET('/v1/workers/{workerId}/injury-reports', {
          params: { path: { workerId }, query: token ? { nextToken: token } : {} },
        });
        if (!data) return setError(asProblem(problem).detail);
        setReports((before) => [...(token ? (before ?? []) : []), ...data.items]);
        setNext(data.nextToken);
      } catch (e) {
        setError(asProblem(e).detail);
      }
    },
    [workerId],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const today = shanghaiToday();
  return (
    <div className="rider-page">
      <h1 className="rider-title">我的案件</h1>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      {!reports && !error ? <Card loading className="rider-card" /> : null}
      {reports?.length === 0 ? (
        <Card className="rider-card">
          <Empty description={<span className="empty-text">还没有案件</span>}>
            <Link className="rider-button rider-button-primary" to="/apply">
              我要申请
            </Link>
          </Empty>
        </Card>
      ) : null}
      {reports?.map((r) =>
        r.caseId ? (
          <Link key={r.reportId} to={`/me/cases/${r.caseId}`} className="rider-case-link">
            <Card className="rider-card" size="small">
              <div className="rider-case-head">
                <strong>{r.case ? (STATUS_PLAIN[r.case.status] ?? r.case.status) : '已申请'}</strong>
                <span className="rider-muted">受伤时间 {dateTime(r.occurredAt)}</span>
                <span className="rider-muted">案件编号 {r.caseId}</span>
              </div>
              {r.case ? <Progress status={r.case.status} /> : null}
            </Card>
          </Link>
        ) : (
          <Card key={r.reportId} className="rider-card" size="small">
            <div className="rider-case-head">
              <strong>已报案，尚未申请待遇</strong>
              <span className="rider-muted">受伤时间 {dateTime(r.occurredAt)}</span>
              <span className="rider-muted">报案编号 {r.reportId}</span>
              <span>
                申请期限 {r.applicationDue.date}
                {r.applicationDue.provisional ? '（暂定）' : ''}
                {r.applicationDue.date < today ? '，已过期限：申请时请说明超期原因' : ''}
              </span>
            </div>
            <Link
              className="rider-button rider-button-primary"
              to={`/apply?report=${encodeURIComponent(r.reportId)}`}
              aria-label={`为报案 ${r.reportId} 申请待遇`}
            >
              申请待遇
            </Link>
          </Card>
        ),
      )}
      {next ? (
        <button type="button" className="rider-button" onClick={() => void load(next)}>
          更多
        </button>
      ) : null}
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
