/**
 * desktop/src/agent/session/agent-session.ts — the signed-in session that the per-user agent owns: what the
 * agent's socket server asks for on behalf of proxies, and what `mcp-warden login|logout|status` drive.
 */

/** What may be shown about the signed-in person: never a token. */
export interface SessionUser {
  readonly issuer: string
  readonly subject: string
  readonly email?: string | undefined
  readonly name?: string | undefined
}

export type SessionStatus =
  | {
      readonly state: 'signed-in'
      readonly user: SessionUser
      /** Seconds since the epoch. */
      readonly idTokenExpiresAt: number
      readonly refreshable: boolean
    }
  /** `reason`: never signed in, signed out by the person, or the IdP refused the refresh token (`invalid_grant`). */
  | { readonly state: 'signed-out'; readonly reason: 'never' | 'logged-out' | 'refresh-rejected' }
  | { readonly state: 'keychain-unavailable'; readonly keychain: 'locked' | 'unavailable' }

/** A bearer credential with its expiry (seconds since the epoch). */
export interface IssuedToken {
  readonly token: string
  readonly expiresAt: number
}

/**
 * The session. Token getters refresh ahead of expiry, single-flight (concurrent callers share one refresh), and
 * reject with WardenError codes only: `ERR_SIGNED_OUT` (never signed in, logged out, refresh refused),
 * `ERR_KEYCHAIN_UNAVAILABLE`, `ERR_IDP_UNAVAILABLE` (IdP unreachable and no still-valid token cached).
 *
 * @example
 * const { token } = await session.idToken()      // a proxy verifies it and builds the Identity
 */
export interface AgentSession {
  status(): Promise<SessionStatus>
  /** A current ID token for MCP Warden itself (its audience is our client id). Never sent to an MCP server. */
  idToken(): Promise<IssuedToken>
  /** An access token whose audience is `resource` (an HTTP MCP server's URL), cached per resource. */
  upstreamToken(resource: string): Promise<IssuedToken>
  /** Re-reads the keychain: another process (the CLI's `login`) changed the session. */
  reload(): Promise<SessionStatus>
}
