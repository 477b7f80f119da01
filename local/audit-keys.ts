/**
 * The local audit keys (docs/security.md, "Audit trail"): what KMS holds in AWS, held by the local runtime.
 * A 32-byte HMAC key for the chains and an EC P-256 key pair for the anchors, generated at the first start
 * and kept in the data folder (`DIR/audit-keys.json`, mode 0600) with `--persist`, in memory (one set per
 * process, which serves one configuration) otherwise.
 * The handlers receive them only through the env their manifest entry grants (`audit: 'chain'` the MAC
 * key, `audit: 'anchor'` the signing key); `scripts/verify-audit.ts --local-keys DIR/audit-keys.json`
 * verifies with the MAC key and the public key.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ANCHOR_ENV, AUDIT_MAC_ENV } from '../manifest/audit.ts';

export interface LocalAuditKeys {
  /** base64 of 32 bytes. */
  readonly macKey: string;
  /** PKCS#8 PEM. */
  readonly signingPrivateKeyPem: string;
  /** SPKI PEM. */
  readonly signingPublicKeyPem: string;
}

const AUDIT_KEYS_FILE = 'audit-keys.json';

const generateAuditKeys = (): LocalAuditKeys => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    macKey: randomBytes(32).toString('base64'),
    signingPrivateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    signingPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

/** Reads `file` (as written by `loadOrCreateAuditKeys`); throws naming the file when it is not one. */
export const readAuditKeys = (file: string): LocalAuditKeys => {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalAuditKeys>;
  if (
    typeof stored.macKey !== 'string' ||
    Buffer.from(stored.macKey, 'base64').length !== 32 ||
    typeof stored.signingPrivateKeyPem !== 'string' ||
    typeof stored.signingPublicKeyPem !== 'string'
  ) {
    throw new Error(`${file} is not an audit keys file (macKey, signingPrivateKeyPem, signingPublicKeyPem)`);
  }
  return { macKey: stored.macKey, signingPrivateKeyPem: stored.signingPrivateKeyPem, signingPublicKeyPem: stored.signingPublicKeyPem };
};

/** Keys of a start without a data folder: one set per process, as the process serves one configuration (local/app.ts). */
let inMemory: LocalAuditKeys | undefined;

/** The keys of `persistDir` (created at the first start), or the process's keys in memory. */
export const loadOrCreateAuditKeys = (persistDir: string | undefined): LocalAuditKeys => {
  if (!persistDir) return (inMemory ??= generateAuditKeys());
  const file = join(persistDir, AUDIT_KEYS_FILE);
  if (existsSync(file)) return readAuditKeys(file);
  const keys = generateAuditKeys();
  writeFileSync(file, `${JSON.stringify({ ...keys, createdAt: new Date().toISOString() }, null, 2)}\n`, { mode: 0o600 });
  return keys;
};

/** The handlers' env of the keys (each function sees only what its manifest entry grants). */
export const auditKeysEnv = (keys: LocalAuditKeys): Record<string, string> => ({
  [AUDIT_MAC_ENV[0]]: keys.macKey,
  [AUDIT_ANCHOR_ENV[0]]: keys.signingPrivateKeyPem,
});
