/** PII_KEY_MODE=kms in a function deployed without the data key: it serves, never calls KMS, and pii() says why. */
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { httpEvent, lambdaContext } from '../../support/events.ts';

vi.hoisted(() => {
  process.env.PII_KEY_MODE = 'kms';
  delete process.env.PII_LOCAL_KEY;
  delete process.env.PII_DATA_KEY_CIPHERTEXT;
});

const kms = mockClient(KMSClient);
const { initPii, pii } = await import('../../../functions/_shared/pii.ts');
const { handler } = await import('../../../functions/public/handler.ts');

describe('a function that handles no personal data (no PII_DATA_KEY_CIPHERTEXT)', () => {
  it('serves requests without calling KMS, and refuses pii() with a clear configuration error', async () => {
    const response = await handler(httpEvent('GET /health'), lambdaContext);
    const key = await initPii();

    expect(response.statusCode).toBe(200);
    expect(key).toBeUndefined();
    expect(kms).not.toHaveReceivedCommand(DecryptCommand);
    expect(() => pii()).toThrow('Configuration error: PII_KEY_MODE=kms needs PII_DATA_KEY_CIPHERTEXT');
  });
});
