/**
 * 订单: the platform imports its orders from a large CSV (or Excel) file (`POST /v1/platforms/{platformId}/orders`,
 * batches of 1,000, one after another, a progress bar). The counts by the API's per-item status are shown as
 * they come: 新增 accepted, 重复 duplicate (already there: counted once), 补全完成时间 updated, 未受理 rejected
 * (each with its reasons in Chinese, exportable). A batch without an answer stops the import; it is sent again
 * and the import goes on from it — also after a reload, from where this browser got to (localStorage, per file).
 */
import { Alert, App, Button, Card, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { yuan } from '../../format.ts';
import { readSheetFile } from '../../platform-excel.ts';
import {
  type ImportProgress as Saved,
  itemOf,
  mapColumns,
  monthsOf,
  ORDER_COLUMNS,
  ORDERS_PER_BATCH,
  progressKey,
  readProgress,
  rejectedCsv,
  type Sheet,
} from '../../platform-import.ts';
import { CheckedFile, FilePicker, ImportProgress, saveText } from './ImportParts.tsx';
import { failureText, useImport } from './useImport.ts';
import './platform.css';

interface Chosen {
  readonly name: string;
  readonly key: string;
  readonly sheet: Sheet;
  readonly byField: Record<string, string>;
  readonly missing: string[];
  readonly items: Record<string, string>[];
  readonly saved?: Saved;
}

export default function Orders({ platformId }: { platformId: string }) {
  const { message } = App.useApp();
  const [chosen, setChosen] = useState<Chosen>();
  const importer = useImport({
    batchSize: ORDERS_PER_BATCH,
    send: async (from, to) => {
      if (!chosen) return { failure: '没有选择文件。' };
      const { data, error, response } = await api.POST('/v1/platforms/{platformId}/orders', {
        params: { path: { platformId } },
        // Each item is checked by the API and answered for: the file's rows are sent as they are.
        body: { orders: chosen.items.slice(from, to) as never },
      });
      if (!response.ok || !data) return { failure: failureText(response.status, asProblem(error).detail) };
      return { results: data.results };
    },
    onProgress: (s) => {
      if (!chosen) return;
      if (s.finished) localStorage.removeItem(chosen.key);
      else if (s.next > 0) localStorage.setItem(chosen.key, JSON.stringify({ nextBatch: s.next, counts: s.counts } satisfies Saved));
    },
  });
  const choose = async (file: File) => {
    importer.reset();
    try {
      const sheet = await readSheetFile(file);
      const { byField, missing } = mapColumns(sheet.headings, ORDER_COLUMNS);
      const key = progressKey(platformId, file);
      setChosen({ name: file.name, key, sheet, byField, missing, items: sheet.rows.map((r) => itemOf(r, byField)), saved: readProgress(localStorage, key) });
    } catch {
      setChosen(undefined);
      message.error('无法读取该文件：请选择 CSV（UTF-8）或 Excel（.xlsx）文件。');
    }
  };
  const { state } = importer;
  const rejectedRows = chosen ? state.rejected.map((r) => ({ row: chosen.sheet.rows[r.index]!, reason: r.reason })) : [];
  const startOver = () => {
    if (chosen) localStorage.removeItem(chosen.key);
    void importer.run(chosen?.items.length ?? 0);
  };
  const idle = !state.running && state.total === 0;
  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>订单导入</h1>}>
      <Typography.Paragraph>
        文件第一行为列名：订单编号、平台劳动者编号、行业、省份（6 位代码）、接单时间、完成时间（选填；时间带时区，如
        2026-12-07T10:05:00+08:00），也可使用接口字段名 orderId、platformWorkerId、industry、province、acceptedAt、finishedAt。每批发送{' '}
        {ORDERS_PER_BATCH.toLocaleString('zh-CN')} 行。同一订单重复导入只计一次（显示为“重复”）。
      </Typography.Paragraph>
      <FilePicker label="选择订单文件（CSV 或 Excel）" onFile={choose} disabled={state.running} />
      {chosen ? (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          <CheckedFile file={chosen} columns={ORDER_COLUMNS}>
            {chosen.saved && idle ? (
              <Alert
                type="warning"
                showIcon
                message={`此文件上次导入到第 ${chosen.saved.nextBatch} 批后中断`}
                description={
                  <Space direction="vertical">
                    <span>
                      可以从第 {chosen.saved.nextBatch + 1} 批继续（之前各批的计数保留，未受理明细不再显示）；从头导入也不会重复计数，已有的订单会显示为“重复”。
                    </span>
                    <Space wrap>
                      <Button type="primary" onClick={() => chosen.saved && importer.run(chosen.items.length, chosen.saved.nextBatch, chosen.saved.counts)}>
                        从第 {chosen.saved.nextBatch + 1} 批继续
                      </Button>
                      <Button onClick={startOver}>从头导入</Button>
                    </Space>
                  </Space>
                }
              />
            ) : (
              <Button type="primary" disabled={!idle || chosen.sheet.rows.length === 0} onClick={startOver}>
                开始导入 {chosen.sheet.rows.length.toLocaleString('zh-CN')} 行
              </Button>
            )}
          </CheckedFile>
          <ImportProgress state={state} unit="行" statuses={['accepted', 'duplicate', 'updated', 'rejected']} onResume={importer.resume} />
          {state.finished ? <Declarations platformId={platformId} months={monthsOf(chosen.items)} /> : null}
          {rejectedRows.length > 0 ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Typography.Text strong>未受理的行（{rejectedRows.length}）</Typography.Text>
                <Button
                  onClick={() => saveText(rejectedCsv(chosen.sheet.headings, rejectedRows), `未受理订单-${chosen.name.replace(/\.(csv|xlsx)$/i, '')}.csv`)}
                >
                  导出未受理行（CSV）
                </Button>
              </Space>
              <Table
                size="small"
                rowKey={(r) => r.row.line}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 'max-content' }}
                dataSource={rejectedRows}
                data-testid="rejected-rows"
                columns={[
                  { title: '行号', key: 'line', width: 64, render: (_, r) => r.row.line },
                  { title: '订单编号', key: 'orderId', render: (_, r) => (chosen.byField.orderId ? r.row.cells[chosen.byField.orderId] : '') },
                  { title: '原因', key: 'reason', render: (_, r) => r.reason },
                ]}
              />
            </Space>
          ) : null}
        </Space>
      ) : null}
    </Card>
  );
}

