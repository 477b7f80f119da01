/** The types of evidence documents (D13): kinds, accepted content types, states, the stored document and a waiver. */
export const DOCUMENT_TYPES = [
  'ID_PROOF',
  'MEDICAL_DIAGNOSIS',
  'ACCIDENT_STATEMENT',
  'POLICE_REPORT',
  'WITNESS_STATEMENT',
  'MEDICAL_INVOICE',
  'DISCHARGE_SUMMARY',
  'DEATH_CERTIFICATE',
  'KINSHIP_PROOF',
  'BANK_ACCOUNT_PROOF',
  'OTHER',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** What the applicant reads (D13). */
export const DOCUMENT_TYPE_NAMES: Readonly<Record<DocumentType, string>> = {
  ID_PROOF: '身份证明',
  MEDICAL_DIAGNOSIS: '诊断证明/病历',
  ACCIDENT_STATEMENT: '事故经过说明',
  POLICE_REPORT: '公安或交通事故认定书',
  WITNESS_STATEMENT: '证人证言',
  MEDICAL_INVOICE: '医疗费票据',
  DISCHARGE_SUMMARY: '出院小结',
  DEATH_CERTIFICATE: '死亡证明',
  KINSHIP_PROOF: '亲属关系证明',
  BANK_ACCOUNT_PROOF: '银行账户证明',
  OTHER: '其他',
};

export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

export const DOCUMENT_STATUSES = ['UPLOADING', 'AVAILABLE', 'REJECTED', 'EXPIRED', 'WITHDRAWN'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Why an upload was rejected by the check. */
export type RejectionReason = 'TYPE_MISMATCH' | 'SIZE_MISMATCH' | 'UPLOADED_AFTER_EXPIRY';

export interface CaseDocument {
  readonly documentId: string;
  readonly caseId: string;
  readonly type: DocumentType;
  /** Shown as text only: never part of a storage key. */
  readonly fileName: string;
  readonly contentType: DocumentContentType;
  readonly sizeBytes: number;
  /** Stored status; an UPLOADING document past `expiresAt` reads as EXPIRED (`documentStatus`). */
  readonly status: DocumentStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly uploadedBy: string;
  readonly uploaderRole: string;
  readonly uploadedAt?: string;
  readonly checkedAt?: string;
  readonly sha256?: string;
  readonly reason?: RejectionReason;
  readonly withdrawal?: { readonly by: string; readonly at: string; readonly reason: string };
}

export interface DocumentWaiver {
  readonly type: DocumentType;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}
