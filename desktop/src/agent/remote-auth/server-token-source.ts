/**
 * desktop/src/agent/remote-auth/server-token-source.ts — the access tokens of MCP servers that have their own
 * authorization server (`auth: server` in the settings), for the agent's `upstream.token`: read from the
 * keychain, refreshed ahead of expiry through one lane per server (single flight, because authorization servers
 * rotate refresh tokens), and the refreshed tokens written back. A refused refresh token is forgotten.
 */
import { isWardenError, systemClock, WardenError, type Clock } from '@mcp-warden/core'
import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js'
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js'
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { SecretStore } from '../secrets/secret-store.js'
import type { IssuedToken } from '../session/agent-session.js'
import { createTokenLane, type TokenLane } from '../session/token-lane.js'
import { readServerTokens, serverAccount, serverSignedOut, writeServerTokens, type ServerTokenRecord } from './server-token-record.js'

/** Refresh this long before the access token expires, so a call never leaves with a token about to lapse. */
const REFRESH_AHEAD_SECONDS = 60
const UNKNOWN_LIFETIME_SECONDS = 300

export interface ServerTokenSourceOptions {
  /** Server name → its URL, for every upstream whose settings say `auth: server`. */
  readonly servers: Readonly<Record<string, string>>
  readonly secrets: SecretStore
  readonly clock?: Clock | undefined
  readonly fetch?: FetchLike | undefined
}

/**
 * @example
 * const source = createServerTokenSource({ servers: { wiki: 'https://wiki.example.com/mcp' }, secrets })
 * if (source.handles(resource)) headers.authorization = `Bearer ${(await source.token(resource)).token}`
 */
export interface ServerTokenSource {
  /** Whether `resource` is one of the servers with their own authorization server. */
  handles(resource: string): boolean
  /**
   * A current access token for `resource`. Rejects with ERR_SIGNED_OUT (no tokens, or the refresh token was
   * refused; the message names `mcp-warden login --server NAME`), ERR_IDP_UNAVAILABLE (the authorization server
   * cannot refresh and the token has expired), ERR_KEYCHAIN_UNAVAILABLE, or ERR_USAGE for a resource it does not handle.
   */
  token(resource: string): Promise<IssuedToken>
  /** Forgets what it holds in memory: the keychain changed (`mcp-warden login|logout --server`). */
  reload(): void
}

function normalise(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url
}

/**
 * @example
 * const source = createServerTokenSource({ servers: { wiki: 'https://wiki.example.com/mcp' }, secrets })
 * const { token } = await source.token('https://wiki.example.com/mcp')
 */
export function createServerTokenSource(options: ServerTokenSourceOptions): ServerTokenSource {
  if (typeof options?.secrets?.get !== 'function') throw new TypeError('createServerTokenSource: options.secrets must be a SecretStore')
  const clock = options.clock ?? systemClock
  const byResource = new Map<string, { name: string; resource: string }>()
  for (const [name, resource] of Object.entries(options.servers ?? {})) byResource.set(normalise(resource), { name, resource })
  const held = new Map<string, ServerTokenRecord>()
  // One lane per server: a slow authorization server holds up only its own server's calls.
  const lanes = new Map<string, TokenLane>()
  const laneOf = (resource: string): TokenLane => {
    const lane = lanes.get(resource) ?? createTokenLane()
    lanes.set(resource, lane)
    return lane
  }
  const now = (): number => Math.floor(clock.now() / 1000)
  const fresh = (record: ServerTokenRecord): boolean => record.expiresAt - REFRESH_AHEAD_SECONDS > now()

  const refresh = async (name: string, record: ServerTokenRecord): Promise<ServerTokenRecord> => {
    if (record.refreshToken === undefined) {
      if (record.expiresAt > now()) return record
      throw serverSignedOut(name, `Your sign-in to ${name} has expired and cannot be renewed.`)
    }
    let tokens
    try {
      tokens = await refreshAuthorization(record.issuer, {
        metadata: record.metadata,
        clientInformation: record.client,
        refreshToken: record.refreshToken,
        resource: record.resource,
        ...(options.fetch === undefined ? {} : { fetchFn: options.fetch }),
      })
    } catch (cause) {
      if (cause instanceof OAuthError && (cause.errorCode === 'invalid_grant' || cause.errorCode === 'invalid_client')) {
        await options.secrets.delete(serverAccount(record.resource))
        throw serverSignedOut(name, `The authorization server of ${name} no longer accepts your sign-in.`)
      }
      if (record.expiresAt > now()) return record
      throw new WardenError('ERR_IDP_UNAVAILABLE', `The authorization server of ${name} (${record.issuer}) could not renew your sign-in. Try again later.`, {
        details: { server: name },
        cause,
      })
    }
    const renewed: ServerTokenRecord = {
      ...record,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token ?? record.refreshToken,
      expiresAt: now() + (tokens.expires_in ?? UNKNOWN_LIFETIME_SECONDS),
      scope: tokens.scope ?? record.scope,
    }
    await writeServerTokens(options.secrets, renewed)
    return renewed
  }

  const current = async (name: string, resource: string): Promise<ServerTokenRecord> => {
    const record = held.get(resource) ?? (await readServerTokens(options.secrets, resource))
    if (record === undefined) throw serverSignedOut(name, `MCP Warden is not signed in to ${name}.`)
    const usable = fresh(record) ? record : await refresh(name, record)
    held.set(resource, usable)
    return usable
  }

  return {
    handles: (resource) => byResource.has(normalise(resource)),
    async token(resource) {
      const server = byResource.get(normalise(resource))
      if (server === undefined) throw new WardenError('ERR_USAGE', `${resource} is not a server with its own authorization server in your settings.`)
      const cached = held.get(server.resource)
      const record =
        cached !== undefined && fresh(cached)
          ? cached
          : await laneOf(server.resource)
              .shared('token', () => current(server.name, server.resource))
              .catch((error: unknown) => {
                held.delete(server.resource)
                throw isWardenError(error) ? error : new WardenError('ERR_INTERNAL', `Reading your sign-in to ${server.name} failed.`, { cause: error })
              })
      return { token: record.accessToken, expiresAt: record.expiresAt }
    },
    reload: () => held.clear(),
  }
}
