/**
 * shared/src/identity/claims-to-identity.ts — verified JWT claims → the `Identity` policy works with.
 *
 * Only verified claims come here. Values of the wrong type are dropped rather than coerced: a `groups` claim
 * that is not a string or an array of strings becomes "no groups", which matches no group rule (never "allow").
 */
import type { JsonValue } from '../jsonrpc/message.js'
import type { Identity } from '../pipeline/types.js'

/**
 * Registered claims that describe the token rather than the person (RFC 7519 §4.1, OIDC Core §2, §3.1.3.6,
 * OIDC Front-Channel Logout §3): policy has no use for them, and `nonce`/hashes are tied to one sign-in.
 */
const TOKEN_CLAIMS: ReadonlySet<string> = new Set([
  'aud', 'exp', 'iat', 'nbf', 'jti', 'nonce', 'at_hash', 'c_hash', 'sid', 'auth_time',
])

/** Which claims hold the values that differ between IdPs. */
export interface ClaimNames {
  readonly groupsClaim: string
  readonly emailClaim: string
}

function toGroups(value: unknown): readonly string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value) && value.every((group) => typeof group === 'string')) return [...(value as string[])]
  return []
}

/**
 * Builds an Identity from a verified payload; returns undefined when `sub` is missing or not a non-empty string.
 *
 * @example
 * const identity = claimsToIdentity({ iss, sub: 'alice', groups: 'eng' }, { groupsClaim: 'groups', emailClaim: 'email' })
 * // identity.groups → ['eng']
 */
export function claimsToIdentity(payload: Readonly<Record<string, unknown>>, names: ClaimNames): Identity | undefined {
  const { iss, sub, exp, email_verified: emailVerified, name } = payload
  if (typeof sub !== 'string' || sub === '' || typeof iss !== 'string') return undefined
  const email = payload[names.emailClaim]
  const claims: Record<string, JsonValue> = {}
  for (const [key, value] of Object.entries(payload)) {
    if (!TOKEN_CLAIMS.has(key)) claims[key] = value as JsonValue
  }
  return {
    issuer: iss,
    subject: sub,
    email: typeof email === 'string' ? email : undefined,
    emailVerified: toVerified(emailVerified),
    name: typeof name === 'string' ? name : undefined,
    groups: toGroups(payload[names.groupsClaim]),
    claims,
    expiresAt: typeof exp === 'number' ? exp : undefined,
  }
}

/** `email_verified` is a boolean in OIDC Core §5.1, but some providers send the strings "true" / "false". */
function toVerified(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (value === 'true' || value === 'false') return value === 'true'
  return undefined
}
