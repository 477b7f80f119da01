/**
 * The PII keys: locally the keys themselves; in AWS the KMS key and the encrypted data keys; the v2 key ring
 * and whether v1 ciphertexts are still read (docs/security.md, field encryption v2).
 *
 * A module of its own so functions/_shared/config.ts can read the names without bundling manifest/env.ts,
 * whose module-level tables pull every function's manifest entry into every Lambda bundle (8 KiB).
 */
export const PII_ENV = ['PII_LOCAL_KEY', 'PII_KMS_KEY_ID', 'PII_DATA_KEY_CIPHERTEXT', 'PII_KEYRING', 'PII_V1_CIPHERTEXTS'] as const;
