/**
 * The audit's KMS adapters with a mocked KMS (functions/_shared/audit-keys.ts): GenerateMac / VerifyMac with
 * the HMAC key and the domain-separated digest, a MAC KMS refuses reads as "does not verify"; Sign of the
 * statement's SHA-256 as a DIGEST with ECDSA_SHA_256, whose signature verifies over the statement with the
 * public key alone; and the chainer's reading of stream records.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GenerateMacCommand, KMSClient, KMSInvalidMacException, SignCommand, VerifyMacCommand } from '@aws-sdk/client-kms';
import {
  anchorPublicKey,
  kmsAnchorSigner,
  kmsAuditMac,
  localAnchorSigner,
  localAuditMac,
  verifyAnchorSignature,
} from '../../../functions/_shared/audit-keys.ts';
import { changesOf } from '../../../functions/audit/chainer.ts';

const kms = mockClient(KMSClient);
beforeEach(() => kms.reset());
const client = new KMSClient({ region: 'cn-north-1' });
const digest = createHash('sha256').update('a record').digest();
const DOMAIN = Buffer.from('platform-injury-claims/audit/v2\u0000', 'utf8');

describe('kmsAuditMac', () => {
  it('asks GenerateMac for HMAC_SHA_256 of the domain-separated digest with the key, and returns it as hex', async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: Buffer.alloc(32, 0xab) });
    const mac = await kmsAuditMac(client, 'alias/audit-mac').mac(digest);
    expect(mac).toBe('ab'.repeat(32));
    expect(kms).toHaveReceivedCommandWith(GenerateMacCommand, {
      KeyId: 'alias/audit-mac',
      MacAlgorithm: 'HMAC_SHA_256',
      Message: Buffer.concat([DOMAIN, digest]),
    });
  });

  it('the local MAC is the same HMAC-SHA256 over the same input (so a KMS-verified chain and a local one agree in form)', async () => {
    const key = Buffer.alloc(32, 5);
    expect(await localAuditMac(key).mac(digest)).toBe(
      createHmac('sha256', key)
        .update(Buffer.concat([DOMAIN, digest]))
        .digest('hex'),
    );
  });

  it('verifies with VerifyMac; a MAC KMS refuses (KMSInvalidMacException) or a malformed one does not verify; other errors propagate', async () => {
    const mac = kmsAuditMac(client, 'alias/audit-mac');
    kms
      .on(VerifyMacCommand)
      .resolvesOnce({ MacValid: true })
      .rejectsOnce(new KMSInvalidMacException({ message: 'invalid', $metadata: {} }));
    expect(await mac.verify(digest, 'cd'.repeat(32))).toBe(true);
    expect(await mac.verify(digest, 'cd'.repeat(32))).toBe(false);
    expect(await mac.verify(digest, 'not-hex')).toBe(false);
    expect(kms).toHaveReceivedCommandTimes(VerifyMacCommand, 2);
    expect(kms).toHaveReceivedCommandWith(VerifyMacCommand, { KeyId: 'alias/audit-mac', MacAlgorithm: 'HMAC_SHA_256', Mac: Buffer.alloc(32, 0xcd) });
    kms.on(VerifyMacCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(mac.verify(digest, 'cd'.repeat(32))).rejects.toThrow('throttled');
  });
});

describe('kmsAnchorSigner', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const statement = Buffer.from('{"heads":[],"v":1}', 'utf8');

  it('signs the SHA-256 of the statement as a DIGEST with ECDSA_SHA_256; the signature verifies over the statement with the public key', async () => {
    // KMS's answer: an ECDSA signature over that digest (what node makes when it hashes the statement itself).
    kms.on(SignCommand).resolves({ Signature: sign('sha256', statement, privateKey) });
    const signer = kmsAnchorSigner(client, 'alias/audit-anchor');
    const signature = await signer.sign(statement);
    expect(signer.keyRef).toBe('alias/audit-anchor');
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: 'alias/audit-anchor',
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
      Message: createHash('sha256').update(statement).digest(),
    });
    const der = anchorPublicKey(publicKey.export({ type: 'spki', format: 'der' }));
    expect(verifyAnchorSignature(der, statement, signature)).toBe(true);
    expect(verifyAnchorSignature(der, Buffer.from('{"heads":[],"v":2}'), signature)).toBe(false);
  });

  it('the local signer signs with the P-256 key pair and refuses any other key', async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signature = await localAnchorSigner(pem).sign(statement);
    expect(verifyAnchorSignature(publicKey, statement, signature)).toBe(true);
    expect(verifyAnchorSignature(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, statement, signature)).toBe(false);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => localAnchorSigner(rsa)).toThrow(/EC P-256/);
  });
});

describe('the chainer reads stream records', () => {
  const record = (over: Record<string, unknown> = {}) => ({
    eventID: 'e1',
    eventName: 'MODIFY' as const,
    dynamodb: {
      Keys: { pk: { S: 'CASE#C1' }, sk: { S: 'CASE' } },
      SequenceNumber: '100',
      ApproximateCreationDateTime: 1_800_000_000,
      NewImage: { pk: { S: 'CASE#C1' }, status: { S: 'APPROVED' } },
    },
    ...over,
  });

  it('turns a record into a change with its keys, images, sequence and time', () => {
    expect(changesOf({ Records: [record()] } as never)).toEqual([
      {
        eventId: 'e1',
        eventName: 'MODIFY',
        sequenceNumber: '100',
        changedAt: new Date(1_800_000_000_000).toISOString(),
        keys: { pk: 'CASE#C1', sk: 'CASE' },
        newImage: { pk: { S: 'CASE#C1' }, status: { S: 'APPROVED' } },
      },
    ]);
  });

  it('refuses a record without keys or event id rather than skipping it (a skipped change would be a silent gap)', () => {
    expect(() => changesOf({ Records: [record({ eventID: undefined })] } as never)).toThrow(/Malformed stream record/);
    expect(() => changesOf({ Records: [record({ dynamodb: { SequenceNumber: '1', Keys: {} } })] } as never)).toThrow(/Malformed stream record e1/);
  });
});
