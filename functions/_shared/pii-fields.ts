/**
 * Every encrypted personal field, with the context its ciphertext is bound to (field encryption v2,
 * docs/security.md): the logical table, the record the value belongs to and the field. Repositories, use
 * cases and the rotation job (`pii-rotation.ts`) take contexts only from here, so a field is written and read
 * under one context.
 *
 * Copies of a case's payee (the pending payee, each payment's copy, a batch's payments) belong to the case:
 * they carry the case's context and decrypt only with that case's id.
 */
import type { CaseRecord } from '../../core/index.ts';
import { type FieldContext, pii, piiAvailable } from './pii.ts';

const field = (table: string, record: string, name: string): FieldContext => ({ table, record, field: name });

export const piiFields = {
  /** registry WORKER#{workerId} / PROFILE */
  worker: (workerId: string) => ({
    idNumber: field('registry', `WORKER#${workerId}`, 'idNumber'),
    name: field('registry', `WORKER#${workerId}`, 'name'),
    phone: field('registry', `WORKER#${workerId}`, 'phone'),
    birthDate: field('registry', `WORKER#${workerId}`, 'birthDate'),
  }),
  /** cases CASE#{caseId}: the payee wherever it is copied (case, pending change, payments). */
  payee: (caseId: string) => ({
    name: field('cases', `CASE#${caseId}`, 'payee.name'),
    bankAccount: field('cases', `CASE#${caseId}`, 'payee.bankAccount'),
  }),
  /** cases CASE#{caseId} / CASE: the applying relative's name. */
  applicantName: (caseId: string) => field('cases', `CASE#${caseId}`, 'applicant.name'),
  /** cases CASE#{caseId} / CASE: the dependant at `index` (0-based, as stored). */
  dependant: (caseId: string, index: number) => ({
    name: field('cases', `CASE#${caseId}`, `dependants.${index}.name`),
    birthDate: field('cases', `CASE#${caseId}`, `dependants.${index}.birthDate`),
  }),
  /** events PLATFORM#{platformId} / WEBHOOK: the signing secret (not personal, protected the same way). */
  webhookSecret: (platformId: string) => field('events', `PLATFORM#${platformId}`, 'webhook.secret'),
};

/** The worker's birth date from the profile: sealed (v2), or in clear on a profile written before v2. */
export const workerBirthDate = (profile: { readonly workerId: string; readonly birthDate?: string; readonly birthDateEnc?: string }): string => {
  if (profile.birthDateEnc !== undefined) return pii().decrypt(profile.birthDateEnc, piiFields.worker(profile.workerId).birthDate);
  if (profile.birthDate !== undefined) return profile.birthDate;
  throw new Error(`worker ${profile.workerId} has no birth date`);
};

/** A dependant as stored: name and birth date sealed (v2), or in clear on a case written before v2. */
interface StoredDependant {
  readonly relation: string;
  readonly orphanOrAlone: boolean;
  readonly name?: string;
  readonly nameEnc?: string;
  readonly birthDate?: string;
  readonly birthDateEnc?: string;
}
interface StoredApplicant {
  readonly type: string;
  readonly name?: string;
  readonly nameEnc?: string;
}
type Payee = NonNullable<CaseRecord['payee']>;

const rewrapPayee = (caseId: string, payee: Payee): Payee => {
  const protector = pii();
  const ctx = piiFields.payee(caseId);
  return { ...payee, nameEnc: protector.reencrypt(payee.nameEnc, ctx.name), bankAccountEnc: protector.reencrypt(payee.bankAccountEnc, ctx.bankAccount) };
};

/**
 * The case as stored: the applicant's and dependants' names and the dependants' birth dates sealed, and a
 * payee under a retired key or v1 re-encrypted (lazy rotation on write). A value read sealed by a function
 * without the PII key (`openCaseRecord`) is written back as it was read.
 */
