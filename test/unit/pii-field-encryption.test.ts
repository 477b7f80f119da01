/**
 * Field encryption v2 (functions/_shared/pii.ts, pii-keyring.ts; docs/security.md): the format with its
 * key id, associated data binding a ciphertext to its table, record and field, v1 ciphertexts still read,
 * independent encryption and look-up keys, and what a rotation needs (old and new keys readable, stale
 * ciphertexts recognised and re-encrypted).
 */
import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../core/index.ts';
import { createPiiProtector, type FieldContext, PiiCiphertextRefused, resetPiiForTests } from '../../functions/_shared/pii.ts';
import { localKeyring, parseKeyringSpec } from '../../functions/_shared/pii-keyring.ts';
import { openCaseRecord, piiFields, sealCaseRecord } from '../../functions/_shared/pii-fields.ts';

const key = () => randomBytes(32).toString('base64');
const ring = (enc: Record<string, string>, active: string, lookup: Record<string, string> = { h1: key() }, lookupActive = 'h1') =>
  parseKeyringSpec(JSON.stringify({ encryption: { active, keys: enc }, lookup: { active: lookupActive, keys: lookup } }));

/** A v1 ciphertext exactly as the code before v2 wrote it (HKDF of the root, `v1:iv:ct:tag`, base64, no associated data). */
const v1Encrypt = (root: Buffer, value: string) => {
  const encKey = Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'pii-field-encryption', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encKey, iv);
  const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), ct.toString('base64'), cipher.getAuthTag().toString('base64')].join(':');
};
/** A look-up hash exactly as the code before v2 made it. */
const v1Hash = (root: Buffer, purpose: string, value: string) =>
  createHmac('sha256', Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), 'pii-lookup-hash', 32)))
    .update(`${purpose}\u0000${value.normalize('NFC').trim()}`)
    .digest('hex');

const name = piiFields.worker('wkr_a').name;
const refusedWith = (fn: () => unknown, pattern: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PiiCiphertextRefused);
  expect((caught as Error).message).toMatch(pattern);
  return caught as Error;
};

