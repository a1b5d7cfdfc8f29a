/**
 * shared/src/identity/identity-errors.ts — every way token verification fails, turned into one WardenError.
 *
 * jose reports failures with stable codes (`ERR_JWT_EXPIRED`, `ERR_JWKS_NO_MATCHING_KEY`, …); we translate them
 * here, at the boundary, into the two codes a person can act on: ERR_SIGNED_OUT (sign in again) and
 * ERR_IDENTITY_UNKNOWN (the token or the identity provider is not what the configuration trusts). Messages name
 * the short reason only; they never contain the token or its claims.
 */
import { isWardenError, WardenError } from '../errors.js'

/** Shown when the token has expired: the person must sign in again. */
export const SIGNED_OUT_EXPIRED_MESSAGE =
  'Your sign-in has expired. Sign in again with `mcp-warden login` or the MCP Warden app.'

/** Shown when the identity provider cannot be reached while its keys or discovery document are needed. */
export const IDP_UNREACHABLE_MESSAGE =
  'MCP Warden could not reach your identity provider to check your sign-in. Check your network connection and try again; if it persists, contact your administrator.'

/** The message for a token that failed verification, with a short reason such as "wrong audience". */
export function unverifiedMessage(reason: string): string {
  return `The identity token could not be verified (${reason}). Sign in again; if it persists, contact your administrator.`
}

/** The message for an identity provider whose published metadata does not match the configuration. */
export function misconfiguredMessage(reason: string): string {
  return `MCP Warden could not check your sign-in: ${reason}. Contact your administrator.`
}

/** Thrown inside the verifier when the identity provider did not answer (network error, timeout, non-200). */
export class IdpUnreachableError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(`identity provider unreachable: ${detail}`, options)
    this.name = 'IdpUnreachableError'
  }
}

/** Thrown inside the verifier when the discovery document cannot be trusted (issuer mismatch, bad jwks_uri). */
export class IdpMisconfiguredError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'IdpMisconfiguredError'
  }
}

/** jose error codes → the short reason shown to the person (jose `src/util/errors.ts`). */
const REASON_BY_JOSE_CODE: Readonly<Record<string, string>> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm not allowed',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported algorithm or key',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'invalid signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown signing key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous signing key',
  ERR_JWKS_INVALID: 'the identity provider published an invalid key set',
  ERR_JWS_INVALID: 'malformed token',
  ERR_JWT_INVALID: 'malformed token',
}

/** Claim names → the short reason when jose's claim check failed for that claim. */
const REASON_BY_CLAIM: Readonly<Record<string, string>> = {
  iss: 'wrong issuer',
  aud: 'wrong audience',
  nbf: 'not yet valid',
  iat: 'issued in the future',
  sub: 'no subject',
  exp: 'no valid expiry',
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const field = (value as Record<string, unknown>)[key]
  return typeof field === 'string' ? field : undefined
}

/** A WardenError for a token that failed verification with the given short reason. */
export function unverifiedError(reason: string, cause?: unknown): WardenError {
  return new WardenError('ERR_IDENTITY_UNKNOWN', unverifiedMessage(reason), { stage: 'identity', cause })
}

/**
 * Translates anything thrown while verifying a token into the WardenError shown to the person.
 *
 * @example
 * try { await jwtVerify(token, keys, options) } catch (error) { throw toIdentityError(error) }
 */
export function toIdentityError(error: unknown): WardenError {
  if (isWardenError(error)) return error
  const options = { stage: 'identity' as const, cause: error }
  if (error instanceof IdpUnreachableError) return new WardenError('ERR_IDENTITY_UNKNOWN', IDP_UNREACHABLE_MESSAGE, options)
  if (error instanceof IdpMisconfiguredError) {
    return new WardenError('ERR_IDENTITY_UNKNOWN', misconfiguredMessage(error.message), options)
  }
  const code = readString(error, 'code')
  if (code === 'ERR_JWT_EXPIRED') return new WardenError('ERR_SIGNED_OUT', SIGNED_OUT_EXPIRED_MESSAGE, options)
  if (code === 'ERR_JWKS_TIMEOUT') return new WardenError('ERR_IDENTITY_UNKNOWN', IDP_UNREACHABLE_MESSAGE, options)
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = readString(error, 'claim') ?? 'unknown'
    return unverifiedError(REASON_BY_CLAIM[claim] ?? `invalid "${claim}" claim`, error)
  }
  const reason = code === undefined ? undefined : REASON_BY_JOSE_CODE[code]
  return unverifiedError(reason ?? 'unexpected verification error', error)
}
