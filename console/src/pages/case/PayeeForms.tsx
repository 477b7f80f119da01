/**
 * The payee (D14): a handler records who is paid, backed by a checked bank-account proof of the case; on a
 * case with payments the change waits for a reviewer who is not a maker of the case, who confirms it here.
 * Names and accounts are shown exactly as the API masks them.
 */
import { Alert, Button, Descriptions, Form, Input } from 'antd';
import { api, type Schemas } from '../../api/client.ts';
import { FieldSelect } from '../../components/FieldSelect.tsx';
import { dateTime } from '../../format.ts';
import { Refusal, type StepProps } from './Forms.tsx';
import { useStep } from './useStep.ts';

interface ProofDocument {
  readonly documentId: string;
  readonly type: string;
  readonly fileName: string;
  readonly status: string;
  readonly uploadedAt?: string;
}

/** 变更收款人 (handler; every status but NOT_CONFIRMED). */
export function PayeeForm({ caseId, onDone, documents }: StepProps & { readonly documents: readonly ProofDocument[] }) {
  const [form] = Form.useForm<Schemas['PayeeChange']>();
  const { busy, refusal, run } = useStep(form, ['name', 'bankAccount', 'bankName', 'bankCode', 'documentId'], (p) => p.replace(/^payee\./, ''));
  const proofs = documents.filter((d) => d.type === 'BANK_ACCOUNT_PROOF' && d.status === 'AVAILABLE');
  return (
    <Form
      name="payee"
      form={form}
      layout="vertical"
      initialValues={{ documentId: proofs.at(-1)?.documentId }}
      onFinish={(v) =>
        run(
          () =>
            api.PUT('/v1/cases/{caseId}/payee', {
              params: { path: { caseId } },
              body: {
                name: v.name.trim(),
                bankAccount: v.bankAccount.replace(/\s+/g, ''),
                bankName: v.bankName.trim(),
                documentId: v.documentId,
                ...(v.bankCode?.trim() ? { bankCode: v.bankCode.trim() } : {}),
              },
            }),
          '收款人变更已提交',
          onDone,
        )
      }
    >
      <Refusal text={refusal} />
      {proofs.length === 0 ? <Alert type="info" showIcon style={{ marginBottom: 16 }} message="请先上传并通过校验的“银行账户证明”，再变更收款人。" /> : null}
      <Form.Item name="name" label="收款人姓名" rules={[{ required: true, whitespace: true, message: '请填写收款人姓名' }]}>
        <Input maxLength={100} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="bankAccount"
        label="银行账号"
        rules={[
          { required: true, message: '请填写银行账号' },
          { pattern: /^[\d\s]{8,40}$/, message: '银行账号应为 8–32 位数字' },
        ]}
      >
        <Input inputMode="numeric" maxLength={40} autoComplete="off" />
      </Form.Item>
      <Form.Item name="bankName" label="开户银行" rules={[{ required: true, whitespace: true, message: '请填写开户银行' }]}>
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="bankCode" label="联行号（12 位，可选）" rules={[{ pattern: /^\d{12}$/, message: '联行号应为 12 位数字' }]}>
        <Input inputMode="numeric" maxLength={12} />
      </Form.Item>
      <Form.Item name="documentId" label="银行账户证明" rules={[{ required: true, message: '请选择银行账户证明' }]}>
        <FieldSelect placeholder="请选择" options={proofs.map((d) => ({ value: d.documentId, label: `${d.fileName}（${dateTime(d.uploadedAt)}）` }))} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} disabled={proofs.length === 0}>
        提交收款人
      </Button>
    </Form>
  );
}

interface PendingPayee {
  readonly name?: string;
  readonly bankAccount?: string;
  readonly bankName?: string;
  readonly requestedBy?: string;
  readonly requestedAt?: string;
}

/** 确认收款人变更 (reviewer, not a maker of the case): then returned payments are re-instructed to the new payee. */
export function PayeeConfirmationForm({ caseId, onDone, pending }: StepProps & { readonly pending: PendingPayee }) {
  const [form] = Form.useForm();
  const { busy, refusal, run } = useStep(form, []);
  return (
    <Form
      name="payeeConfirmation"
      form={form}
      onFinish={() => run(() => api.POST('/v1/cases/{caseId}/payee/confirmation', { params: { path: { caseId } } }), '收款人变更已确认', onDone)}
    >
      <Refusal text={refusal} />
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="新收款人">{pending.name ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="银行账号">{pending.bankAccount ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="开户银行">{pending.bankName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="申请人">
          {pending.requestedBy ?? '—'} · {dateTime(pending.requestedAt)}
        </Descriptions.Item>
      </Descriptions>
      <Button type="primary" htmlType="submit" loading={busy}>
        确认收款人变更
      </Button>
    </Form>
  );
}
