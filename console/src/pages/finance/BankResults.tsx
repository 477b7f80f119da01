import { Alert, Button, Form, Input, Radio, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { bankResultsOf, type ResultChoice, resultPathToRow } from '../../admin.ts';
import { api, type Schemas } from '../../api/client.ts';
import { label, PAYMENT_STATUS, RESULT_OUTCOME, yuan } from '../../format.ts';
import { useStep } from '../case/useStep.ts';

type Batch = Schemas['PaymentBatch'];
type Item = Batch['items'][number] & { row: number };
type Outcome = Schemas['BankResultsOutcome'];

const itemColumns: ColumnsType<Item> = [
  { title: '支付编号', dataIndex: 'paymentId' },
  { title: '案件', dataIndex: 'caseId', render: (id: string) => <Link to={`/cases/${id}`}>{id}</Link> },
  { title: '金额（元）', dataIndex: 'amountFen', align: 'right', render: (f: number) => yuan(f) },
  { title: '银行金额（元）', dataIndex: 'bankAmountFen', align: 'right', render: (f: number) => yuan(f) },
  { title: '状态', dataIndex: 'status', render: (s: string) => label(PAYMENT_STATUS, s) },
];

/**
 * The batch's payments; for finance (`settle`), with the bank's result of each sent one — paid, or returned
 * with the bank's reason (`POST /v1/payment-batches/{batchId}/results`). Each answer, and each refused item,
 * is shown next to the item's row.
 */
export function BatchItems({ batch, settle, onDone }: { batch: Batch; settle: boolean; onDone: () => void }) {
  const items: Item[] = batch.items.map((item, row) => ({ ...item, row }));
  const reasonColumn: ColumnsType<Item>[number] = { title: '退票原因', dataIndex: 'returnReason', render: (r: string | undefined) => r ?? '' };
  if (!settle)
    return (
      <Table size="small" rowKey="paymentId" pagination={false} scroll={{ x: 'max-content' }} dataSource={items} columns={[...itemColumns, reasonColumn]} />
    );
  return <BankResultsForm batch={batch} items={items} onDone={onDone} />;
}

function BankResultsForm({ batch, items, onDone }: { batch: Batch; items: Item[]; onDone: () => void }) {
  const [form] = Form.useForm<{ rows: ResultChoice[] }>();
  const [answer, setAnswer] = useState<Outcome>();
  // Which row each result sent belongs to: read by the renaming of the answer's paths, after this render.
  const rowOf = useRef<number[]>([]);
  const [empty, setEmpty] = useState(false);
  const { busy, refusal, run } = useStep(form, ['rows'], (path) => resultPathToRow(path, rowOf.current));
  const rows = Form.useWatch('rows', form) ?? [];
  const sent = items.filter((i) => i.status === 'SENT');

  const submit = ({ rows: chosen }: { rows?: ResultChoice[] }) => {
    const body = bankResultsOf(
      batch.items.map((i) => i.paymentId),
      chosen ?? [],
    );
    setEmpty(body.results.length === 0);
    if (body.results.length === 0) return;
    rowOf.current = body.rowOf;
    let outcome: Outcome | undefined;
    return run(
      async () => {
        const answered = await api.POST('/v1/payment-batches/{batchId}/results', {
          params: { path: { batchId: batch.batchId } },
          body: { results: body.results },
        });
        outcome = answered.data;
        return answered;
      },
      '银行回盘已提交',
      () => {
        if (!outcome) return;
        setAnswer(outcome);
        // A refused item stays SENT: its reason goes next to its row.
        form.setFields(
          outcome.results
            .filter((r) => r.status === 'rejected')
            .map((r) => ({ name: ['rows', body.rowOf[r.index] ?? -1, 'outcome'], errors: (r.errors ?? []).map((e) => e.message) })),
        );
        onDone();
      },
    );
  };

  const columns: ColumnsType<Item> = [
    ...itemColumns,
    {
      title: '回盘结果',
      key: 'outcome',
      render: (_, item) =>
        item.status === 'SENT' ? (
          <Form.Item name={['rows', item.row, 'outcome']} initialValue="NONE" style={{ margin: 0 }}>
            <Radio.Group
              aria-label={`${item.paymentId} 回盘结果`}
              options={[
                { value: 'NONE', label: '暂不登记' },
                { value: 'PAID', label: '已到账' },
                { value: 'RETURNED', label: '已退票' },
              ]}
            />
          </Form.Item>
        ) : (
          '—'
        ),
    },
    {
      title: '退票原因',
      key: 'returnReason',
      render: (_, item) => {
        if (item.status !== 'SENT') return item.returnReason ?? '';
        const returned = rows[item.row]?.outcome === 'RETURNED';
        return (
          <Form.Item
            name={['rows', item.row, 'returnReason']}
            style={{ margin: 0, minWidth: 200 }}
            rules={returned ? [{ required: true, whitespace: true, message: '退票须填写银行的退票原因' }] : []}
          >
            <Input aria-label={`${item.paymentId} 退票原因`} disabled={!returned} maxLength={1000} placeholder={returned ? '例如 账户已销户' : ''} />
          </Form.Item>
        );
      },
    },
  ];

  return (
    <Form form={form} onFinish={submit} aria-label="银行回盘">
      <h3 style={{ fontSize: 15 }}>支付明细与银行回盘</h3>
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 16 }} /> : null}
      {empty ? <Alert type="warning" showIcon role="alert" message="请至少为一笔支付选择回盘结果（已到账或已退票）。" style={{ marginBottom: 16 }} /> : null}
      {answer ? (
        <Alert
          type={answer.rejected ? 'warning' : 'success'}
          showIcon
          role="status"
          style={{ marginBottom: 16 }}
          message={`回盘已处理：已登记 ${answer.accepted} 笔，重复 ${answer.duplicates} 笔，未受理 ${answer.rejected} 笔。`}
          description={
            answer.results.some((r) => r.status !== 'accepted')
              ? answer.results
                  .filter((r) => r.status !== 'accepted')
                  .map((r) => `${r.paymentId}：${label(RESULT_OUTCOME, r.status)}${r.errors?.length ? `（${r.errors.map((e) => e.message).join('；')}）` : ''}`)
                  .join('；')
              : undefined
          }
        />
      ) : null}
      <Table size="small" rowKey="paymentId" pagination={false} scroll={{ x: 'max-content' }} dataSource={items} columns={columns} />
      {sent.length > 0 ? (
        <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 16 }}>
          提交回盘
        </Button>
      ) : (
        <p className="empty-text" style={{ marginTop: 16 }}>
          本批次的支付均已登记回盘。
        </p>
      )}
    </Form>
  );
}
