/**
 * 骑手: the platform registers its riders (`PUT /v1/platforms/{platformId}/workers`): one through a form, or a
 * whole CSV or Excel file — previewed, sent in batches of 500 with a progress bar, each refused row's reasons
 * in Chinese, the refused rows downloadable as a CSV with a 原因 column to correct and send again.
 */
import { Alert, App, Button, Card, Form, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { asProblem, splitProblem } from '../../api/problem.ts';
import { readSheetFile } from '../../platform-excel.ts';
import { errorText, itemOf, mapColumns, rejectedCsv, type Sheet, WORKER_COLUMNS, WORKERS_PER_BATCH } from '../../platform-import.ts';
import { CheckedFile, FilePicker, ImportProgress, saveText } from './ImportParts.tsx';
import { failureText, useImport } from './useImport.ts';
import './platform.css';

interface Values {
  platformWorkerId: string;
  name: string;
  idNumber: string;
  phone?: string;
}
const FIELDS = ['platformWorkerId', 'name', 'idNumber', 'phone'];

export default function Workers({ platformId }: { platformId: string }) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>骑手</h1>}>
        <Typography.Paragraph>
          登记本平台的新就业形态劳动者（骑手）。同一身份证号码在各平台对应同一名劳动者；身份证号码须为 18 位且校验位正确。
        </Typography.Paragraph>
        <RegisterOne platformId={platformId} />
      </Card>
      <ImportWorkers platformId={platformId} />
    </Space>
  );
}

function RegisterOne({ platformId }: { platformId: string }) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ platformWorkerId: string; workerId: string }>();
  const [alert, setAlert] = useState<string>();
  const submit = async (v: Values) => {
    setBusy(true);
    setDone(undefined);
    setAlert(undefined);
    try {
      const worker = {
        platformWorkerId: v.platformWorkerId.trim(),
        name: v.name.trim(),
        idNumber: v.idNumber.trim().toUpperCase(),
        ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
      };
      const { data, error, response } = await api.PUT('/v1/platforms/{platformId}/workers', { params: { path: { platformId } }, body: { workers: [worker] } });
      if (!response.ok || !data) {
        const problem = asProblem(error);
        const { fieldErrors, text } = splitProblem(
          { ...problem, errors: problem.errors?.map((e) => ({ ...e, path: e.path.replace(/^workers\.0\./, '') })) },
          FIELDS,
        );
        form.setFields(fieldErrors as Parameters<typeof form.setFields>[0]);
        if (text) setAlert(text);
        return;
      }
      const result = data.results[0];
      if (result?.status === 'accepted' && result.workerId) {
        setDone({ platformWorkerId: worker.platformWorkerId, workerId: result.workerId });
        form.resetFields();
        return;
      }
      const errors = result?.errors ?? [];
      const byField = errors.filter((e) => FIELDS.includes(e.path.split('.')[2] ?? ''));
      form.setFields(
        byField.map((e) => ({ name: e.path.split('.')[2]!, errors: [errorText(e).replace(/^[^：]*：/, '')] })) as Parameters<typeof form.setFields>[0],
      );
      const rest = errors.filter((e) => !byField.includes(e));
      if (rest.length > 0 || byField.length === 0) setAlert(rest.map(errorText).join('；') || '登记未被受理。');
    } catch (e) {
      setAlert(asProblem(e).detail);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {done ? (
        <Alert type="success" showIcon role="status" message={`已登记：${done.platformWorkerId}`} description={`劳动者编号（workerId）：${done.workerId}`} />
      ) : null}
      {alert ? <Alert type="error" showIcon role="alert" message="登记未成功" description={alert} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} className="platform-form-grid" requiredMark>
        <Form.Item name="platformWorkerId" label="平台劳动者编号" rules={[{ required: true, whitespace: true, message: '请填写平台劳动者编号' }]}>
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
          <Input maxLength={50} autoComplete="off" />
        </Form.Item>
        <Form.Item name="idNumber" label="身份证号码" rules={[{ required: true, whitespace: true, message: '请填写身份证号码' }]}>
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label="手机号码（选填）">
          <Input maxLength={11} autoComplete="off" inputMode="tel" />
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Button type="primary" htmlType="submit" loading={busy}>
            登记骑手
          </Button>
        </Form.Item>
      </Form>
    </Space>
  );
}

