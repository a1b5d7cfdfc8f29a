/**
 * desktop/src/demo/device-sign-in.ts — sign in with the OAuth 2.0 Device Authorization Grant (RFC 8628).
 *
 * openid-client does the protocol: discovery, the device authorization request, and polling at the
 * interval the server advertises (5 s when it says nothing, longer after `slow_down`, RFC 8628 §3.5).
 * Plain http is refused unless the caller opts in with `allowInsecureHttp`, and even then only for a loopback
 * issuer such as the development IdP (openid-client's `allowInsecureRequests` is the greppable opt-out).
 */
import * as client from 'openid-client'
import { isWardenError, WardenError } from '@mcp-warden/core'

export interface DeviceSignInOptions {
  readonly issuer: string
  readonly clientId: string
  /** Space-separated; include `openid` (an ID token is required) and `offline_access` for a refresh token. */
  readonly scope: string
  /** RFC 8707 resource indicator: the access token is then issued for (audience) this resource. */
  readonly resource?: string
  /**
   * Shows the user code to the person. A returned promise runs alongside polling; if it rejects, the sign-in
   * stops with that error.
   */
  readonly onUserCode: (userCode: string, verificationUri: string, verificationUriComplete?: string) => void | Promise<void>
  /** Allow an `http://` issuer on a loopback address (the development IdP). */
  readonly allowInsecureHttp: boolean
  /** Cancels the sign-in (e.g. Ctrl-C); default: give up when the device code expires. */
  readonly signal?: AbortSignal
}

export interface DeviceSignInResult {
  readonly idToken: string
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  /** Access token expiry, seconds since the epoch. */
  readonly expiresAt: number
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function checkIssuer(issuer: string, allowInsecureHttp: boolean): URL {
  if (typeof issuer !== 'string' || !URL.canParse(issuer)) throw new TypeError('"issuer" must be an absolute URL')
  const url = new URL(issuer)
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && allowInsecureHttp && LOOPBACK.has(url.hostname)) return url
  throw new TypeError('"issuer" must be an https URL (http only with allowInsecureHttp, and only on a loopback address)')
}

function toSignInError(error: unknown): WardenError {
  if (isWardenError(error)) return error
  const code = (error as { error?: unknown }).error
  if (code === 'access_denied') {
    return new WardenError('ERR_SIGNED_OUT', 'Sign-in was declined at your identity provider. Run `mcp-warden login` to try again.', { cause: error })
  }
  // `OAUTH_TIMEOUT`: openid-client stopped polling because the device code's `expires_in` passed.
  if (code === 'expired_token' || (error as { code?: unknown }).code === 'OAUTH_TIMEOUT') {
    return new WardenError('ERR_SIGNED_OUT', 'The sign-in code expired before it was approved. Run `mcp-warden login` again and enter the new code.', { cause: error })
  }
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : 'unknown error'
  return new WardenError('ERR_IDENTITY_UNKNOWN', `Sign-in with your identity provider failed (${reason}). Try again; if it persists, contact your administrator.`, { cause: error })
}

function toResult(tokens: client.TokenEndpointResponse): DeviceSignInResult {
  if (typeof tokens.id_token !== 'string') {
    throw new WardenError('ERR_IDENTITY_UNKNOWN', 'The identity provider returned no ID token. Ask your administrator to allow the "openid" scope for MCP Warden.')
  }
  return {
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Math.floor(Date.now() / 1000) + (tokens.expires_in ?? 0),
  }
}

/**
 * Runs a device sign-in and resolves with the tokens. Rejects with a WardenError: ERR_SIGNED_OUT when the
 * person declined or the code expired, ERR_IDENTITY_UNKNOWN for any other failure.
 *
 * @example
 * const tokens = await signInWithDeviceFlow({ issuer, clientId, scope: 'openid email groups offline_access',
 *   allowInsecureHttp: false, onUserCode: (code, uri) => console.error(`Open ${uri} and enter ${code}`) })
 */
export async function signInWithDeviceFlow(options: DeviceSignInOptions): Promise<DeviceSignInResult> {
  const issuer = checkIssuer(options.issuer, options.allowInsecureHttp)
  if (typeof options.onUserCode !== 'function') throw new TypeError('"onUserCode" must be a function')
  const resource: Record<string, string> = options.resource === undefined ? {} : { resource: options.resource }
  const controller = new AbortController()
  let shownFailure: { readonly error: unknown } | undefined
  try {
    const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []
    const config = await client.discovery(issuer, options.clientId, undefined, client.None(), { execute })
    const started = await client.initiateDeviceAuthorization(config, { scope: options.scope, ...resource })
    const shown = Promise.resolve()
      .then(() => options.onUserCode(started.user_code, started.verification_uri, started.verification_uri_complete))
      .catch((error: unknown) => {
        shownFailure = { error }
        controller.abort(error)
      })
    // RFC 8707 §2.2: repeat the resource at the token endpoint so the access token is issued for it.
    const tokens = await client.pollDeviceAuthorizationGrant(config, started, resource, {
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(started.expires_in * 1000), ...(options.signal ? [options.signal] : [])]),
    })
    await shown
    return toResult(tokens)
  } catch (error) {
    if (shownFailure !== undefined) throw shownFailure.error
    if (options.signal?.aborted === true) throw options.signal.reason
    throw toSignInError(error)
  }
}
