import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Principal } from '../context.ts';
import type { Database } from '../db/database.ts';
import { hashKey, keyKindOf } from './keys.ts';
import { MAX_CUSTOMER_TOKEN_SECONDS } from './sign-customer-token.ts';

export const CUSTOMER_TOKEN_HEADER = 'x-kanta-customer';

/** A request whose credentials are present but wrong: answered with 401, never downgraded to anonymous. */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** How often a key's lastUsedAt is written, at most, per process: a write per request would be waste. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class PrincipalResolver {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly db: Database) {}

  /**
   * Reads `Authorization: Bearer <key>` and the optional customer token; null when no key is sent.
   * Also returns the key's store's allowed origins, for the CORS check, from the same query.
   */
  async resolve(headers: Headers): Promise<{ principal: Principal; allowedOrigins: string[] } | null> {
    const authorization = headers.get('authorization');
    const customerToken = headers.get(CUSTOMER_TOKEN_HEADER);
    if (!authorization) {
      if (customerToken)
        throw new AuthenticationError(`${CUSTOMER_TOKEN_HEADER} needs a publishable key in Authorization`);
      return null;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('Authorization must be "Bearer <key>" with a pk_ or sk_ key');
    const value = match[1]!;
    const kind = keyKindOf(value);
    if (!kind) throw new AuthenticationError('Invalid API key: expected a pk_ or sk_ key');
    const key = await this.db.prisma.apiKey.findUnique({
      where: { keyHash: hashKey(value) },
      select: {
        id: true,
        storeId: true,
        kind: true,
        scopes: true,
        revokedAt: true,
        store: { select: { allowedOrigins: true } },
      },
    });
    if (!key || key.kind !== kind) throw new AuthenticationError('Invalid API key: no such key');
    if (key.revokedAt) throw new AuthenticationError('Invalid API key: this key was revoked');
    this.touch(key.id);

    if (key.kind === 'SECRET') {
      if (customerToken)
        throw new AuthenticationError(
          `${CUSTOMER_TOKEN_HEADER} is for publishable keys; a secret key acts as the store`,
        );
      return {
        principal: { kind: 'admin', storeId: key.storeId, apiKeyId: key.id, scopes: key.scopes },
        allowedOrigins: key.store.allowedOrigins,
      };
    }
    const allowedOrigins = key.store.allowedOrigins;
    if (!customerToken)
      return { principal: { kind: 'storefront', storeId: key.storeId, apiKeyId: key.id }, allowedOrigins };
    const customerExternalId = await this.verifyCustomerToken(key.storeId, customerToken);
    return {
      principal: { kind: 'customer', storeId: key.storeId, apiKeyId: key.id, customerExternalId },
      allowedOrigins,
    };
  }

  private async verifyCustomerToken(storeId: string, token: string): Promise<string> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== 'HS256') throw new AuthenticationError('Invalid customer token: only HS256 is accepted');
      kid = header.kid;
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw new AuthenticationError('Invalid customer token: not a JWT');
    }
    if (!kid) throw new AuthenticationError('Invalid customer token: missing kid (sign it with signCustomerToken)');
    const candidates = await this.db.prisma.apiKey.findMany({
      where: { storeId, kind: 'SECRET', prefix: kid, revokedAt: null },
      select: { keyHash: true },
    });
    for (const candidate of candidates) {
      try {
        const { payload } = await jwtVerify(token, new Uint8Array(Buffer.from(candidate.keyHash, 'hex')), {
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          clockTolerance: 5,
        });
        const now = Math.floor(Date.now() / 1000);
        if (payload.exp! - now > MAX_CUSTOMER_TOKEN_SECONDS + 5)
          throw new AuthenticationError('Invalid customer token: it must expire within 15 minutes');
        return payload.sub!;
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new AuthenticationError('Invalid customer token: expired');
        if (error instanceof joseErrors.JWTClaimValidationFailed)
          throw new AuthenticationError(`Invalid customer token: ${error.message}`);
        // A signature mismatch: try the next key with the same prefix (vanishingly rare).
      }
    }
    throw new AuthenticationError("Invalid customer token: signature does not match any of this store's secret keys");
  }

  private touch(apiKeyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(apiKeyId) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(apiKeyId, now);
    // Bookkeeping only: a failure here must never fail the request.
    this.db.prisma.apiKey
      .update({ where: { id: apiKeyId }, data: { lastUsedAt: new Date(now) }, select: { id: true } })
      .catch(() => this.lastTouched.delete(apiKeyId));
  }
}