function ImportWorkers({ platformId }: { platformId: string }) {
  const { message } = App.useApp();
  const [sheet, setSheet] = useState<{ name: string; sheet: Sheet; byField: Record<string, string>; missing: string[] }>();
  const [items, setItems] = useState<Record<string, string>[]>([]);
  const importer = useImport({
    batchSize: WORKERS_PER_BATCH,
    send: async (from, to) => {
      const { data, error, response } = await api.PUT('/v1/platforms/{platformId}/workers', {
        params: { path: { platformId } },
        // The API checks each item and answers for each: what the file holds is sent as it is.
        body: { workers: items.slice(from, to) as never },
      });
      if (!response.ok || !data) return { failure: failureText(response.status, asProblem(error).detail) };
      return { results: data.results };
    },
  });
  const choose = async (file: File) => {
    importer.reset();
    try {
      const read = await readSheetFile(file);
      const { byField, missing } = mapColumns(read.headings, WORKER_COLUMNS);
      setSheet({ name: file.name, sheet: read, byField, missing });
      setItems(read.rows.map((r) => itemOf(r, byField)));
    } catch {
      setSheet(undefined);
      message.error('无法读取该文件：请选择 CSV（UTF-8）或 Excel（.xlsx）文件。');
    }
  };
  const { state } = importer;
  const rejectedRows = sheet ? state.rejected.map((r) => ({ row: sheet.sheet.rows[r.index]!, reason: r.reason })) : [];
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>批量导入骑手</h2>}>
      <Typography.Paragraph>
        文件第一行为列名：平台劳动者编号、姓名、身份证号码、手机号码（选填），也可使用接口字段名 platformWorkerId、name、idNumber、phone。每批发送{' '}
        {WORKERS_PER_BATCH} 行。
      </Typography.Paragraph>
      <FilePicker label="选择骑手文件（CSV 或 Excel）" onFile={choose} disabled={state.running} />
      {sheet ? (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          <CheckedFile file={sheet} columns={WORKER_COLUMNS}>
            <Button type="primary" disabled={state.running || sheet.sheet.rows.length === 0 || state.finished} onClick={() => importer.run(items.length)}>
              开始导入 {sheet.sheet.rows.length} 行
            </Button>
          </CheckedFile>
          <ImportProgress state={state} unit="行" statuses={['accepted', 'rejected']} onResume={importer.resume} />
          {rejectedRows.length > 0 ? (
            <RejectedRows
              rows={rejectedRows}
              idHeading={sheet.byField.platformWorkerId}
              nameHeading={sheet.byField.name}
              onExport={() => saveText(rejectedCsv(sheet.sheet.headings, rejectedRows), `未受理骑手-${sheet.name.replace(/\.(csv|xlsx)$/i, '')}.csv`)}
            />
          ) : null}
        </Space>
      ) : null}
    </Card>
  );
}

function RejectedRows({
  rows,
  idHeading,
  nameHeading,
  onExport,
}: {
  rows: { row: Sheet['rows'][number]; reason: string }[];
  idHeading?: string;
  nameHeading?: string;
  onExport: () => void;
}) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong>未受理的行（{rows.length}）</Typography.Text>
        <Button onClick={onExport}>导出未受理行（CSV）</Button>
      </Space>
      <Table
        size="small"
        rowKey={(r) => r.row.line}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        data-testid="rejected-rows"
        columns={[
          { title: '行号', key: 'line', width: 64, render: (_, r) => r.row.line },
          ...(idHeading ? [{ title: '平台劳动者编号', key: 'id', render: (_: unknown, r: (typeof rows)[number]) => r.row.cells[idHeading] }] : []),
          ...(nameHeading ? [{ title: '姓名', key: 'name', render: (_: unknown, r: (typeof rows)[number]) => r.row.cells[nameHeading] }] : []),
          { title: '原因', key: 'reason', render: (_, r) => r.reason },
        ]}
      />
    </Space>
  );
}
