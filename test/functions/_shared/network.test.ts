import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { guardedLookup } from '../../../functions/_shared/network.ts';

/** Resolves `host` through the lookup a webhook connection uses; the error's code, or the addresses. */
const resolve = (allowLoopback: boolean, host: string, all: boolean) =>
  new Promise<{ code?: string; addresses?: string[] }>((done) => {
    guardedLookup(allowLoopback)(host, { all }, (error, address) => {
      if (error) return done({ code: error.code ?? error.message });
      return done({ addresses: typeof address === 'string' ? [address] : (address as LookupAddress[]).map((a) => a.address) });
    });
  });

describe('the lookup a webhook connection resolves its receiver with', () => {
  it('fails the connection when the name resolves to a private address (checked at connect time, not before)', async () => {
    expect(await resolve(false, 'localhost', false)).toEqual({ code: 'PRIVATE_ADDRESS' });
    expect(await resolve(false, 'localhost', true)).toEqual({ code: 'PRIVATE_ADDRESS' });
  });
  it('lets a loopback receiver through only where loopback is allowed (locally), in both answer shapes', async () => {
    const one = await resolve(true, 'localhost', false);
    expect(one.addresses).toHaveLength(1);
    expect(['127.0.0.1', '::1']).toContain(one.addresses![0]);
    const all = await resolve(true, 'localhost', true);
    expect(all.addresses!.length).toBeGreaterThanOrEqual(1);
  });
  it('passes a resolver error on (an unknown name)', async () => {
    const r = await resolve(false, 'no-such-host.invalid', false);
    expect(r.code).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
