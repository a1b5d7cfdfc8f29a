/**
 * desktop/src/agent/session/upstream-token.ts — how a token for one resource (an HTTP MCP server) is asked
 * for at each kind of IdP, and the check that what came back is meant for that resource and is not the
 * person's own ID token or sign-in token.
 */
import { WardenError } from '@mcp-warden/core'
import type { IssuedToken } from './agent-session.js'
import type { ResourceParameter } from './oidc-options.js'
import type { SessionRecord } from './session-record.js'

/** Used when the IdP says nothing about the lifetime and the token is opaque. */
const UNKNOWN_LIFETIME_SECONDS = 300

/**
 * The extra parameters of the refresh-token request for `resource`.
 *
 * @example
 * resourceRequest('entra-scope', 'api://warden-mcp') // { scope: 'api://warden-mcp/.default' }
 */
export function resourceRequest(kind: ResourceParameter, resource: string): Record<string, string> {
  switch (kind) {
    case 'resource':
      return { resource }
    case 'audience':
      return { audience: resource }
    case 'entra-scope':
      return { scope: `${resource.replace(/\/+$/, '')}/.default` }
  }
}

/** The claims of a JWT, without verifying it (only to read `aud` and `exp`); `undefined` for an opaque token. */
function peekClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[1] === undefined) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function audiences(claims: Record<string, unknown>): readonly string[] {
  const { aud } = claims
  if (typeof aud === 'string') return [aud]
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : []
}

function notForResource(resource: string, reason: string): WardenError {
  return new WardenError(
    'ERR_IDP_UNAVAILABLE',
    `Your identity provider did not issue a token for ${resource}. Ask your administrator to let MCP Warden request tokens for it.`,
    { details: { reason } },
  )
}

export interface UpstreamTokenInput {
  readonly kind: ResourceParameter
  readonly resource: string
  readonly clientId: string
  readonly accessToken: string
  readonly expiresIn: number | undefined
  /** Seconds since the epoch. */
  readonly now: number
}

/**
 * Checks the access token of a resource request and gives it an expiry. A JWT must name the resource in
 * `aud` (for Entra, whose `aud` is the API's client id, it must at least not be Warden's own client id);
 * an opaque token is accepted as the IdP's answer for that resource.
 *
 * @example
 * const token = toUpstreamToken({ kind: 'resource', resource, clientId, accessToken, expiresIn: 3600, now }, record)
 */
export function toUpstreamToken(input: UpstreamTokenInput, record: SessionRecord): IssuedToken {
  const { accessToken, resource } = input
  if (accessToken === record.idToken || accessToken === record.accessToken) throw notForResource(resource, 'sign-in-token-returned')
  const claims = peekClaims(accessToken)
  if (claims !== undefined) {
    const aud = audiences(claims)
    const bound = input.kind === 'entra-scope' ? aud.length > 0 && !aud.includes(input.clientId) : aud.includes(resource)
    if (!bound) throw notForResource(resource, 'audience-mismatch')
  }
  const exp = typeof claims?.['exp'] === 'number' ? claims['exp'] : undefined
  const expiresAt = input.expiresIn !== undefined ? input.now + input.expiresIn : (exp ?? input.now + UNKNOWN_LIFETIME_SECONDS)
  return { token: accessToken, expiresAt }
}
