/**
 * PII_KEY_MODE=kms: the data key is decrypted once per container with kms:Decrypt (encryption context
 * bound to the purpose and stage), shared by concurrent callers, never logged, and a failure is a clear
 * configuration error that the next invocation retries.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, IncorrectKeyException, KMSClient } from '@aws-sdk/client-kms';
import { bodyOf, httpEvent, lambdaContext } from '../../support/events.ts';

const env = vi.hoisted(() => {
  const values = {
    PII_KEY_MODE: 'kms',
    PII_KMS_KEY_ID: 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    PII_DATA_KEY_CIPHERTEXT: Buffer.from('AQIDAHh-fake-kms-ciphertext-blob-for-the-pii-data-key').toString('base64'),
  };
  Object.assign(process.env, values);
  delete process.env.PII_LOCAL_KEY;
  return values;
});

const { createPiiProtector, initPii, pii, piiDataKeyContext, piiRingKeyContext, resetPiiForTests } = await import('../../../functions/_shared/pii.ts');
const { localKeyring, parseKeyringSpec } = await import('../../../functions/_shared/pii-keyring.ts');
const { httpHandler } = await import('../../../functions/_shared/http.ts');
const { handler: publicHandler } = await import('../../../functions/public/handler.ts');
/** A route group on the shared HTTP stack (http.ts), which initialises the PII key before any route. */
const stackHandler = httpHandler({ 'GET /health': async () => ({ status: 200, body: { status: 'ok' } }) });

const kms = mockClient(KMSClient);
const dataKey = randomBytes(32);
const fresh = () => Uint8Array.from(dataKey); // KMS returns a new buffer each time; the module zeroes it.

let lines: string[] = [];
beforeEach(() => {
  kms.reset();
  resetPiiForTests();
  lines = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as never);
});
afterEach(() => vi.restoreAllMocks());

