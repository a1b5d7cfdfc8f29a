/**
 * desktop/src/agent/remote-auth/sign-in.ts — signs in to an MCP server's own authorization server: discovery,
 * a client (the one the settings name, else dynamic client registration, RFC 7591, for this sign-in's loopback
 * redirect), authorization code with PKCE S256 and `resource` (RFC 8707) through the person's browser and a
 * loopback redirect (RFC 8252), then the tokens go to the keychain.
 */
import { randomBytes } from 'node:crypto'
import { WardenError, type Clock, systemClock } from '@mcp-warden/core'
import { exchangeAuthorization, registerClient, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { SecretStore } from '../secrets/secret-store.js'
import { listenForCallback } from '../session/loopback-callback.js'
import { discoverServerAuthorization, type ServerAuthorization } from './discover.js'
import { writeServerTokens, type ServerTokenRecord } from './server-token-record.js'

/** Used when the authorization server says nothing about the access token's lifetime. */
const UNKNOWN_LIFETIME_SECONDS = 300

export interface ServerSignInOptions {
  /** The server's name in the settings (for messages). */
  readonly name: string
  /** The server's URL: its resource indicator. */
  readonly resource: string
  /** A client id registered for MCP Warden at that authorization server; without it, dynamic registration. */
  readonly clientId?: string | undefined
  /** Scopes to ask for instead of what the server advertises. */
  readonly scopes?: readonly string[] | undefined
  readonly secrets: SecretStore
  /** Shows the authorization URL to the person (the system browser in the product). */
  readonly openBrowser: (url: string) => Promise<void>
  readonly signal?: AbortSignal | undefined
  readonly fetch?: FetchLike | undefined
  readonly clock?: Clock | undefined
}

export interface ServerSignIn {
  readonly issuer: string
  readonly clientId: string
  readonly scope?: string | undefined
  /** Seconds since the epoch. */
  readonly expiresAt: number
  readonly refreshable: boolean
}

function failed(name: string, what: string, cause?: unknown): WardenError {
  return new WardenError('ERR_SIGNED_OUT', `The sign-in to ${name} did not complete: ${what}. Run \`mcp-warden login --server ${name}\` again.`, {
    details: { server: name },
    ...(cause === undefined ? {} : { cause }),
  })
}

/** The error an SDK call failed with: the authorization server's `error_description`, or what went wrong on the way. */
function oauthMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}

async function clientFor(options: ServerSignInOptions, found: ServerAuthorization, redirectUri: string): Promise<OAuthClientInformationMixed> {
  if (options.clientId !== undefined) return { client_id: options.clientId }
  if (found.metadata.registration_endpoint === undefined) {
    throw new WardenError(
      'ERR_CONFIG_INVALID',
      `The authorization server of ${options.name} (${found.issuer}) offers no dynamic client registration. Ask your administrator to register MCP Warden there and set upstreams.${options.name}.clientId.`,
    )
  }
  // OpenID Connect Registration's `application_type: native` (not in the SDK's type, sent as is): the
  // authorization server then allows the loopback http redirect (RFC 8252 §7.3).
  const clientMetadata: OAuthClientMetadata & { readonly application_type: 'native' } = {
    client_name: 'MCP Warden',
    application_type: 'native',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  }
  try {
    // No `scope` here: RFC 7591 makes it a limit on the client, and authorization servers (oidc-provider among
    // them) refuse resource scopes such as the server's own in it. The authorization request asks for them.
    return await registerClient(found.issuer, { metadata: found.metadata, clientMetadata, ...(options.fetch === undefined ? {} : { fetchFn: options.fetch }) })
  } catch (cause) {
    throw failed(options.name, `its authorization server refused to register MCP Warden (${oauthMessage(cause)})`, cause)
  }
}

function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const stop = (): void => reject(new WardenError('ERR_SIGNED_OUT', 'The sign-in was cancelled.'))
    if (signal?.aborted === true) stop()
    else signal?.addEventListener('abort', stop, { once: true })
  })
}

