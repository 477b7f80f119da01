/**
 * The audit's keys (docs/security.md, "Audit trail"): the MAC key every chained record is authenticated
 * with, and the key pair the anchors are signed with.
 *
 * - MAC: HMAC-SHA256 over `AUDIT_MAC_DOMAIN || sha256(canonical record)`. In AWS a KMS HMAC_256 key
 *   (GenerateMac / VerifyMac): the key never leaves KMS, so whoever can write the tables — an operator, a
 *   leaked role without the grant — cannot compute a valid MAC, not even with the table's content. Locally
 *   the same HMAC with a 32-byte key the local runtime keeps in its data folder (`AUDIT_MAC_LOCAL_KEY`).
 * - Signature: ECDSA P-256 with SHA-256 over the anchor statement's bytes. In AWS a KMS ECC_NIST_P256 key
 *   (Sign with `MessageType: DIGEST` of the statement's SHA-256, which is the same signature as signing
 *   the statement); locally a P-256 key pair in the data folder (`AUDIT_SIGNING_LOCAL_KEY`, PKCS#8 PEM).
 *   Either verifies with the public key alone (`verifyAnchorSignature`, node:crypto), so a verifier needs
 *   no access to KMS's signing key.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import { GenerateMacCommand, KMSClient, SignCommand, VerifyMacCommand } from '@aws-sdk/client-kms';
import { config } from './config.ts';
import { traced } from './tracing.ts';

/** Domain separation: a MAC of this audit can never be taken for a MAC of anything else under the same key. */
const AUDIT_MAC_DOMAIN = Buffer.from('platform-injury-claims/audit/v2\u0000', 'utf8');

export interface AuditMac {
  /** Hex MAC of `digest` (the SHA-256 of a record's canonical JSON). */
  mac(digest: Buffer): Promise<string>;
  /** Whether `mac` is the MAC of `digest` under this key. */
  verify(digest: Buffer, mac: string): Promise<boolean>;
}

export interface AnchorSigner {
  /** Where the key lives (a KMS key ARN or `local`): written into each anchor. */
  readonly keyRef: string;
  /** DER-encoded ECDSA P-256 / SHA-256 signature of `message`. */
  sign(message: Buffer): Promise<Buffer>;
}

const macInput = (digest: Buffer): Buffer => Buffer.concat([AUDIT_MAC_DOMAIN, digest]);
const HEX_MAC = /^[0-9a-f]{64}$/;

/** HMAC-SHA256 with a key held in memory (the local runtime's key; the CLI's `--mac-key`). */
export const localAuditMac = (key: Buffer): AuditMac => {
  if (key.length !== 32) throw new Error('The audit MAC key must be 32 bytes');
  const compute = (digest: Buffer) => createHmac('sha256', key).update(macInput(digest)).digest();
  return {
    mac: async (digest) => compute(digest).toString('hex'),
    verify: async (digest, mac) => HEX_MAC.test(mac) && timingSafeEqual(compute(digest), Buffer.from(mac, 'hex')),
  };
};

/** GenerateMac / VerifyMac with a KMS HMAC_256 key (HMAC_SHA_256). */
export const kmsAuditMac = (client: KMSClient, keyId: string): AuditMac => ({
  async mac(digest) {
    const out = await client.send(new GenerateMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: macInput(digest) }));
    if (!out.Mac) throw new Error('KMS GenerateMac returned no MAC');
    return Buffer.from(out.Mac).toString('hex');
  },
  async verify(digest, mac) {
    if (!HEX_MAC.test(mac)) return false;
    try {
      const out = await client.send(
        new VerifyMacCommand({ KeyId: keyId, MacAlgorithm: 'HMAC_SHA_256', Message: macInput(digest), Mac: Buffer.from(mac, 'hex') }),
      );
      return out.MacValid === true;
    } catch (error) {
      // KMS answers a MAC that does not verify with KMSInvalidMacException, not with MacValid: false.
      if ((error as { name?: string }).name === 'KMSInvalidMacException') return false;
      throw error;
    }
  },
});

/** A P-256 key pair's private half (PKCS#8 PEM), as the local runtime keeps it. */
export const localAnchorSigner = (privateKeyPem: string): AnchorSigner => {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('The local anchor key must be an EC P-256 key');
  return { keyRef: 'local', sign: async (message) => sign('sha256', message, key) };
};

/** KMS Sign (ECDSA_SHA_256) of the message's SHA-256 digest: the same signature as over the message. */
export const kmsAnchorSigner = (client: KMSClient, keyId: string): AnchorSigner => ({
  keyRef: keyId,
  async sign(message) {
    const digest = createHash('sha256').update(message).digest();
    const out = await client.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
    if (!out.Signature) throw new Error('KMS Sign returned no signature');
    return Buffer.from(out.Signature);
  },
});

/** A public key from PEM (SPKI) or from DER SPKI bytes (what KMS GetPublicKey returns). */
export const anchorPublicKey = (key: string | Uint8Array): KeyObject =>
  typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });

/** Whether `signature` (DER) is a valid ECDSA P-256 / SHA-256 signature of `message` under `publicKey`. */
export const verifyAnchorSignature = (publicKey: KeyObject, message: Buffer, signature: Buffer): boolean => {
  try {
    return verify('sha256', message, publicKey, signature);
  } catch {
    return false;
  }
};

let kms: KMSClient | undefined;
const kmsClient = () => (kms ??= traced(new KMSClient({ maxAttempts: 3 })));

let mac: { readonly from: string; readonly value: AuditMac } | undefined;
/** This function's MAC key, from its configuration (`audit: 'chain'`). */
export const auditMac = (): AuditMac => {
  const { kmsKeyId, localKey } = config.audit.mac;
  const from = kmsKeyId ? `kms:${kmsKeyId}` : `local:${localKey}`;
  if (mac?.from !== from) mac = { from, value: kmsKeyId ? kmsAuditMac(kmsClient(), kmsKeyId) : localAuditMac(Buffer.from(localKey!, 'base64')) };
  return mac.value;
};

/** This function's anchor signer, from its configuration (`audit: 'anchor'`). */
export const anchorSigner = (): AnchorSigner => {
  const { kmsKeyId, localKey } = config.audit.signing;
  return kmsKeyId ? kmsAnchorSigner(kmsClient(), kmsKeyId) : localAnchorSigner(localKey!);
};
