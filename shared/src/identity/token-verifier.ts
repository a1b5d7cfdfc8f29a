/**
 * shared/src/identity/token-verifier.ts — verifies an OIDC ID token or JWT access token and returns who it is.
 *
 * Checks (RFC 8725 JWT BCP, OIDC Core §3.1.3.7): signature with a key from the IdP's JWKS, `alg` on an
 * asymmetric allow-list (never `none`, never HS*), `iss` exactly equal to the configured issuer, `aud`
 * among the configured audiences, `exp`/`nbf` with a small clock tolerance, `sub` and `exp` present.
 * Successful results are cached by token until it expires (see verified-token-cache.ts).
 */
import { jwtVerify } from 'jose'
import type { Identity } from '../pipeline/types.js'
import { claimsToIdentity } from './claims-to-identity.js'
import { toIdentityError, unverifiedError } from './identity-errors.js'
import { createKeySource } from './key-source.js'
import { createVerifiedTokenCache } from './verified-token-cache.js'
import { resolveVerifierOptions, type TokenVerifierOptions } from './verifier-options.js'

/** Verifies tokens for one issuer and audience. */
export interface TokenVerifier {
  /**
   * Resolves to the Identity the token proves; rejects with a WardenError: ERR_SIGNED_OUT for an expired
   * token, ERR_IDENTITY_UNKNOWN for anything else (bad token, untrusted IdP metadata, IdP unreachable).
   */
  verify(token: string): Promise<Identity>
}

/**
 * Creates a verifier; throws TypeError when the options are misused (e.g. `algorithms: ['HS256']`).
 *
 * @example
 * const verifier = createTokenVerifier({ issuer: 'https://id.example.com', audience: 'mcp-warden' })
 * const identity = await verifier.verify(idToken) // identity.subject, identity.groups, …
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const resolved = resolveVerifierOptions(options)
  const getKey = createKeySource(resolved)
  const cache = createVerifiedTokenCache(resolved.cacheSize)
  const names = { groupsClaim: resolved.groupsClaim, emailClaim: resolved.emailClaim }

  async function verifyUncached(token: string): Promise<Identity> {
    let payload: Readonly<Record<string, unknown>>
    try {
      ;({ payload } = await jwtVerify(token, getKey, {
        issuer: resolved.issuer,
        audience: resolved.audience,
        algorithms: resolved.algorithms,
        clockTolerance: resolved.clockToleranceSeconds,
        currentDate: new Date(resolved.now()),
        // A token without `exp` would be valid forever (RFC 8725 §3.10 asks for explicit lifetimes).
        requiredClaims: ['sub', 'exp'],
      }))
    } catch (error) {
      throw toIdentityError(error)
    }
    const identity = claimsToIdentity(payload, names)
    if (identity === undefined) throw unverifiedError('no subject')
    return identity
  }

  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '') throw unverifiedError('malformed token')
      const cached = cache.get(token, resolved.now())
      if (cached !== undefined) return cached
      const identity = await verifyUncached(token)
      cache.set(token, identity)
      return identity
    },
  }
}
