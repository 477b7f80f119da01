import { Alert, Card, Select, Space, Table } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Session } from '../auth/session.ts';
import { CASE_STATUS, DEADLINE, dateTime, label, province, shanghaiToday } from '../format.ts';
import { isOverdue, nearestDeadline } from '../queue.ts';
import { type QueueItem, queueFor } from '../queue-data.ts';

type Item = QueueItem;

/** The work queue: the cases of the signed-in staff's provinces, nearest statutory deadline first. */
export default function Queue({ session }: { session: Session }) {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? undefined;
  const provinceFilter = params.get('province') ?? undefined;
  const [items, setItems] = useState<Item[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    queueFor({ status, province: provinceFilter }).then((load) => {
      if (!live) return;
      if ('error' in load) setError(load.error);
      else {
        setItems(load.items);
        setError(undefined);
      }
    });
    return () => {
      live = false;
    };
  }, [status, provinceFilter]);

  const today = shanghaiToday();
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const columns = useMemo(
    () => [
      { title: '案件编号', dataIndex: 'caseId', render: (id: string) => <Link to={`/cases/${id}`}>{id}</Link> },
      { title: '状态', dataIndex: 'status', render: (s: string) => label(CASE_STATUS, s) },
      { title: '类型', dataIndex: 'kind', render: (k: string) => (k === 'death' ? '工亡' : '伤害') },
      { title: '省份', dataIndex: 'province', render: province },
      { title: '受伤时间', dataIndex: 'occurredAt', render: dateTime },
      {
        title: '最近法定期限',
        key: 'deadline',
        render: (_: unknown, item: Item) => {
          const d = nearestDeadline(item);
          if (!d) return <span className="empty-text">无进行中的期限</span>;
          // Plain elements in the 50 rows of a page (antd's Tag and Space cost a context and a style hook each).
          return (
            <span className="cell-tags">
              <span>
                {label(DEADLINE, d.name)} {d.date}
              </span>
              {isOverdue(d, today) ? <span className="mark mark-red">已逾期</span> : null}
              {d.provisional ? <span className="mark mark-gold">暂定</span> : null}
            </span>
          );
        },
      },
      {
        title: '标记',
        key: 'flags',
        render: (_: unknown, item: Item) => (
          <span className="cell-tags">
            {item.late ? <span className="mark mark-orange">逾期申请</span> : null}
            {item.suspended ? <span className="mark">已中止</span> : null}
            {item.escalations?.length ? <span className="mark mark-red">督办 {item.escalations.length}</span> : null}
          </span>
        ),
      },
    ],
    [today],
  );

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>工作队列</h1>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <label htmlFor="filter-status">状态</label>
        <Select
          id="filter-status"
          allowClear
          placeholder="全部状态"
          style={{ width: 180 }}
          value={status}
          onChange={(v?: string) => set('status', v)}
          options={Object.entries(CASE_STATUS).map(([value, name]) => ({ value, label: name }))}
        />
        <label htmlFor="filter-province">省份</label>
        <Select
          id="filter-province"
          allowClear
          placeholder="全部负责省份"
          style={{ width: 180 }}
          value={provinceFilter}
          onChange={(v?: string) => set('province', v)}
          options={(session.claims.provinces ?? []).map((code) => ({ value: code, label: province(code) }))}
        />
      </Space>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
      {/* A phone scrolls the table inside this box (cheaper than the Table's own horizontal scroll, which renders a second header). */}
      <div className="table-box">
        <Table<Item>
          rowKey="caseId"
          loading={items === undefined && !error}
          dataSource={items ?? []}
          columns={columns}
          pagination={{ pageSize: 50, showSizeChanger: false, showTotal: (n) => `共 ${n} 件` }}
          size="middle"
          locale={{ emptyText: <span className="empty-text">暂无案件</span> }}
        />
      </div>
    </Card>
  );
}