interface DeclarationRow {
  readonly month: string;
  readonly orders?: number;
  readonly totalFen?: number;
  readonly provisional?: boolean;
  /** Orders received but not yet counted (the projection lags by seconds). */
  readonly counting?: boolean;
  readonly problem?: string;
}

/**
 * The months the file's orders fall in, as the API's declarations count them (each order once, D5). The
 * counts follow the orders by seconds (the orders stream's projection, issue 18): while a month's
 * `projectionCaughtUp` is false the table says so (统计中) and reads it again every 2 seconds.
 */
function Declarations({ platformId, months }: { platformId: string; months: string[] }) {
  const [rows, setRows] = useState<DeclarationRow[]>();
  const key = months.join(',');
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      const r = await Promise.all(
        key
          .split(',')
          .filter(Boolean)
          .slice(-6)
          .map(async (month): Promise<DeclarationRow> => {
            const { data, error } = await api.GET('/v1/platforms/{platformId}/declarations/{month}', { params: { path: { platformId, month } } });
            if (!data) return { month, problem: asProblem(error).detail };
            return {
              month,
              orders: data.lines.reduce((sum, l) => sum + l.orders, 0),
              totalFen: data.totalFen,
              provisional: data.provisional,
              counting: !data.projectionCaughtUp,
            };
          }),
      );
      if (!live) return;
      setRows(r);
      if (r.some((row) => row.counting)) timer = setTimeout(() => void read(), 2_000);
    };
    void read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [platformId, key]);
  if (!rows) return null;
  return (
    <Table<DeclarationRow>
      size="small"
      rowKey="month"
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="declarations"
      title={() => <Typography.Text strong>导入后各月账单（系统统计，每个订单只计一次）</Typography.Text>}
      dataSource={rows}
      columns={[
        { title: '月份', dataIndex: 'month' },
        { title: '订单数', key: 'orders', render: (_, r) => (r.orders === undefined ? '—' : r.orders.toLocaleString('zh-CN')) },
        { title: '应缴金额（元）', key: 'total', render: (_, r) => (r.totalFen === undefined ? '—' : yuan(r.totalFen)) },
        {
          title: '说明',
          key: 'note',
          render: (_, r) =>
            r.problem ?? [r.counting ? '统计中，数字稍后更新' : '', r.provisional ? '本月未关账，数字随订单增加' : '已关账'].filter(Boolean).join('；'),
        },
      ]}
    />
  );
}