describe('PII data key from KMS (envelope mode)', () => {
  it('decrypts once for concurrent and later callers, with the key id and the purpose in the encryption context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: fresh(), KeyId: env.PII_KMS_KEY_ID });

    const [a, b, c] = await Promise.all([initPii(), initPii(), initPii()]);
    await initPii();

    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(pii()).toBe(a);
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, { KeyId: env.PII_KMS_KEY_ID, EncryptionContext: piiDataKeyContext('test') });
    expect(piiDataKeyContext('test')).toMatchObject({ purpose: 'pii-data-key' });
    const input = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(Buffer.from(input.CiphertextBlob!).toString('base64')).toBe(env.PII_DATA_KEY_CIPHERTEXT);
  });

  it('protects with exactly the decrypted key: hashes and ciphertexts interoperate with a protector from that key', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: fresh() });
    const reference = createPiiProtector(localKeyring(undefined, Buffer.from(dataKey)));

    const fromKms = (await initPii())!;

    expect(fromKms.hash('idNumber', '11010119900307123X')).toBe(reference.hash('idNumber', '11010119900307123X'));
    const where = { table: 'registry', record: 'WORKER#wkr_1', field: 'phone' };
    expect(reference.decrypt(fromKms.encrypt('13912345678', where), where)).toBe('13912345678');
  });

  it('decrypts once per container through the HTTP stack, however many requests', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: fresh() });

    const responses = [];
    for (let i = 0; i < 3; i++) responses.push(await stackHandler(httpEvent('GET /health'), lambdaContext));

    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 1);
  });

  it('the public route group (publicHttpHandler: public GETs, no personal data) answers without asking KMS for the key', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: fresh() });

    const res = await publicHandler(httpEvent('GET /health'), lambdaContext);

    expect(res.statusCode).toBe(200);
    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 0);
  });

  it('turns a wrong key (IncorrectKeyException) into a clear configuration error, and retries on the next call', async () => {
    kms
      .on(DecryptCommand)
      .rejectsOnce(new IncorrectKeyException({ message: 'The key ID in the request does not identify a CMK that can perform this operation.', $metadata: {} }));

    await expect(initPii()).rejects.toThrow(/Configuration error: KMS could not decrypt the PII data key \(IncorrectKeyException: .*PII_KMS_KEY_ID/s);

    expect(() => pii()).toThrow(/before initPii\(\) resolved/);

    // The next call tries again, and succeeds once KMS does.
    kms.on(DecryptCommand).resolves({ Plaintext: fresh() });

    await expect(initPii()).resolves.toBeDefined();

    expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 2);
  });

  it('refuses a data key that is not 32 bytes', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: randomBytes(16) });

    await expect(initPii()).rejects.toThrow('the PII data key must be 32 bytes (AES_256), KMS returned 16');
  });

  it('answers 500 problem+json when KMS fails, and logs neither the ciphertext nor any key material', async () => {
    kms.on(DecryptCommand).rejects(Object.assign(new Error('User is not authorized to perform kms:Decrypt'), { name: 'AccessDeniedException' }));

    const res = await stackHandler(httpEvent('GET /health'), lambdaContext);

    expect(res.statusCode).toBe(500);
    expect(res.headers?.['content-type']).toContain('application/problem+json');
    expect(bodyOf(res).detail).not.toMatch(/kms|key/i);
    const out = lines.join('');
    expect(out).toContain('AccessDeniedException');
    expect(out).toContain('could not decrypt the PII data key');
    for (const secret of [env.PII_DATA_KEY_CIPHERTEXT, dataKey.toString('base64'), dataKey.toString('hex')]) expect(out).not.toContain(secret);
  });

  it('field encryption v2: unwraps each key of PII_KEYRING under its own context (use, keyId) next to the data key, and zeroes them', async () => {
    const ringKeys = { e1: randomBytes(32), h1: randomBytes(32) };
    const returned: Uint8Array[] = [];
    kms.on(DecryptCommand).callsFake((input: { CiphertextBlob: Uint8Array }) => {
      const blob = Buffer.from(input.CiphertextBlob).toString();
      const plaintext = blob === 'wrapped-e1' ? Uint8Array.from(ringKeys.e1) : blob === 'wrapped-h1' ? Uint8Array.from(ringKeys.h1) : fresh();
      returned.push(plaintext);
      return { Plaintext: plaintext };
    });
    const wrapped = (id: string) => Buffer.from(`wrapped-${id}`).toString('base64');
    process.env.PII_KEYRING = JSON.stringify({
      encryption: { active: 'e1', keys: { e1: wrapped('e1') } },
      lookup: { active: 'h1', keys: { h1: wrapped('h1') } },
    });
    try {
      const protector = (await initPii())!;

      expect(kms).toHaveReceivedCommandTimes(DecryptCommand, 3);
      expect(kms).toHaveReceivedCommandWith(DecryptCommand, { EncryptionContext: piiDataKeyContext('test') });
      expect(kms).toHaveReceivedCommandWith(DecryptCommand, { EncryptionContext: { ...piiDataKeyContext('test'), use: 'encryption', keyId: 'e1' } });
      expect(kms).toHaveReceivedCommandWith(DecryptCommand, { EncryptionContext: piiRingKeyContext('test', 'lookup', 'h1') });
      const reference = createPiiProtector(
        localKeyring(
          parseKeyringSpec(
            JSON.stringify({
              encryption: { active: 'e1', keys: { e1: ringKeys.e1.toString('base64') } },
              lookup: { active: 'h1', keys: { h1: ringKeys.h1.toString('base64') } },
            }),
          ),
        ),
      );
      const where = { table: 'registry', record: 'WORKER#wkr_1', field: 'name' };
      const blob = protector.encrypt('张三', where);
      expect(blob).toMatch(/^v2\.e1\./);
      expect(reference.decrypt(blob, where)).toBe('张三');
      expect(protector.hash('name', '张三')).toBe(reference.hash('name', '张三'));
      // The data key still contributes the legacy look-up key v1 (read only) during a migration.
      expect(protector.hashes('name', '张三')).toEqual([
        reference.hash('name', '张三'),
        createPiiProtector(localKeyring(undefined, dataKey)).hash('name', '张三'),
      ]);
      expect(returned.every((p) => p.every((b) => b === 0))).toBe(true);
    } finally {
      delete process.env.PII_KEYRING;
    }
  });

  it('zeroes the plaintext KMS returned once the keys are derived', async () => {
    const plaintext = fresh();
    kms.on(DecryptCommand).resolves({ Plaintext: plaintext });

    await initPii();

    expect(plaintext.every((b) => b === 0)).toBe(true);
  });
});