/** The authorization code of the redirect, after checking `state` and the issuer (RFC 9207) when sent. */
function codeFrom(url: URL, state: string, issuer: string, name: string): string {
  const params = url.searchParams
  if (params.get('state') !== state) throw failed(name, 'the answer did not belong to this sign-in')
  const iss = params.get('iss')
  if (iss !== null && iss !== issuer) throw failed(name, 'the answer came from another authorization server')
  const error = params.get('error')
  // RFC 6749 §4.1.2.1: an error code is printable ASCII without `"` and `\`; anything else is not repeated.
  const shown = error !== null && /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(error) ? error : 'an error'
  if (error !== null) throw failed(name, error === 'access_denied' ? 'access was denied' : `the authorization server answered ${shown}`)
  const code = params.get('code')
  if (code === null || code === '') throw failed(name, 'the answer carried no authorization code')
  return code
}

/**
 * Runs the whole sign-in and keeps the tokens in the keychain under `server:<resource>`. Rejects with
 * ERR_SIGNED_OUT when it does not complete, ERR_UPSTREAM_UNAVAILABLE when discovery fails, ERR_CONFIG_INVALID
 * when the authorization server needs a configured client id, ERR_KEYCHAIN_UNAVAILABLE.
 *
 * @example
 * const done = await signInToServer({ name: 'wiki', resource: 'https://wiki.example.com/mcp', secrets, openBrowser: openSystemBrowser })
 */
export async function signInToServer(options: ServerSignInOptions): Promise<ServerSignIn> {
  const clock = options.clock ?? systemClock
  const fetchOption = options.fetch === undefined ? {} : { fetchFn: options.fetch }
  const found = await discoverServerAuthorization(options.resource, { fetch: options.fetch })
  const scope = options.scopes !== undefined ? options.scopes.join(' ') : found.scope
  const callback = await listenForCallback()
  try {
    const client = await clientFor(options, found, callback.redirectUri)
    const state = randomBytes(16).toString('base64url')
    let started
    try {
      started = await startAuthorization(found.issuer, { metadata: found.metadata, clientInformation: client, redirectUrl: callback.redirectUri, scope, state, resource: options.resource })
    } catch (cause) {
      throw failed(options.name, oauthMessage(cause), cause)
    }
    await options.openBrowser(started.authorizationUrl.href)
    const url = await Promise.race([callback.received, aborted(options.signal)])
    let code: string
    try {
      code = codeFrom(url, state, found.metadata.issuer, options.name)
    } catch (error) {
      callback.respond({ ok: false, message: (error as Error).message })
      throw error
    }
    let tokens
    try {
      tokens = await exchangeAuthorization(found.issuer, {
        metadata: found.metadata,
        clientInformation: client,
        authorizationCode: code,
        codeVerifier: started.codeVerifier,
        redirectUri: callback.redirectUri,
        resource: options.resource,
        ...fetchOption,
      })
    } catch (cause) {
      const error = failed(options.name, `the authorization server refused the code (${oauthMessage(cause)})`, cause)
      callback.respond({ ok: false, message: error.message })
      throw error
    }
    const now = Math.floor(clock.now() / 1000)
    const record: ServerTokenRecord = {
      v: 1,
      resource: options.resource,
      issuer: found.issuer,
      metadata: found.metadata,
      client,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: now + (tokens.expires_in ?? UNKNOWN_LIFETIME_SECONDS),
      scope: tokens.scope ?? scope,
    }
    await writeServerTokens(options.secrets, record)
    callback.respond({ ok: true, message: `MCP Warden is signed in to ${options.name}. Return to MCP Warden.` })
    return { issuer: found.issuer, clientId: client.client_id, scope: record.scope, expiresAt: record.expiresAt, refreshable: record.refreshToken !== undefined }
  } finally {
    await callback.close()
  }
}
