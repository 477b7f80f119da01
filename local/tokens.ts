/**
 * The local token issuer: stands in for Cognito plus the API Gateway JWT authorizer.
 *
 * An ES256 key pair is generated at start (never written anywhere, so tokens die with the process).
 * Tokens carry the contract's claims (`sub`, `role`, `platformId`, `workerId`, `provinces`) plus
 * `iss` = urn:local:issuer, `aud` = urn:local:api, `iat`, `exp` (1 h) and `jti`.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import * as z from '../functions/_shared/zod.ts';
import type { ProblemError } from './problem.ts';

export const LOCAL_ISSUER = 'urn:local:issuer';
export const LOCAL_AUDIENCE = 'urn:local:api';
export const TOKEN_TTL_SECONDS = 3600;

export const ROLES = ['platform', 'worker', 'handler', 'reviewer', 'assessor', 'admin'] as const;
export const STAFF_ROLES = ['handler', 'reviewer', 'assessor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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
export const TokenRequest = TokenClaimsShape.check(
  z.superRefine((claims: z.infer<typeof TokenClaimsShape>, ctx) => {
    const staff = (STAFF_ROLES as readonly string[]).includes(claims.role);
    if (claims.role === 'platform' && claims.platformId === undefined)
      ctx.addIssue({ code: 'custom', path: ['platformId'], message: 'required for role platform' });
    if (claims.role !== 'platform' && claims.platformId !== undefined)
      ctx.addIssue({ code: 'custom', path: ['platformId'], message: 'only for role platform' });
    if (claims.role === 'worker' && claims.workerId === undefined) ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'required for role worker' });
    if (claims.role !== 'worker' && claims.workerId !== undefined) ctx.addIssue({ code: 'custom', path: ['workerId'], message: 'only for role worker' });
    if (!staff && claims.provinces !== undefined)
      ctx.addIssue({ code: 'custom', path: ['provinces'], message: 'only for staff roles (handler, reviewer, assessor, admin)' });
  }),
);
export type TokenClaims = z.infer<typeof TokenRequest>;

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
export interface SignOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds since the epoch; default now + 1 h. */
  readonly expiresAt?: number;
  readonly issuedAt?: number;
}

export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Signs any claims as given (no contract validation: use `parseTokenRequest` for that). */
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** Refuses a bad signature, another issuer or audience, an expired or not-yet-valid token, another alg. */
  verify(token: string): Promise<JWTPayload>;
}

export async function createLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return issuerFromKeys(privateKey, publicKey);
}

export function issuerFromKeys(privateKey: CryptoKey, publicKey: CryptoKey): LocalIssuer {
  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    async sign(claims, options = {}) {
      const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'local' })
        .setIssuer(options.issuer ?? LOCAL_ISSUER)
        .setAudience(options.audience ?? LOCAL_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(options.expiresAt ?? now + TOKEN_TTL_SECONDS)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: ['ES256'],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      return payload;
    },
  };
}
