/**
 * desktop/src/agent/session/idp-errors.ts — openid-client failures translated into WardenErrors, in one place.
 *
 * Token getters may only reject with ERR_SIGNED_OUT, ERR_KEYCHAIN_UNAVAILABLE or ERR_IDP_UNAVAILABLE (see
 * agent-session.ts). `invalid_grant` means the IdP refused the refresh token (revoked, expired, reused): the
 * session is over. Anything else (connection refused, timeout, 5xx, an answer that fails validation) means
 * the IdP could not give us a usable token right now, so a still-valid cached token may be used instead.
 * Messages never contain tokens; the IdP's own error code goes into `details.reason`.
 */
import * as client from 'openid-client'
import { isWardenError, WardenError } from '@mcp-warden/core'

/** What the person should do when the session is gone. */
export const SIGN_IN_AGAIN = 'Sign in with `mcp-warden login` or the desktop app.'

/** The OAuth `error` code of a failed request, when the IdP sent one. */
export function oauthErrorCode(error: unknown): string | undefined {
  if (error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError) return error.error
  return undefined
}

/** `true` when the IdP answered `invalid_grant`: the refresh token (or code) will never work again. */
export function isGrantRejected(error: unknown): boolean {
  return oauthErrorCode(error) === 'invalid_grant'
}

/** A short, token-free reason for `details.reason` and messages. */
export function failureReason(error: unknown): string {
  const oauth = oauthErrorCode(error)
  if (oauth !== undefined) return oauth
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') return code
  const cause = (error as { cause?: { code?: unknown } }).cause?.code
  if (typeof cause === 'string') return cause
  return error instanceof Error ? error.message : 'unknown error'
}

/**
 * ERR_IDP_UNAVAILABLE for a failed token request (WardenErrors pass through unchanged).
 *
 * @example
 * try { await client.refreshTokenGrant(config, rt) } catch (e) { throw toIdpUnavailable(e, issuer) }
 */
export function toIdpUnavailable(error: unknown, issuer: string): WardenError {
  if (isWardenError(error)) return error
  const reason = failureReason(error)
  return new WardenError(
    'ERR_IDP_UNAVAILABLE',
    `Your identity provider (${issuer}) could not renew your sign-in (${reason}). Check your network connection and try again.`,
    { cause: error, details: { reason } },
  )
}

/** ERR_SIGNED_OUT after the IdP refused the refresh token. */
export function refreshRejected(error: unknown): WardenError {
  return new WardenError('ERR_SIGNED_OUT', `Your sign-in has expired or was revoked. ${SIGN_IN_AGAIN}`, {
    cause: error,
    details: { reason: 'refresh-rejected' },
  })
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof client.ResponseBodyError) return error.status >= 500
  const code = (error as { code?: unknown }).code
  if (code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') return true
  return error instanceof TypeError && error.message === 'fetch failed'
}

/**
 * A failed sign-in (device or browser) as a WardenError: ERR_SIGNED_OUT when the person declined or took too
 * long, ERR_IDP_UNAVAILABLE when the IdP could not be reached, ERR_IDENTITY_UNKNOWN for anything else (a
 * response that does not belong to this sign-in, a refused request).
 *
 * @example
 * try { await client.authorizationCodeGrant(...) } catch (e) { throw toSignInError(e, issuer) }
 */
export function toSignInError(error: unknown, issuer: string): WardenError {
  if (isWardenError(error)) return error
  const reason = failureReason(error)
  const details = { reason }
  if (reason === 'access_denied') {
    return new WardenError('ERR_SIGNED_OUT', 'Sign-in was declined at your identity provider. Sign in again to use MCP Warden.', { cause: error, details })
  }
  if (reason === 'expired_token' || reason === 'OAUTH_TIMEOUT') {
    return new WardenError('ERR_SIGNED_OUT', 'The sign-in was not completed in time. Start it again and finish it in your browser.', { cause: error, details })
  }
  if (isNetworkFailure(error)) return toIdpUnavailable(error, issuer)
  const cause = (error as { cause?: unknown }).cause
  if (cause instanceof Error && cause.message.includes('"state"')) {
    return new WardenError(
      'ERR_IDENTITY_UNKNOWN',
      'The sign-in response did not belong to this sign-in (its state did not match), so it was refused. Start the sign-in again.',
      { cause: error, details: { reason: 'state-mismatch' } },
    )
  }
  return new WardenError(
    'ERR_IDENTITY_UNKNOWN',
    `Sign-in with your identity provider failed (${reason}). Start it again; if it keeps failing, contact your administrator.`,
    { cause: error, details },
  )
}
