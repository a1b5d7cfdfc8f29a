/**
 * desktop/src/agent/session/sign-in-flows.ts — the two ways to sign in, with openid-client doing the protocol:
 * the device authorization grant (RFC 8628) and the authorization code grant with PKCE S256 through the
 * system browser and a loopback redirect (RFC 7636, RFC 8252). Both resolve with the token response, whose ID
 * token openid-client has validated (issuer, audience, expiry, and for the browser flow the nonce).
 */
import * as client from 'openid-client'
import { WardenError } from '@mcp-warden/core'
import { toSignInError } from './idp-errors.js'
import { listenForCallback } from './loopback-callback.js'
import type { CheckedOptions } from './oidc-options.js'

export type TokenResponse = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers

export interface DeviceLoginOptions {
  /**
   * Shows the code to the person. A returned promise runs alongside polling; if it rejects, the sign-in stops
   * with that error. `verificationUriComplete` is absent at some IdPs (Entra, Google). `expiresInSeconds` is the
   * code's lifetime (RFC 8628 §3.2 `expires_in`).
   */
  readonly onUserCode: (userCode: string, verificationUri: string, verificationUriComplete?: string, expiresInSeconds?: number) => void | Promise<void>
  /** Cancels the sign-in; it rejects with the signal's reason. */
  readonly signal?: AbortSignal
}

export interface BrowserLoginOptions {
  /** Opens the authorization URL in the person's browser (the app: `shell.openExternal`). */
  readonly openBrowser: (url: string) => Promise<void>
  readonly signal?: AbortSignal
  /** How long to wait for the browser to come back; default 5 minutes. */
  readonly timeoutMs?: number
}

const DEFAULT_BROWSER_TIMEOUT_MS = 5 * 60 * 1000

/** RFC 8707 §2.1: resources named at sign-in, repeated `resource` parameters (only with `resourceParameter: 'resource'`). */
function signInParameters(options: CheckedOptions): URLSearchParams {
  const parameters = new URLSearchParams({ scope: options.scopes.join(' ') })
  if (options.resourceParameter === 'resource') for (const resource of options.resources) parameters.append('resource', resource)
  return parameters
}

/**
 * Runs a device sign-in. Offered only when discovery lists `device_authorization_endpoint`; otherwise rejects
 * with ERR_USAGE saying to use the browser. Polls at the server's `interval`, slower after `slow_down`.
 *
 * @example
 * const tokens = await runDeviceLogin(config, options, { onUserCode: (code, uri) => console.error(`${uri}: ${code}`) })
 */
export async function runDeviceLogin(config: client.Configuration, options: CheckedOptions, login: DeviceLoginOptions): Promise<TokenResponse> {
  if (typeof login.onUserCode !== 'function') throw new TypeError('"onUserCode" must be a function')
  if (config.serverMetadata().device_authorization_endpoint === undefined) {
    throw new WardenError('ERR_USAGE', `Your identity provider (${options.issuer}) does not offer sign-in with a code. Sign in with the browser instead.`, {
      details: { reason: 'no-device-authorization-endpoint' },
    })
  }
  const controller = new AbortController()
  let shownFailure: { readonly error: unknown } | undefined
  try {
    const started = await client.initiateDeviceAuthorization(config, signInParameters(options))
    const shown = Promise.resolve()
      .then(() => login.onUserCode(started.user_code, started.verification_uri, started.verification_uri_complete, started.expires_in))
      .catch((error: unknown) => {
        shownFailure = { error }
        controller.abort(error)
      })
    const signals = [controller.signal, AbortSignal.timeout(started.expires_in * 1000), ...(login.signal ? [login.signal] : [])]
    const tokens = await client.pollDeviceAuthorizationGrant(config, started, undefined, { signal: AbortSignal.any(signals) })
    await shown
    return tokens
  } catch (error) {
    if (shownFailure !== undefined) throw shownFailure.error
    if (login.signal?.aborted === true) throw login.signal.reason
    throw toSignInError(error, options.issuer)
  }
}

/** Resolves with the callback URL, or rejects on abort or timeout (the signals' reasons). */
function waitForCallback(received: Promise<URL>, signal: AbortSignal): Promise<URL> {
  return new Promise<URL>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    received.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Runs a browser sign-in: authorization code + PKCE S256, `state` and `nonce` checked, redirect to
 * `http://127.0.0.1:<random port>/callback`. The browser is shown a short success or error page (never a
 * token), and the listener is closed before this resolves or rejects.
 *
 * @example
 * const tokens = await runBrowserLogin(config, options, { openBrowser: (url) => shell.openExternal(url) })
 */
export async function runBrowserLogin(config: client.Configuration, options: CheckedOptions, login: BrowserLoginOptions): Promise<TokenResponse> {
  if (typeof login.openBrowser !== 'function') throw new TypeError('"openBrowser" must be a function')
  const timeoutMs = login.timeoutMs ?? DEFAULT_BROWSER_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('"timeoutMs" must be a positive integer')
  const callback = await listenForCallback(options.loopbackPorts)
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const pkceCodeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const parameters = signInParameters(options)
    for (const [name, value] of Object.entries(options.authorizationParameters)) parameters.set(name, value)
    parameters.set('redirect_uri', callback.redirectUri)
    parameters.set('code_challenge', await client.calculatePKCECodeChallenge(pkceCodeVerifier))
    parameters.set('code_challenge_method', 'S256')
    parameters.set('state', state)
    parameters.set('nonce', nonce)
    await login.openBrowser(client.buildAuthorizationUrl(config, parameters).href)
    const signal = AbortSignal.any([timeout, ...(login.signal ? [login.signal] : [])])
    const callbackUrl = await waitForCallback(callback.received, signal)
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier, expectedState: state, expectedNonce: nonce })
    callback.respond({ ok: true, message: 'Return to MCP Warden: it now acts on your behalf.' })
    return tokens
  } catch (error) {
    if (login.signal?.aborted === true) throw login.signal.reason
    const failure = timeout.aborted
      ? new WardenError('ERR_SIGNED_OUT', 'The browser sign-in was not completed in time. Start it again and finish it in your browser.', { cause: error, details: { reason: 'timeout' } })
      : toSignInError(error, options.issuer)
    callback.respond({ ok: false, message: failure.message })
    throw failure
  } finally {
    await callback.close()
  }
}
