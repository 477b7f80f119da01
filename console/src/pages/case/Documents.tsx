/**
 * The case's documents (D13): the checklist of what is missing or waived, every document with its status,
 * a preview of what passed the check, and — for a handler — upload, waiver and withdrawal. Uploads go from
 * the browser straight to the bucket with the presigned PUT the API issues (the bytes never pass through
 * the API); the check after upload decides, so the page waits for the document to leave UPLOADING.
 */
import { Alert, App, Button, Form, Input, Modal, Space, Table, Tag, Upload } from 'antd';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { DARK } from '../../components/tags.ts';
import { contentTypeOf } from '../../documents.ts';
import { DOCUMENT_STATUS, DOCUMENT_TYPE, dateTime, label } from '../../format.ts';
import { Refusal } from './Forms.tsx';
import { useStep } from './useStep.ts';

type Document = Schemas['Document'];
type DocumentType = Schemas['DocumentUpload']['type'];

const REJECTION: Readonly<Record<string, string>> = {
  TYPE_MISMATCH: '文件内容与声明的格式不符',
  SIZE_MISMATCH: '文件大小与声明不符',
  UPLOADED_AFTER_EXPIRY: '上传链接过期后才上传',
};

interface Checklist {
  readonly missing: readonly string[];
  readonly waived: readonly { type: string; reason: string }[];
}

interface Props {
  readonly caseId: string;
  readonly documents: readonly Document[];
  readonly checklist: Checklist | undefined;
  /** The signed-in role may upload, waive, withdraw (a handler). */
  readonly can: { readonly upload: boolean; readonly waive: boolean; readonly withdraw: boolean };
  readonly onChanged: () => Promise<unknown>;
}

interface Preview {
  readonly document: Document;
  readonly url: string;
}

