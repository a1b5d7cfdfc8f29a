/**
 * desktop/src/agent/session/oidc-session.ts — the AgentSession of a person signed in at an OIDC provider.
 *
 * Sign-in (device code or browser) stores one keychain entry; the token getters serve from memory and renew
 * with the refresh token ahead of expiry. Every use of the refresh token goes through one lane (token-lane.ts),
 * so a rotating IdP never sees the same refresh token twice, and the rotated token is written to the keychain
 * before any caller gets the new token. This process must be the only one refreshing (the agent); other
 * processes ask it.
 */
import * as client from 'openid-client'
import { isWardenError, WardenError } from '@mcp-warden/core'
import type { AgentSession, IssuedToken, SessionStatus } from './agent-session.js'
import { isGrantRejected, refreshRejected, SIGN_IN_AGAIN, toIdpUnavailable } from './idp-errors.js'
import { checkOptions, createDiscovery, isResourceUri, type CheckedOptions, type OidcSessionOptions } from './oidc-options.js'
import { parseSessionRecord, sessionAccount, toSessionUser, type SessionRecord } from './session-record.js'
import { runBrowserLogin, runDeviceLogin, type BrowserLoginOptions, type DeviceLoginOptions, type TokenResponse } from './sign-in-flows.js'
import { createTokenLane } from './token-lane.js'
import { resourceRequest, toUpstreamToken } from './upstream-token.js'

type SignedOutReason = Extract<SessionStatus, { state: 'signed-out' }>['reason']

/** An AgentSession that can also sign in and out. */
export interface OidcSession extends AgentSession {
  /** RFC 8628 sign-in; ERR_USAGE when the IdP has no device authorization endpoint (use the browser). */
  loginWithDeviceCode(options: DeviceLoginOptions): Promise<SessionStatus>
  /** Authorization code + PKCE through the system browser and a loopback redirect. */
  loginWithBrowser(options: BrowserLoginOptions): Promise<SessionStatus>
  /**
   * Forgets the session here (keychain entry, cached tokens) and revokes the refresh token at the IdP when it
   * has a revocation endpoint (RFC 7009). `revoked: false` when it has none or could not be reached.
   */
  logout(): Promise<{ readonly revoked: boolean }>
}

const SIGNED_OUT_MESSAGE: Readonly<Record<Exclude<SignedOutReason, 'refresh-rejected'>, string>> = {
  never: `You are not signed in to MCP Warden. ${SIGN_IN_AGAIN}`,
  'logged-out': `You signed out of MCP Warden. ${SIGN_IN_AGAIN}`,
}

function signedOut(reason: SignedOutReason): WardenError {
  if (reason === 'refresh-rejected') return refreshRejected(undefined)
  return new WardenError('ERR_SIGNED_OUT', SIGNED_OUT_MESSAGE[reason], { details: { reason } })
}

function isIdpUnavailable(error: unknown): boolean {
  return isWardenError(error) && error.code === 'ERR_IDP_UNAVAILABLE'
}

/** A record from a sign-in's token response; its ID token was validated by openid-client. */
function toRecord(tokens: TokenResponse, now: number): SessionRecord {
  const claims = tokens.claims()
  if (tokens.id_token === undefined || claims === undefined) {
    throw new WardenError('ERR_IDENTITY_UNKNOWN', 'Your identity provider returned no ID token. Ask your administrator to allow the "openid" scope for MCP Warden.')
  }
  return {
    version: 1,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    idTokenExpiresAt: claims.exp,
    accessToken: tokens.access_token,
    accessTokenExpiresAt: tokens.expires_in === undefined ? undefined : now + tokens.expires_in,
    user: toSessionUser(claims),
  }
}

/**
 * The record after a refresh: the rotated refresh token (or the old one when the IdP does not rotate), a new
 * ID token when one came back (it must be for the same person, OIDC Core §12.2), and the new sign-in access
 * token unless this was a request for a resource.
 */
function toRefreshedRecord(record: SessionRecord, tokens: TokenResponse, forResource: boolean, now: number): SessionRecord {
  const claims = tokens.claims()
  if (claims !== undefined && (claims.sub !== record.user.subject || claims.iss !== record.user.issuer)) {
    throw toIdpUnavailable(new Error('the renewed ID token names another person'), record.user.issuer)
  }
  return {
    ...record,
    refreshToken: tokens.refresh_token ?? record.refreshToken,
    ...(tokens.id_token !== undefined && claims !== undefined ? { idToken: tokens.id_token, idTokenExpiresAt: claims.exp, user: toSessionUser(claims) } : {}),
    ...(forResource
      ? {}
      : { accessToken: tokens.access_token, accessTokenExpiresAt: tokens.expires_in === undefined ? undefined : now + tokens.expires_in }),
  }
}

