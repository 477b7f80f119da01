/**
 * The PII key ring (field encryption v2, docs/security.md): independent, named keys for field encryption
 * and for look-up hashes, each set with one active key (new ciphertexts, new hashes) and any number of
 * retired keys still accepted for reading while a rotation runs.
 *
 * Sources:
 * - `PII_KEYRING` (JSON, below): the keys themselves locally, each key wrapped by KMS in AWS;
 * - the legacy root key (`PII_LOCAL_KEY` / `PII_DATA_KEY_CIPHERTEXT`), from which v1 derived both keys with
 *   HKDF. While it is configured it contributes what data written before the ring needs: the key of `v1:`
 *   ciphertexts (read only), the derived encryption key `r1` (below) and the look-up key `v1` whose hashes
 *   are plain hex as in v1. Without `PII_KEYRING` the ring is
 *   derived from it (encryption key `r1`, look-up key `v1`): the compatibility default of a stage (and of
 *   the local runtime) that has not configured a ring yet.
 *
 * ```json
 * { "encryption": { "active": "e2", "keys": { "e1": "<base64>", "e2": "<base64>" } },
 *   "lookup":     { "active": "h1", "keys": { "h1": "<base64>" } } }
 * ```
 */
import { hkdfSync } from 'node:crypto';
import * as z from './zod.ts';

/** Key ids appear in ciphertexts (`v2.<keyId>.…`) and hashes (`<keyId>.<hex>`): short, no dot. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** The look-up key id of the legacy root's HMAC key: its hashes are stored as plain hex (v1). */
export const LEGACY_LOOKUP_KEY_ID = 'v1';
/** The encryption key id derived from the legacy root when no ring is configured. */
const DERIVED_ENCRYPTION_KEY_ID = 'r1';

interface KeySet {
  readonly active: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export interface Keyring {
  readonly encryption: KeySet;
  readonly lookup: KeySet;
  /** The key of v1 ciphertexts (`v1:iv:ct:tag`, no associated data): read only, absent once the root is removed. */
  readonly legacyEncryptionKey?: Buffer;
}

const KeyIdSchema = z.string().check(z.regex(KEY_ID));
const KeySetSchema = z.strictObject({ active: KeyIdSchema, keys: z.record(KeyIdSchema, z.string().check(z.minLength(1))) });
const KeyringSchema = z.strictObject({ encryption: KeySetSchema, lookup: KeySetSchema });
export type KeyringSpec = z.infer<typeof KeyringSchema>;

/** Parses `PII_KEYRING`; a configuration error names the variable and the problem, never a key. */
export const parseKeyringSpec = (raw: string): KeyringSpec => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error('Configuration error: PII_KEYRING is not JSON (see docs/security.md, field encryption v2)');
  }
  const parsed = KeyringSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Configuration error: PII_KEYRING is not valid (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  for (const use of ['encryption', 'lookup'] as const) {
    const set = parsed.data[use];
    if (!(set.active in set.keys) && !(use === 'lookup' && set.active === LEGACY_LOOKUP_KEY_ID)) {
      throw new Error(`Configuration error: PII_KEYRING ${use}.active names key "${set.active}", which is not in ${use}.keys`);
    }
  }
  return parsed.data;
};

const derive = (root: Buffer, info: string) => Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), info, 32));

const checkLength = (key: Buffer, what: string) => {
  if (key.length !== 32) throw new Error(`Configuration error: PII key ${what} must be 32 bytes, got ${key.length}`);
  return key;
};

/**
 * The ring from its parts: `spec` with its key material already unwrapped (`material(use, id)`), and the
 * legacy root if configured. Either may be absent, not both.
 */
export const buildKeyring = (spec: KeyringSpec | undefined, material: (use: 'encryption' | 'lookup', id: string) => Buffer, root?: Buffer): Keyring => {
  if (!spec && !root) throw new Error('Configuration error: no PII key (PII_KEYRING, PII_LOCAL_KEY or PII_DATA_KEY_CIPHERTEXT)');
  if (root) checkLength(root, 'root');
  const legacy = root ? { enc: derive(root, 'pii-field-encryption'), mac: derive(root, 'pii-lookup-hash') } : undefined;
  const set = (use: 'encryption' | 'lookup'): KeySet => {
    const keys = new Map<string, Buffer>();
    if (use === 'lookup' && legacy) keys.set(LEGACY_LOOKUP_KEY_ID, legacy.mac);
    if (!spec) {
      if (use === 'encryption') keys.set(DERIVED_ENCRYPTION_KEY_ID, derive(root!, 'pii-field-encryption-v2'));
      return { active: use === 'encryption' ? DERIVED_ENCRYPTION_KEY_ID : LEGACY_LOOKUP_KEY_ID, keys };
    }
    // The root's derived encryption key stays readable next to a ring (the move from the derived ring to a configured one).
    if (use === 'encryption' && root) keys.set(DERIVED_ENCRYPTION_KEY_ID, derive(root, 'pii-field-encryption-v2'));
    for (const id of Object.keys(spec[use].keys)) keys.set(id, checkLength(material(use, id), `${use}.${id}`));
    if (!keys.has(spec[use].active)) {
      throw new Error(`Configuration error: PII_KEYRING ${use}.active is "${spec[use].active}" but that key is not available (the legacy root is not set)`);
    }
    return { active: spec[use].active, keys };
  };
  return { encryption: set('encryption'), lookup: set('lookup'), ...(legacy ? { legacyEncryptionKey: legacy.enc } : {}) };
};

/** A ring from plain base64 keys (local mode, tests): `PII_KEYRING` as configured plus the optional root. */
export const localKeyring = (spec: KeyringSpec | undefined, root?: Buffer): Keyring =>
  buildKeyring(spec, (use, id) => Buffer.from(spec![use].keys[id]!, 'base64'), root);
