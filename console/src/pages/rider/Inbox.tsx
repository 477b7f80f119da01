/** 消息: the rider's notifications, newest first (`GET /v1/workers/{workerId}/notifications`, D21), each with its case. */
import { Alert, Card, Empty, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import type { Session } from '../../auth/session.ts';
import { dateTime, label } from '../../format.ts';
import { NOTIFICATION_KIND } from '../../rider-labels.ts';
import './rider.css';

export default function Inbox({ session }: { session: Session }) {
  const workerId = session.claims.workerId ?? '';
  const [items, setItems] = useState<Schemas['Notification'][]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void api
      .GET('/v1/workers/{workerId}/notifications', { params: { path: { workerId } } })
      .then(({ data, error: problem }) => (data ? setItems(data.items) : setError(asProblem(problem).detail)))
      .catch((e: unknown) => setError(asProblem(e).detail));
  }, [workerId]);
  return (
    <div className="rider-page">
      <h1 className="rider-title">消息</h1>
      {error ? <Alert type="error" showIcon message={error} /> : null}
      {!items && !error ? <Card loading className="rider-card" /> : null}
      {items?.length === 0 ? (
        <Card className="rider-card">
          <Empty description={<span className="empty-text">暂无消息</span>} />
        </Card>
      ) : null}
      {items?.length ? (
        <ul className="rider-list" aria-label="消息列表">
          {items.map((n) => (
            <li key={n.notificationId}>
              <Card className="rider-card" size="small">
                <div className="rider-row">
                  <Tag>{label(NOTIFICATION_KIND, n.kind)}</Tag>
                  <span className="rider-muted">{dateTime(n.at)}</span>
                </div>
                <p className="rider-message">{n.text}</p>
                {n.caseId ? <Link to={`/me/cases/${n.caseId}`}>查看案件</Link> : null}
              </Card>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
