/**
 * Batch registration of a platform's workers (contract: PUT /v1/platforms/{platformId}/workers; D3).
 * Safe to re-send: every write is conditional and a re-sent item converges to the same workerId.
 */
import { randomUUID } from 'node:crypto';
import type * as z from '../_shared/zod.ts';
import { checkResidentId } from '../../core/index.ts';
import { mapLimit } from '../_shared/db.ts';
import { pii } from '../_shared/pii.ts';
import { piiFields } from '../_shared/pii-fields.ts';
import { fieldErrors, type ProblemFieldError } from '../_shared/problem.ts';
import { RegistrationRace, workersRepository, type LinkRecord, type PersonRecord } from '../_shared/repositories/workers.ts';
import { WorkerItem } from './schemas.ts';

type Item = z.infer<typeof WorkerItem>;
export interface WorkerResult {
  index: number;
  platformWorkerId?: string;
  status: 'accepted' | 'rejected';
  workerId?: string;
  errors?: ProblemFieldError[];
}

const WRITE_CONCURRENCY = 8;

const rejected = (index: number, platformWorkerId: string | undefined, errors: ProblemFieldError[]): WorkerResult => ({
  index,
  ...(platformWorkerId ? { platformWorkerId } : {}),
  status: 'rejected',
  errors,
});

export const registerWorkers = async (platformId: string, rawItems: readonly unknown[], now: Date): Promise<WorkerResult[]> => {
  const results: WorkerResult[] = new Array(rawItems.length);
  const protector = pii();
  // Hashes under every look-up key of the ring, the active key's first (a look-up key rotation: docs/security.md).
  const valid: { index: number; item: Item; idHash: string; idHashes: string[]; nameHashes: string[] }[] = [];
  const firstByPwid = new Map<string, { index: number; idHash: string }>();

  rawItems.forEach((raw, index) => {
    const parsed = WorkerItem.safeParse(raw);
    const pwid = typeof (raw as Item | null)?.platformWorkerId === 'string' ? (raw as Item).platformWorkerId : undefined;
    if (!parsed.success) {
      results[index] = rejected(index, pwid, fieldErrors(parsed.error.issues as never, ['workers', index]));
      return;
    }
    const item = parsed.data;
    const idHashes = protector.hashes('idNumber', item.idNumber);
    const idHash = idHashes[0]!;
    const earlier = firstByPwid.get(item.platformWorkerId);
    if (earlier && earlier.idHash !== idHash) {
      results[index] = rejected(index, pwid, [
        { path: `workers.${index}.idNumber`, message: `platformWorkerId appears at workers.${earlier.index} with another ID number.` },
      ]);
      return;
    }
    if (!earlier) firstByPwid.set(item.platformWorkerId, { index, idHash });
    valid.push({ index, item, idHash, idHashes, nameHashes: protector.hashes('name', item.name) });
  });

  const [persons, links] = await Promise.all([
    workersRepository.persons(valid.flatMap((v) => v.idHashes)),
    workersRepository.links(
      platformId,
      valid.map((v) => v.item.platformWorkerId),
    ),
  ]);

  const registerOne = async ({ index, item, idHash, idHashes, nameHashes }: (typeof valid)[number]): Promise<WorkerResult> => {
    const nameHash = nameHashes[0]!;
    const nowIso = now.toISOString();
    for (let attempt = 0; attempt < 3; attempt++) {
      const link = links.get(item.platformWorkerId);
      if (link && !idHashes.includes(link.idHash)) {
        return rejected(index, item.platformWorkerId, [{ path: `workers.${index}.idNumber`, message: '此 platformWorkerId 已登记了另一个身份证号码。' }]);
      }
      // The person under the active look-up key, else under a retired one (indexed before the rotation).
      const person = idHashes.map((h) => persons.get(h)).find((p) => p !== undefined);
      if (person && person.nameHash !== nameHashes[idHashes.indexOf(person.idHash)]) {
        return rejected(index, item.platformWorkerId, [{ path: `workers.${index}.name`, message: '此身份证号码已以另一个姓名登记（实名）：请核对姓名。' }]);
      }
      if (link) return { index, platformWorkerId: item.platformWorkerId, status: 'accepted', workerId: link.workerId };
      const workerId = person?.workerId ?? `wkr_${randomUUID().replaceAll('-', '')}`;
      const newLink: LinkRecord = { platformId, platformWorkerId: item.platformWorkerId, workerId, idHash };
      try {
        if (person) {
          // Found only under a retired look-up key: index it under the active key too (the migration job does the rest).
          if (person.idHash !== idHash) await workersRepository.indexPerson({ idHash, workerId, nameHash }, nowIso);
          await workersRepository.addLink(newLink, nowIso);
        } else {
          const identity = checkResidentId(item.idNumber);
          if (!identity.ok) throw new Error('unreachable: validated by the schema');
          const record: PersonRecord = { idHash, workerId, nameHash };
          await workersRepository.createPerson(
            record,
            {
              workerId,
              idNumberEnc: protector.encrypt(item.idNumber, piiFields.worker(workerId).idNumber),
              nameEnc: protector.encrypt(item.name, piiFields.worker(workerId).name),
              ...(item.phone ? { phoneEnc: protector.encrypt(item.phone, piiFields.worker(workerId).phone) } : {}),
              birthDateEnc: protector.encrypt(identity.birthDate, piiFields.worker(workerId).birthDate),
              sex: identity.sex,
              createdAt: nowIso,
            },
            newLink,
            nowIso,
          );
          persons.set(idHash, record);
        }
        links.set(item.platformWorkerId, newLink);
        return { index, platformWorkerId: item.platformWorkerId, status: 'accepted', workerId };
      } catch (error) {
        if (!(error instanceof RegistrationRace)) throw error;
        // Someone registered the same person or link meanwhile: read again and decide on fresh data.
        const [p, l] = await Promise.all([workersRepository.persons(idHashes), workersRepository.links(platformId, [item.platformWorkerId])]);
        for (const [k, v] of p) persons.set(k, v);
        for (const [k, v] of l) links.set(k, v);
      }
    }
    throw new Error('Worker registration did not converge after 3 attempts');
  };

  // Items naming the same platformWorkerId run one after another, so the later one sees the first's link.
  const groups = new Map<string, (typeof valid)[number][]>();
  for (const v of valid) groups.set(v.item.platformWorkerId, [...(groups.get(v.item.platformWorkerId) ?? []), v]);
  await mapLimit([...groups.values()], WRITE_CONCURRENCY, async (group) => {
    for (const v of group) results[v.index] = await registerOne(v);
  });
  return results;
};
