/**
 * The local token issuer: stands in for Cognito. The real Lambda authorizer (functions/authorizer) verifies
 * its tokens in front of the handlers (local/http/authorizer.ts), configured to trust it through the env
 * the manifest gives the authorizer (`AUTH_ISSUER`, `AUTH_STATIC_CLIENT_IDS`).
 *
 * An RS256 key pair is generated per process (never written anywhere, so tokens die with the process) and
 * its JWKS served at `{issuer}/.well-known/jwks.json` by a small server of this process, as Cognito serves a
 * pool's keys. Tokens look like a Cognito access token of the staff/worker app client (`token_use`
 * access, `client_id` LOCAL_APP_CLIENT_ID) plus the contract's claims (`sub`, `role`, `platformId`,
 * `workerId`, `provinces`), `iss`, `iat`, `exp` (1 h) and `jti`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import * as z from '../functions/_shared/zod.ts';
import { PROVINCE_ROLES, ROLES } from '../manifest/identity.ts';
import type { ProblemError } from './problem.ts';

const TOKEN_TTL_SECONDS = 3600;
/** The app client local tokens are issued to: a static client of the authorizer (AUTH_STATIC_CLIENT_IDS). */
export const LOCAL_APP_CLIENT_ID = 'local-app';
const KEY_ID = 'local';

const identifier = z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9._:-]'));

const TokenClaimsShape = z.strictObject({
  role: z.enum(ROLES),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point of this check
  sub: z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')),
  platformId: z.optional(identifier),
  workerId: z.optional(identifier),
  provinces: z.optional(z.array(z.string().check(z.regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 code'))).check(z.maxLength(64))),
});
/** The body of `POST /local/tokens`, also what `token(claims)` accepts. */
const TokenRequest = TokenClaimsShape.check(
  z.superRefine((claims: z.infer<typeof TokenClaimsShape>, ctx) => {
    const staff = (PROVINCE_ROLES as readonly string[]).includes(claims.role);
    if (claims.role === 'platform' && claims.platformId === undefined)
      ctx.addIssue({ code: 'custom', path: ['platformId'], message: 'required for role platform' });
    if (claims.role !== 'platform' && claims.platformId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['platformId'], message: 'only for role platform' });
    if (claims.role === 'worker' && claims.workerId === undefined) ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'required for role worker' });
    if (claims.role !== 'worker' && claims.workerId !== undefined) ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'only for role worker' });
    if (!staff && claims.provinces !== undefined)
      ctx.addIssue({ code: 'custom', path: ['provinces'], message: `only for staff and finance roles (${PROVINCE_ROLES.join(', ')})` });
  }),
);
type TokenClaims = z.infer<typeof TokenRequest>;

export type ParseResult = { ok: true; claims: TokenClaims } | { ok: false; errors: ProblemError[] };

export function parseTokenRequest(input: unknown): ParseResult {
  const result = TokenRequest.safeParse(input);
  if (result.success) return { ok: true, claims: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

/** Knobs for tests that need tokens the authorizer must refuse. */
interface SignOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds since the epoch; default now + 1 h. */
  readonly expiresAt?: number;
  readonly issuedAt?: number;
}

export interface LocalIssuer {
  /** `http://127.0.0.1:{port}`: the `iss` of its tokens and the base of its JWKS URL. */
  readonly issuer: string;
  /**
   * Signs any claims as given (no contract validation: use `parseTokenRequest` for that), with
   * `token_use` access and `client_id` LOCAL_APP_CLIENT_ID unless the claims say otherwise.
   */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** Refuses a bad signature, another issuer, an expired or not-yet-valid token, another alg. */
  verify(token: string): Promise<JWTPayload>;
}

/** A new issuer with its own key pair and JWKS server (the server does not keep the process alive). */
export async function createLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' }] });
  const server = createServer((req, res) => {
    const found = req.method === 'GET' && req.url === '/.well-known/jwks.json';
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(found ? jwks : '{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async sign(claims, options = {}) {
      const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ token_use: 'access', client_id: LOCAL_APP_CLIENT_ID, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })
        .setIssuer(options.issuer ?? issuer)
        .setIssuedAt(now)
        .setExpirationTime(options.expiresAt ?? now + TOKEN_TTL_SECONDS)
        .setJti(randomUUID());
      if (options.audience) jwt.setAudience(options.audience);
      return jwt.sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, { issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'iat', 'sub'] });
      return payload;
    },
  };
}

let shared: Promise<LocalIssuer> | undefined;

/**
 * The issuer of this process, shared by every local app in it: the authorizer module caches the issuer it
 * trusts (and its keys) per container, as in Lambda, so one process trusts one issuer.
 */
export const localIssuer = (): Promise<LocalIssuer> => (shared ??= createLocalIssuer());