describe('v2 ciphertexts', () => {
  const protector = createPiiProtector(localKeyring(ring({ e1: key() }, 'e1')));

  it('carry the version and key id: v2.<keyId>.<iv>.<ciphertext+tag>, base64url, a fresh IV each time', () => {
    const a = protector.encrypt('张三', name);
    const b = protector.encrypt('张三', name);
    expect(a).toMatch(/^v2\.e1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(protector.keyIdOf(a)).toBe('e1');
    expect(protector.decrypt(a, name)).toBe('张三');
    expect(protector.decrypt(b, name)).toBe('张三');
  });

  it('refuses a ciphertext moved to another record, field or table, naming the place but not the value or ciphertext', () => {
    const blob = protector.encrypt('13912345678', piiFields.worker('wkr_a').phone);
    const moves: FieldContext[] = [
      piiFields.worker('wkr_b').phone, // another worker
      piiFields.worker('wkr_a').name, // another field of the same worker
      { ...piiFields.worker('wkr_a').phone, table: 'cases' }, // another table
    ];
    for (const where of moves) {
      const error = refusedWith(() => protector.decrypt(blob, where), /does not authenticate here/);
      expect(error.message).toContain(`${where.table}/${where.record}/${where.field}`);
      expect(error.message).not.toContain('13912345678');
      expect(error.message).not.toContain(blob.split('.')[3]!);
    }
    expect(protector.decrypt(blob, piiFields.worker('wkr_a').phone)).toBe('13912345678');
  });

  it("refuses a payee copied from another case, and a dependant's name moved to another dependant of the same case", () => {
    const payee = protector.encrypt('6222020200112233445', piiFields.payee('C1').bankAccount);
    refusedWith(() => protector.decrypt(payee, piiFields.payee('C2').bankAccount), /cases\/CASE#C2\/payee\.bankAccount/);
    const first = protector.encrypt('李四', piiFields.dependant('C1', 0).name);
    refusedWith(() => protector.decrypt(first, piiFields.dependant('C1', 1).name), /dependants\.1\.name/);
  });

  it('refuses an altered ciphertext, a swapped key id, a truncated one and garbage', () => {
    const blob = protector.encrypt('110101199003071234', piiFields.worker('wkr_a').idNumber);
    const [v, id, iv, body] = blob.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    const where = piiFields.worker('wkr_a').idNumber;
    refusedWith(() => protector.decrypt([v, id, iv, flipped.toString('base64url')].join('.'), where), /does not authenticate/);
    refusedWith(() => protector.decrypt([v, 'e9', iv, body].join('.'), where), /key "e9" is not in the key ring/);
    refusedWith(() => protector.decrypt([v, id, iv, body.slice(0, 8)].join('.'), where), /malformed|does not authenticate/);
    refusedWith(() => protector.decrypt('not-a-ciphertext', where), /unknown ciphertext format/);
  });
});

describe('v1 ciphertexts (written before v2)', () => {
  const root = randomBytes(32);

  it('are still read while the legacy root is configured, are stale, and re-encrypt to v2 bound to their field', () => {
    const protector = createPiiProtector(localKeyring(undefined, root));
    const old = v1Encrypt(root, '王五');
    expect(protector.decrypt(old, name)).toBe('王五');
    expect(protector.isStale(old)).toBe(true);
    const fresh = protector.reencrypt(old, name);
    expect(fresh).toMatch(/^v2\.r1\./);
    expect(protector.isStale(fresh)).toBe(false);
    expect(protector.decrypt(fresh, name)).toBe('王五');
    refusedWith(() => protector.decrypt(fresh, piiFields.worker('wkr_other').name), /does not authenticate/);
    expect(protector.reencrypt(fresh, name)).toBe(fresh);
  });

  it('are read next to a configured ring (the migration), and refused once v1 reading is turned off or the root is gone', () => {
    const old = v1Encrypt(root, '王五');
    const spec = ring({ e1: key() }, 'e1');
    expect(createPiiProtector(localKeyring(spec, root)).decrypt(old, name)).toBe('王五');
    refusedWith(() => createPiiProtector(localKeyring(spec, root), { acceptV1: false }).decrypt(old, name), /no longer accepted/);
    refusedWith(() => createPiiProtector(localKeyring(spec)).decrypt(old, name), /legacy root key is not configured/);
  });

  it('keeps the look-up hashes of v1 (plain hex under the legacy key v1), so existing persons are still found', () => {
    const protector = createPiiProtector(localKeyring(undefined, root));
    expect(protector.activeLookupKeyId).toBe('v1');
    expect(protector.hash('idNumber', '11010119900307123X')).toBe(v1Hash(root, 'idNumber', '11010119900307123X'));
    expect(protector.hashKeyId(protector.hash('name', '张三'))).toBe('v1');
  });
});

describe('independent, rotatable keys', () => {
  it('derives nothing from one key for the other: the encryption key and the look-up key change independently', () => {
    const enc = key();
    const a = createPiiProtector(localKeyring(ring({ e1: enc }, 'e1', { h1: key() })));
    const b = createPiiProtector(localKeyring(ring({ e1: enc }, 'e1', { h1: key() })));
    const blob = a.encrypt('张三', name);
    expect(b.decrypt(blob, name)).toBe('张三'); // same encryption key, another look-up key
    expect(a.hash('name', '张三')).not.toBe(b.hash('name', '张三'));
    const lookup = key();
    const c = createPiiProtector(localKeyring(ring({ e1: key() }, 'e1', { h1: lookup })));
    const d = createPiiProtector(localKeyring(ring({ e1: key() }, 'e1', { h1: lookup })));
    expect(c.hash('name', '张三')).toBe(d.hash('name', '张三')); // same look-up key, another encryption key
    refusedWith(() => d.decrypt(c.encrypt('张三', name), name), /does not authenticate/);
  });

  it('during an encryption key rotation reads old and new keys, writes the new one, and flags the old ciphertexts as stale', () => {
    const e1 = key();
    const e2 = key();
    const before = createPiiProtector(localKeyring(ring({ e1 }, 'e1')));
    const during = createPiiProtector(localKeyring(ring({ e1, e2 }, 'e2')));
    const after = createPiiProtector(localKeyring(ring({ e2 }, 'e2')));
    const old = before.encrypt('张三', name);
    expect(during.decrypt(old, name)).toBe('张三');
    expect(during.isStale(old)).toBe(true);
    const moved = during.reencrypt(old, name);
    expect(moved).toMatch(/^v2\.e2\./);
    expect(after.decrypt(moved, name)).toBe('张三');
    refusedWith(() => after.decrypt(old, name), /key "e1" is not in the key ring/);
  });

  it('during a look-up key rotation hashes with the active key first and every other key after, each hash naming its key', () => {
    const root = randomBytes(32);
    const spec = ring({ e1: key() }, 'e1', { h2: key() }, 'h2');
    const protector = createPiiProtector(localKeyring(spec, root));
    const hashes = protector.hashes('idNumber', '11010119900307123X');
    expect(hashes).toHaveLength(2);
    expect(hashes[0]).toMatch(/^h2\.[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(v1Hash(root, 'idNumber', '11010119900307123X'));
    expect(protector.hash('idNumber', '11010119900307123X')).toBe(hashes[0]);
    expect(hashes.map((h) => protector.hashKeyId(h))).toEqual(['h2', 'v1']);
  });
});

describe('PII_KEYRING', () => {
  it('is refused, naming the variable and the problem, when malformed', () => {
    expect(() => parseKeyringSpec('{')).toThrow(/PII_KEYRING is not JSON/);
    expect(() => ring({ e1: key() }, 'e2')).toThrow(/encryption\.active names key "e2"/);
    expect(() =>
      parseKeyringSpec(JSON.stringify({ encryption: { active: 'a.b', keys: { 'a.b': key() } }, lookup: { active: 'h', keys: { h: key() } } })),
    ).toThrow(/PII_KEYRING is not valid/);
    expect(() => localKeyring(ring({ e1: Buffer.alloc(16).toString('base64') }, 'e1'))).toThrow(/encryption\.e1 must be 32 bytes/);
    expect(() => localKeyring(ring({ e1: key() }, 'e1', { h1: key() }, 'v1'))).toThrow(/lookup\.active is "v1" but that key is not available/);
  });
});

describe('case records: sealed on write, opened on read (pii-fields.ts)', () => {
  const record = {
    caseId: 'C1',
    applicant: { type: 'relative', name: '张三' },
    dependants: [
      { name: '欧阳遗孀', relation: 'spouse', orphanOrAlone: false },
      { name: '欧阳幼子', relation: 'child', orphanOrAlone: true, birthDate: '2016-04-09' },
    ],
  } as unknown as CaseRecord;
  const withKey = () => {
    process.env.PII_KEY_MODE = 'local';
    process.env.PII_LOCAL_KEY = randomBytes(32).toString('base64');
    resetPiiForTests();
  };
  const withoutKey = () => {
    delete process.env.PII_LOCAL_KEY;
    resetPiiForTests();
  };

  it('seals names and birth dates bound to the case and the position, and opens them back; a clear record from before v2 opens as it is', () => {
    withKey();
    try {
      const sealed = sealCaseRecord(record);
      expect(JSON.stringify(sealed)).not.toMatch(/张三|欧阳|2016-04-09/);
      expect(sealed.dependants![1]).toEqual({
        relation: 'child',
        orphanOrAlone: true,
        nameEnc: expect.stringMatching(/^v2\.r1\./),
        birthDateEnc: expect.stringMatching(/^v2\.r1\./),
      });
      expect(openCaseRecord(sealed)).toEqual(record);
      expect(openCaseRecord(record)).toEqual(record);
      // Dependants swapped in the stored item: refused, not shown as each other.
      const swapped = { ...sealed, dependants: [sealed.dependants![1], sealed.dependants![0]] } as CaseRecord;
      expect(() => openCaseRecord(swapped)).toThrow(PiiCiphertextRefused);
      expect(() => openCaseRecord({ ...sealed, caseId: 'C2' })).toThrow(/cases\/CASE#C2\/applicant\.name/);
    } finally {
      withoutKey();
    }
  });

  it('without the key (documents, the sweep) reads and writes the record as stored: sealed stays sealed, clear stays clear', () => {
    withKey();
    const sealed = sealCaseRecord(record);
    withoutKey();
    expect(openCaseRecord(sealed)).toBe(sealed);
    expect(sealCaseRecord(sealed)).toBe(sealed);
    expect(sealCaseRecord(record)).toBe(record);
  });
});