export const sealCaseRecord = <T extends CaseRecord>(record: T): T => {
  // Without the key (documents) the record is written as it was read: sealed fields sealed, and the clear
  // names of a case stored before v2 still clear until a function with the key or the migration job writes it.
  if (!piiAvailable()) return record;
  const protector = pii();
  const seal = (value: string, ctx: FieldContext) => protector.encrypt(value, ctx);
  const applicant = record.applicant as StoredApplicant | undefined;
  const sealedApplicant: StoredApplicant | undefined =
    applicant?.name !== undefined
      ? { type: applicant.type, nameEnc: seal(applicant.name, piiFields.applicantName(record.caseId)) }
      : applicant?.nameEnc !== undefined
        ? { type: applicant.type, nameEnc: protector.reencrypt(applicant.nameEnc, piiFields.applicantName(record.caseId)) }
        : applicant;
  const dependants = (record.dependants as readonly StoredDependant[] | undefined)?.map((d, i): StoredDependant => {
    const ctx = piiFields.dependant(record.caseId, i);
    const { name, birthDate, nameEnc, birthDateEnc, ...rest } = d;
    const sealedName = name !== undefined ? seal(name, ctx.name) : nameEnc !== undefined ? protector.reencrypt(nameEnc, ctx.name) : nameEnc;
    const sealedBirth =
      birthDate !== undefined ? seal(birthDate, ctx.birthDate) : birthDateEnc !== undefined ? protector.reencrypt(birthDateEnc, ctx.birthDate) : birthDateEnc;
    return { ...rest, ...(sealedName !== undefined ? { nameEnc: sealedName } : {}), ...(sealedBirth !== undefined ? { birthDateEnc: sealedBirth } : {}) };
  });
  return {
    ...record,
    ...(sealedApplicant ? { applicant: sealedApplicant } : {}),
    ...(dependants ? { dependants } : {}),
    ...(record.payee ? { payee: rewrapPayee(record.caseId, record.payee) } : {}),
    ...(record.pendingPayee ? { pendingPayee: { ...record.pendingPayee, payee: rewrapPayee(record.caseId, record.pendingPayee.payee) } } : {}),
  } as unknown as T;
};

/**
 * The case as the core uses it: names and birth dates decrypted (each checked against this case and field).
 * In a function without the PII key (documents, which never reads them) they stay sealed and are written
 * back unchanged by `sealCaseRecord`. A case stored before v2 has them in clear: read as they are.
 */
export const openCaseRecord = <T extends CaseRecord>(stored: T): T => {
  if (!piiAvailable()) return stored;
  const protector = pii();
  const applicant = stored.applicant as StoredApplicant | undefined;
  const openedApplicant =
    applicant?.nameEnc !== undefined ? { type: applicant.type, name: protector.decrypt(applicant.nameEnc, piiFields.applicantName(stored.caseId)) } : applicant;
  const dependants = (stored.dependants as readonly StoredDependant[] | undefined)?.map((d, i) => {
    const ctx = piiFields.dependant(stored.caseId, i);
    const { nameEnc, birthDateEnc, ...rest } = d;
    return {
      ...rest,
      ...(nameEnc !== undefined ? { name: protector.decrypt(nameEnc, ctx.name) } : {}),
      ...(birthDateEnc !== undefined ? { birthDate: protector.decrypt(birthDateEnc, ctx.birthDate) } : {}),
    };
  });
  // A payee under a retired key is re-encrypted as it is read, so the copies made from it (payments) are current.
  return {
    ...stored,
    ...(openedApplicant ? { applicant: openedApplicant } : {}),
    ...(dependants ? { dependants } : {}),
    ...(stored.payee ? { payee: rewrapPayee(stored.caseId, stored.payee) } : {}),
    ...(stored.pendingPayee ? { pendingPayee: { ...stored.pendingPayee, payee: rewrapPayee(stored.caseId, stored.pendingPayee.payee) } } : {}),
  } as unknown as T;
};