export function Documents({ caseId, documents, checklist, can, onChanged }: Props) {
  const { message } = App.useApp();
  const [preview, setPreview] = useState<Preview>();
  const [withdrawing, setWithdrawing] = useState<Document>();
  const [opening, setOpening] = useState<string>();

  /** The bytes through the presigned GET (Accept: JSON gives its URL), shown from a blob: URL of this page. */
  const open = async (document: Document) => {
    setOpening(document.documentId);
    try {
      const { data, error } = await api.GET('/v1/cases/{caseId}/documents/{documentId}/content', {
        params: { path: { caseId, documentId: document.documentId } },
        headers: { accept: 'application/json' },
        parseAs: 'json',
      });
      if (error || !data) return void message.error(asProblem(error).detail);
      const link = data as unknown as Schemas['DocumentContentLink'];
      const response = await fetch(link.url);
      if (!response.ok) return void message.error('材料读取失败，请稍后重试。');
      const blob = new Blob([await response.arrayBuffer()], { type: document.contentType });
      setPreview({ document, url: URL.createObjectURL(blob) });
    } catch {
      message.error('材料读取失败，请检查网络后重试。');
    } finally {
      setOpening(undefined);
    }
  };
  const closePreview = () => {
    if (preview) URL.revokeObjectURL(preview.url);
    setPreview(undefined);
  };

  return (
    <>
      {checklist ? (
        <Space direction="vertical" style={{ marginBottom: 8 }}>
          <span>
            缺件：
            {checklist.missing.length ? (
              checklist.missing.map((t) => (
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
          {checklist.waived.length ? <span>已免交：{checklist.waived.map((w) => `${label(DOCUMENT_TYPE, w.type)}（${w.reason}）`).join('；')}</span> : null}
        </Space>
      ) : null}
      <Table
        size="small"
        rowKey="documentId"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={[...documents]}
        columns={[
          { title: '材料', dataIndex: 'type', render: (t: string) => label(DOCUMENT_TYPE, t) },
          { title: '文件名', dataIndex: 'fileName', ellipsis: true },
          {
            title: '状态',
            key: 'status',
            render: (_: unknown, d: Document) => (
              <span>
                {label(DOCUMENT_STATUS, d.status)}
                {d.reason ? `：${REJECTION[d.reason] ?? d.reason}` : ''}
                {d.withdrawal ? `：${d.withdrawal.reason}` : ''}
              </span>
            ),
          },
          { title: '上传时间', dataIndex: 'uploadedAt', render: dateTime },
          {
            title: '操作',
            key: 'actions',
            render: (_: unknown, d: Document) =>
              d.status === 'AVAILABLE' ? (
                <Space size={0}>
                  <Button type="link" size="small" loading={opening === d.documentId} onClick={() => open(d)} aria-label={`预览 ${d.fileName}`}>
                    预览
                  </Button>
                  {can.withdraw ? (
                    <Button type="link" size="small" style={DARK.red} onClick={() => setWithdrawing(d)} aria-label={`撤回 ${d.fileName}`}>
                      撤回
                    </Button>
                  ) : null}
                </Space>
              ) : null,
          },
        ]}
        locale={{ emptyText: <span className="empty-text">尚无上传的材料</span> }}
      />
      {can.upload || can.waive ? (
        <div className="document-forms">
          {can.upload ? <UploadForm caseId={caseId} missing={checklist?.missing ?? []} onDone={onChanged} /> : null}
          {can.waive && checklist?.missing.length ? (
            // A new list (a type handed in or waived) starts the form again on what is still missing.
            <WaiverForm key={checklist.missing.join()} caseId={caseId} missing={checklist.missing} onDone={onChanged} />
          ) : null}
        </div>
      ) : null}
      <Modal
        open={preview !== undefined}
        title={preview ? `预览：${preview.document.fileName}` : ''}
        onCancel={closePreview}
        footer={null}
        width={880}
        destroyOnClose
      >
        {preview ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            {preview.document.contentType === 'application/pdf' ? (
              <iframe title={preview.document.fileName} src={preview.url} style={{ width: '100%', height: 600, border: 0 }} />
            ) : (
              <img alt={label(DOCUMENT_TYPE, preview.document.type)} src={preview.url} style={{ maxWidth: '100%' }} />
            )}
            <a href={preview.url} download={preview.document.fileName}>
              下载原件
            </a>
          </Space>
        ) : null}
      </Modal>
      {withdrawing ? (
        <WithdrawalModal
          caseId={caseId}
          document={withdrawing}
          onClose={() => setWithdrawing(undefined)}
          onDone={async () => {
            setWithdrawing(undefined);
            await onChanged();
          }}
        />
      ) : null}
    </>
  );
}

/** 上传材料 (handler): ask for a presigned PUT, send the file's bytes there, wait for the check. */
function UploadForm({ caseId, missing, onDone }: { caseId: string; missing: readonly string[]; onDone: () => Promise<unknown> }) {
  const [form] = Form.useForm<{ type: DocumentType; file?: { fileList: { originFileObj?: File }[] } }>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const { message } = App.useApp();
  const submit = async (v: { type: DocumentType; file?: { fileList: { originFileObj?: File }[] } }) => {
    const file = v.file?.fileList.at(-1)?.originFileObj;
    if (!file) return;
    const contentType = contentTypeOf(file);
    if (!contentType) return form.setFields([{ name: 'file', errors: ['只接受 PDF、JPEG 或 PNG 文件'] }]);
    setBusy(true);
    setRefusal(undefined);
    try {
      const { data, error, response } = await api.POST('/v1/cases/{caseId}/documents', {
        params: { path: { caseId } },
        body: { type: v.type, fileName: file.name, contentType, sizeBytes: file.size },
      });
      if (!response.ok || !data) {
        const problem = asProblem(error);
        const onFile = problem.errors?.filter((e) => ['fileName', 'contentType', 'sizeBytes'].includes(e.path)) ?? [];
        if (onFile.length) form.setFields([{ name: 'file', errors: onFile.map((e) => e.message) }]);
        return setRefusal(`${problem.title}：${problem.detail}`);
      }
      // Content-Length is the browser's to set (a forbidden header); it is the file's size, as signed.
      const headers = Object.fromEntries(Object.entries(data.upload.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
      const put = await fetch(data.upload.url, { method: 'PUT', headers, body: file });
      if (!put.ok) return setRefusal('文件上传失败，请重试。');
      const status = await settled(caseId, data.documentId);
      await onDone();
      if (status === 'AVAILABLE') {
        message.success('材料已上传并通过校验');
        form.resetFields();
      } else if (status === 'REJECTED') setRefusal('材料未通过校验：文件内容与声明的格式或大小不符，请重新上传。');
      else setRefusal('材料已上传，校验仍在进行，请稍后刷新查看。');
    } catch {
      setRefusal('网络错误：无法连接服务，请检查网络后重试。');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form name="upload" form={form} layout="vertical" initialValues={{ type: missing[0] ?? 'OTHER' }} onFinish={submit} aria-label="上传材料">
      <h3 className="form-title">上传材料</h3>
      <Refusal text={refusal} />
      <Form.Item name="type" label="材料类型" rules={[{ required: true, message: '请选择材料类型' }]}>
        <FieldSelect options={Object.entries(DOCUMENT_TYPE).map(([value, text]) => ({ value, label: text }))} />
      </Form.Item>
      <Form.Item name="file" label="文件（PDF、JPEG 或 PNG）" rules={[{ required: true, message: '请选择文件' }]}>
        <Upload beforeUpload={() => false} maxCount={1} accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png">
          <Button>选择文件</Button>
        </Upload>
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy}>
        上传
      </Button>
    </Form>
  );
}

/** The document's status once the check has run (it runs on the bucket's event, a moment after the PUT). */
async function settled(caseId: string, documentId: string): Promise<string | undefined> {
  for (let i = 0; i < 40; i++) {
    const { data } = await api.GET('/v1/cases/{caseId}/documents/{documentId}', { params: { path: { caseId, documentId } } });
    if (data && data.status !== 'UPLOADING') return data.status;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

/** 免交材料 (handler): a required document the person cannot hand in, with the reason (D13). */
function WaiverForm({ caseId, missing, onDone }: { caseId: string; missing: readonly string[]; onDone: () => Promise<unknown> }) {
  const [form] = Form.useForm<{ type: DocumentType; reason: string }>();
  const { busy, refusal, run } = useStep(form, ['type', 'reason']);
  return (
    <Form
      name="waiver"
      form={form}
      layout="vertical"
      aria-label="免交材料"
      initialValues={{ type: missing[0] }}
      onFinish={(v) =>
        run(
          () => api.POST('/v1/cases/{caseId}/document-waivers', { params: { path: { caseId } }, body: { type: v.type, reason: v.reason.trim() } }),
          '已记录免交',
          () => void onDone(),
        )
      }
    >
      <h3 className="form-title">免交材料</h3>
      <Refusal text={refusal} />
      <Form.Item name="type" label="免交的材料" rules={[{ required: true, message: '请选择材料' }]}>
        <FieldSelect options={missing.map((t) => ({ value: t, label: label(DOCUMENT_TYPE, t) }))} />
      </Form.Item>
      <Form.Item name="reason" label="免交理由" rules={[{ required: true, whitespace: true, message: '请填写免交理由' }]}>
        <Input maxLength={1000} />
      </Form.Item>
      <Button htmlType="submit" loading={busy}>
        记录免交
      </Button>
    </Form>
  );
}

/** 撤回材料: the document stays on record as WITHDRAWN, with who withdrew it and why. */
function WithdrawalModal({ caseId, document, onClose, onDone }: { caseId: string; document: Document; onClose: () => void; onDone: () => Promise<void> }) {
  const [form] = Form.useForm<{ reason: string }>();
  const { busy, refusal, run } = useStep(form, ['reason']);
  return (
    <Modal open title={`撤回材料：${document.fileName}`} onCancel={onClose} footer={null} destroyOnClose>
      <Form
        name="withdrawal"
        form={form}
        layout="vertical"
        onFinish={(v) =>
          run(
            () =>
              api.POST('/v1/cases/{caseId}/documents/{documentId}/withdrawal', {
                params: { path: { caseId, documentId: document.documentId } },
                body: { reason: v.reason.trim() },
              }),
            '材料已撤回',
            () => void onDone(),
          )
        }
      >
        <Refusal text={refusal} />
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} message="撤回后该材料不再计入已交材料，记录保留。" />
        <Form.Item name="reason" label="撤回原因" rules={[{ required: true, whitespace: true, message: '请填写撤回原因' }]}>
          <Input maxLength={1000} />
        </Form.Item>
        <Button type="primary" danger htmlType="submit" loading={busy}>
          确认撤回
        </Button>
      </Form>
    </Modal>
  );
}
