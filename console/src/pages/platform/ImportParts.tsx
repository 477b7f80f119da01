/** The parts both imports (骑手, 订单) share: choosing a file, its preview, the progress with its counts, the rejected rows. */
import { Alert, Button, Progress, Space, Statistic, Table, Typography } from 'antd';
import { useId } from 'react';
import type { Sheet, SheetRow, mapColumns } from '../../platform-import.ts';
import type { ImportState } from './useImport.ts';

type Columns = Parameters<typeof mapColumns>[1];

/** A file input with its label: CSV or Excel (`.xlsx`). */
export function FilePicker({ label, onFile, disabled }: { label: string; onFile: (file: File) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="platform-file">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        disabled={disabled}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) onFile(file);
          e.target.value = '';
        }}
      />
    </div>
  );
}

/** The first rows as they will be sent, under the fields' Chinese names. */
/**
 * A chosen file: the columns it lacks (nothing to import), or its preview followed by `children` (how to
 * start the import). The riders' and the orders' imports show the same.
 */
export function CheckedFile({
  file,
  columns,
  children,
}: {
  file: { name: string; sheet: Sheet; missing: readonly string[]; byField: Record<string, string> };
  columns: Columns;
  children: React.ReactNode;
}) {
  if (file.missing.length > 0)
    return <Alert type="error" role="alert" showIcon message="文件缺少必需的列" description={`缺少：${file.missing.join('、')}。请补充列名后重新选择文件。`} />;
  return (
    <>
      <Preview
        sheet={file.sheet}
        columns={columns}
        byField={file.byField}
        caption={`${file.name}：共 ${file.sheet.rows.length.toLocaleString('zh-CN')} 行，预览前 10 行`}
      />
      {children}
    </>
  );
}

function Preview({ sheet, columns, byField, caption }: { sheet: Sheet; columns: Columns; byField: Record<string, string>; caption: string }) {
  const shown = columns.filter((c) => byField[c.field] !== undefined);
  return (
    <Table<SheetRow>
      size="small"
      rowKey="line"
      pagination={false}
      scroll={{ x: 'max-content' }}
      title={() => <Typography.Text strong>{caption}</Typography.Text>}
      dataSource={sheet.rows.slice(0, 10) as SheetRow[]}
      columns={[
        { title: '行号', dataIndex: 'line', width: 64 },
        ...shown.map((c) => ({ title: c.label, key: c.field, render: (_: unknown, r: SheetRow) => r.cells[byField[c.field]!] ?? '' })),
      ]}
    />
  );
}

const LABELS = { accepted: '新增', duplicate: '重复（已有，未重复计数）', updated: '补全完成时间', rejected: '未受理' } as const;

/** The progress over the batches, the counts by status, and a stopped batch with 重试. */
export function ImportProgress({
  state,
  unit,
  statuses,
  onResume,
}: {
  state: ImportState;
  unit: string;
  statuses: readonly (keyof typeof LABELS)[];
  onResume: () => void;
}) {
  if (state.total === 0) return null;
  const percent = Math.floor((state.rowsDone * 100) / state.total);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-progress">
      <Progress
        percent={percent}
        status={state.failure ? 'exception' : state.finished ? 'success' : 'active'}
        aria-label={`导入进度 ${percent}%`}
        format={() => `${state.rowsDone.toLocaleString('zh-CN')} / ${state.total.toLocaleString('zh-CN')} ${unit}`}
      />
      <Typography.Text>
        已完成 {state.next} / {state.batches} 批{state.finished ? '，已全部完成' : state.running ? `，正在发送第 ${state.next + 1} 批…` : ''}
      </Typography.Text>
      <Space wrap size="large" className="platform-counts">
        {statuses.map((s) => (
          <Statistic key={s} title={LABELS[s]} value={state.counts[s]} groupSeparator="," data-testid={`count-${s}`} />
        ))}
      </Space>
      {state.failure ? (
        <Alert
          type="error"
          role="alert"
          showIcon
          message={`第 ${state.failure.batch + 1} 批发送失败，导入已暂停`}
          description={
            <Space direction="vertical">
              <span>{state.failure.message}</span>
              <span>之前各批已处理完毕。重试会从第 {state.failure.batch + 1} 批继续；万一该批其实已经处理，重发的记录会显示为“重复”，不会重复计数。</span>
              <Button type="primary" onClick={onResume}>
                重试第 {state.failure.batch + 1} 批并继续
              </Button>
            </Space>
          }
        />
      ) : null}
    </Space>
  );
}

/** Saves text as a file through a blob link. */
export function saveText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