class Session implements OidcSession {
  readonly #options: CheckedOptions
  readonly #account: string
  readonly #discover: () => Promise<client.Configuration>
  readonly #lane = createTokenLane()
  readonly #upstream = new Map<string, IssuedToken>()
  #loaded = false
  /** `true` while the keychain holds an older record than memory (the last write failed). */
  #unsaved = false
  #record: SessionRecord | undefined
  #reason: SignedOutReason = 'never'

  constructor(options: CheckedOptions) {
    this.#options = options
    this.#account = sessionAccount(options.issuer, options.clientId)
    this.#discover = createDiscovery(options)
  }

  #now(): number {
    return Math.floor(this.#options.clock.now() / 1000)
  }

  #fresh(expiresAt: number): boolean {
    return expiresAt - this.#options.refreshMarginSeconds > this.#now()
  }

  async #load(): Promise<SessionRecord | undefined> {
    if (!this.#loaded) {
      const secret = await this.#options.secrets.get(this.#account)
      this.#record = secret === undefined ? undefined : parseSessionRecord(secret)
      this.#loaded = true
    }
    return this.#record
  }

  async #requireRecord(): Promise<SessionRecord> {
    const record = await this.#load()
    if (record === undefined) throw signedOut(this.#reason)
    return record
  }

  /** Keeps the record in memory first (a rotated refresh token is never lost), then in the keychain. */
  async #commit(record: SessionRecord): Promise<void> {
    this.#record = record
    this.#loaded = true
    this.#unsaved = true
    await this.#options.secrets.set(this.#account, JSON.stringify(record))
    this.#unsaved = false
  }

  async #forget(reason: SignedOutReason): Promise<void> {
    this.#record = undefined
    this.#loaded = true
    this.#unsaved = false
    this.#reason = reason
    this.#upstream.clear()
    await this.#options.secrets.delete(this.#account)
  }

  /**
   * The record to refresh with. Another process (the CLI) may have signed in again, signed out or refreshed
   * since this one read the keychain; replaying our older refresh token would then look like theft to a
   * rotating IdP. So the keychain entry wins, unless our own last write failed (memory is newer) or the
   * keychain cannot be read right now.
   */
  async #latest(): Promise<SessionRecord> {
    const memory = await this.#requireRecord()
    if (this.#unsaved) return memory
    let secret: string | undefined
    try {
      secret = await this.#options.secrets.get(this.#account)
    } catch {
      return memory
    }
    const stored = secret === undefined ? undefined : parseSessionRecord(secret)
    if (stored === undefined) {
      this.#record = undefined
      this.#reason = 'logged-out'
      this.#upstream.clear()
      throw signedOut('logged-out')
    }
    if (stored.refreshToken !== memory.refreshToken) {
      if (stored.user.subject !== memory.user.subject) this.#upstream.clear()
      this.#record = stored
    }
    return stored
  }

  /** One refresh-token grant; run only inside the lane. */
  async #refresh(parameters: Record<string, string> | undefined): Promise<{ record: SessionRecord; tokens: TokenResponse }> {
    const record = await this.#latest()
    if (record.refreshToken === undefined) {
      throw new WardenError('ERR_SIGNED_OUT', `Your sign-in cannot be renewed (your identity provider gave no refresh token). ${SIGN_IN_AGAIN}`, {
        details: { reason: 'not-refreshable' },
      })
    }
    let tokens: TokenResponse
    try {
      tokens = await client.refreshTokenGrant(await this.#discover(), record.refreshToken, parameters)
    } catch (error) {
      if (!isGrantRejected(error)) throw toIdpUnavailable(error, this.#options.issuer)
      await this.#forget('refresh-rejected').catch(() => undefined)
      throw refreshRejected(error)
    }
    const next = toRefreshedRecord(record, tokens, parameters !== undefined, this.#now())
    await this.#commit(next)
    return { record: next, tokens }
  }

  async status(): Promise<SessionStatus> {
    const keychain = await this.#options.secrets.state()
    if (keychain !== 'available') return { state: 'keychain-unavailable', keychain }
    let record: SessionRecord | undefined
    try {
      record = await this.#load()
    } catch (error) {
      if (!isWardenError(error) || error.code !== 'ERR_KEYCHAIN_UNAVAILABLE') throw error
      return { state: 'keychain-unavailable', keychain: error.details?.['state'] === 'locked' ? 'locked' : 'unavailable' }
    }
    if (record === undefined) return { state: 'signed-out', reason: this.#reason }
    return { state: 'signed-in', user: record.user, idTokenExpiresAt: record.idTokenExpiresAt, refreshable: record.refreshToken !== undefined }
  }

  async idToken(): Promise<IssuedToken> {
    const record = await this.#requireRecord()
    if (this.#fresh(record.idTokenExpiresAt)) return { token: record.idToken, expiresAt: record.idTokenExpiresAt }
    try {
      return await this.#lane.shared('id-token', async () => {
        const current = await this.#latest()
        // A job queued before this one (a resource request), or another process, may have renewed it already.
        const renewed = this.#fresh(current.idTokenExpiresAt) ? current : (await this.#refresh(undefined)).record
        if (renewed.idTokenExpiresAt <= this.#now()) {
          throw new WardenError('ERR_SIGNED_OUT', `Your identity provider did not renew your ID token. ${SIGN_IN_AGAIN}`, { details: { reason: 'id-token-not-renewed' } })
        }
        return { token: renewed.idToken, expiresAt: renewed.idTokenExpiresAt }
      })
    } catch (error) {
      const cached = this.#record
      if (isIdpUnavailable(error) && cached !== undefined && cached.idTokenExpiresAt > this.#now()) {
        return { token: cached.idToken, expiresAt: cached.idTokenExpiresAt }
      }
      throw error
    }
  }

  async upstreamToken(resource: string): Promise<IssuedToken> {
    if (!isResourceUri(resource)) throw new TypeError('"resource" must be an absolute URI without a fragment')
    const cached = this.#upstream.get(resource)
    if (cached !== undefined && this.#fresh(cached.expiresAt)) return cached
    await this.#requireRecord()
    try {
      return await this.#lane.shared(`upstream:${resource}`, async () => {
        const again = this.#upstream.get(resource)
        if (again !== undefined && this.#fresh(again.expiresAt)) return again
        const { resourceParameter: kind, clientId } = this.#options
        const { record, tokens } = await this.#refresh(resourceRequest(kind, resource))
        const token = toUpstreamToken({ kind, resource, clientId, accessToken: tokens.access_token, expiresIn: tokens.expires_in, now: this.#now() }, record)
        this.#upstream.set(resource, token)
        return token
      })
    } catch (error) {
      const stale = this.#upstream.get(resource)
      if (isIdpUnavailable(error) && stale !== undefined && stale.expiresAt > this.#now()) return stale
      throw error
    }
  }

  reload(): Promise<SessionStatus> {
    return this.#lane.run(async () => {
      // Never drop a rotated refresh token that only memory holds: the keychain's older one is already spent.
      if (this.#unsaved && this.#record !== undefined) await this.#commit(this.#record)
      const wasSignedIn = this.#record !== undefined
      this.#loaded = false
      this.#record = undefined
      this.#upstream.clear()
      const status = await this.status()
      if (status.state === 'signed-out' && wasSignedIn) {
        this.#reason = 'logged-out'
        return { state: 'signed-out', reason: 'logged-out' }
      }
      return status
    })
  }

  async #signIn(tokens: Promise<TokenResponse>): Promise<SessionStatus> {
    const response = await tokens
    await this.#lane.run(async () => {
      this.#upstream.clear()
      await this.#commit(toRecord(response, this.#now()))
    })
    return this.status()
  }

  async loginWithDeviceCode(options: DeviceLoginOptions): Promise<SessionStatus> {
    const config = await this.#configForSignIn()
    return this.#signIn(runDeviceLogin(config, this.#options, options))
  }

  async loginWithBrowser(options: BrowserLoginOptions): Promise<SessionStatus> {
    const config = await this.#configForSignIn()
    return this.#signIn(runBrowserLogin(config, this.#options, options))
  }

  async #configForSignIn(): Promise<client.Configuration> {
    try {
      return await this.#discover()
    } catch (error) {
      throw toIdpUnavailable(error, this.#options.issuer)
    }
  }

  logout(): Promise<{ readonly revoked: boolean }> {
    return this.#lane.run(async () => {
      const record = this.#record ?? (await this.#load().catch(() => undefined))
      // Local first (IDPS.md "Sign-out"): even if the IdP cannot be told, this machine forgets the session.
      const forgotten = await this.#forget('logged-out').then(
        () => undefined,
        (error: unknown) => ({ error }),
      )
      const revoked = record?.refreshToken === undefined ? false : await this.#revoke(record.refreshToken)
      if (forgotten !== undefined) throw forgotten.error
      return { revoked }
    })
  }

  async #revoke(refreshToken: string): Promise<boolean> {
    try {
      const config = await this.#discover()
      if (config.serverMetadata().revocation_endpoint === undefined) return false
      await client.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' })
      return true
    } catch {
      return false
    }
  }
}

/**
 * Creates the session of one person at one IdP. Options are checked now (TypeError); nothing is read from the
 * keychain or the network until the first call.
 *
 * @example
 * const session = createOidcSession({ issuer: 'https://login.example.com', clientId: 'mcp-warden',
 *   scopes: ['openid', 'email', 'profile', 'offline_access'], secrets })
 * await session.loginWithBrowser({ openBrowser: (url) => shell.openExternal(url) })
 * const { token } = await session.idToken()
 * const upstream = await session.upstreamToken('https://mcp.example.com/mcp')
 */
export function createOidcSession(options: OidcSessionOptions): OidcSession {
  return new Session(checkOptions(options))
}
