/**
 * 补交材料 on a phone: the whole missing list at once, and for each missing type a photo from the camera or a
 * file. As on the staff case page (case/Documents.tsx), the API issues a presigned PUT and the bytes go from
 * the phone straight to the bucket; here through XMLHttpRequest so that the upload shows its progress. The
 * check after upload decides (AVAILABLE or REJECTED); the list is read again and shrinks.
 */
import { Alert, App, Progress, Tag } from 'antd';
import { useState } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { asProblem } from '../../api/problem.ts';
import { DARK } from '../../components/tags.ts';
import { contentTypeOf } from '../../documents.ts';
import { DOCUMENT_TYPE, label } from '../../format.ts';

type DocumentType = Schemas['DocumentUpload']['type'];

interface Props {
  readonly caseId: string;
  /** The checklist's missing types (all of them). */
  readonly missing: readonly string[];
  /** Reads the case's documents again (the list shrinks once a document passed the check). */
  readonly onChanged: () => Promise<unknown>;
}

type Phase = { type: string; step: 'ticket' | 'upload' | 'check'; percent: number } | undefined;

/** PUT with the upload's progress (fetch cannot report it). Resolves with the HTTP status. */
function put(url: string, headers: Record<string, string>, file: File, onProgress: (percent: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    // Content-Length is the browser's to set (a forbidden header); it is the file's size, as signed.
    for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.round((100 * e.loaded) / e.total));
    };
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(file);
  });
}

/** The document's status once the check has run (on the bucket's event, a moment after the PUT). */
async function settled(caseId: string, documentId: string): Promise<string | undefined> {
  for (let i = 0; i < 40; i++) {
    const { data } = await api.GET('/v1/cases/{caseId}/documents/{documentId}', { params: { path: { caseId, documentId } } });
    if (data && data.status !== 'UPLOADING') return data.status;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

export function HandIn({ caseId, missing, onChanged }: Props) {
  const { message } = App.useApp();
  const [phase, setPhase] = useState<Phase>();
  const [refusal, setRefusal] = useState<string>();

  const send = async (type: string, file: File | undefined) => {
    if (!file) return;
    const contentType = contentTypeOf(file);
    if (!contentType) return setRefusal(`${file.name}：只接受照片（JPEG、PNG）或 PDF 文件。`);
    setRefusal(undefined);
    setPhase({ type, step: 'ticket', percent: 0 });
    try {
      const { data, error, response } = await api.POST('/v1/cases/{caseId}/documents', {
        params: { path: { caseId } },
        body: { type: type as DocumentType, fileName: file.name, contentType, sizeBytes: file.size },
      });
      if (!response.ok || !data) {
        const problem = asProblem(error);
        return setRefusal([`${problem.title}：${problem.detail}`, ...(problem.errors ?? []).map((e) => e.message)].join(' '));
      }
      setPhase({ type, step: 'upload', percent: 0 });
      const status = await put(data.upload.url, data.upload.headers, file, (percent) => setPhase({ type, step: 'upload', percent }));
      if (status < 200 || status >= 300) return setRefusal('文件上传失败，请重试。');
      setPhase({ type, step: 'check', percent: 100 });
      const result = await settled(caseId, data.documentId);
      await onChanged();
      if (result === 'AVAILABLE') message.success(`${label(DOCUMENT_TYPE, type)}已上传并通过校验`);
      else if (result === 'REJECTED') setRefusal(`${label(DOCUMENT_TYPE, type)}未通过校验：文件内容与格式或大小不符，请重新拍照或选择文件。`);
      else setRefusal('材料已上传，校验仍在进行，请稍后刷新查看。');
    } catch {
      setRefusal('网络错误：无法连接服务，请检查网络后重试。');
    } finally {
      setPhase(undefined);
    }
  };

  return (
    <section aria-label="补交材料">
      {refusal ? <Alert type="error" showIcon role="alert" message={refusal} style={{ marginBottom: 12 }} /> : null}
      {missing.length === 0 ? (
        <Alert type="success" showIcon message="材料已齐全，无需补交。" />
      ) : (
        <>
          <p className="rider-missing" aria-live="polite">
            还缺 {missing.length} 项材料：
            {missing.map((t) => (
              <Tag key={t} color="red" style={DARK.red}>
                {label(DOCUMENT_TYPE, t)}
              </Tag>
            ))}
          </p>
          <ul className="rider-list">
            {missing.map((t) => {
              const busy = phase?.type === t;
              const name = label(DOCUMENT_TYPE, t);
              return (
                <li key={t} className="rider-handin">
                  <strong>{name}</strong>
                  {busy ? (
                    <div>
                      <Progress percent={phase.percent} status="active" aria-label={`${name}上传进度`} />
                      <span role="status">
                        {phase.step === 'ticket' ? '准备上传…' : phase.step === 'upload' ? `正在上传 ${phase.percent}%，请勿关闭页面` : '已上传，正在校验…'}
                      </span>
                    </div>
                  ) : (
                    <div className="rider-file-row">
                      <label className="rider-file rider-button rider-button-primary" aria-disabled={phase !== undefined}>
                        拍照上传
                        <input
                          type="file"
                          accept="image/*,application/pdf"
                          capture="environment"
                          aria-label={`拍照上传${name}`}
                          disabled={phase !== undefined}
                          onChange={(e) => {
                            void send(t, e.target.files?.[0]);
                            e.target.value = '';
                          }}
                        />
                      </label>
                      <label className="rider-file rider-button" aria-disabled={phase !== undefined}>
                        选择文件
                        <input
                          type="file"
                          accept="image/*,application/pdf"
                          aria-label={`选择文件上传${name}`}
                          disabled={phase !== undefined}
                          onChange={(e) => {
                            void send(t, e.target.files?.[0]);
                            e.target.value = '';
                          }}
                        />
                      </label>
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
