/**
 * desktop/src/agent/remote-auth/discover.ts — finds the authorization server of an MCP server that has its own
 * (MCP authorization, 2025-11-25): the server's 401 names its protected-resource metadata (RFC 9728 §5.1), else
 * the well-known `/.well-known/oauth-protected-resource[/path]` is tried; that metadata names the authorization
 * server, whose metadata comes from RFC 8414 or OpenID Connect discovery.
 *
 * Fails closed: metadata that names another resource (RFC 9728 §3.3), an authorization server whose metadata
 * names another issuer (RFC 8414 §3.3), one with endpoints not on https (http only on this machine), or one that
 * does not offer PKCE with S256 is refused.
 */
import { WardenError } from '@mcp-warden/core'
import { discoverAuthorizationServerMetadata, discoverOAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/client/auth.js'
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js'
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js'
import { parseBearerChallenge } from './www-authenticate.js'

/** Where and how to sign in for one MCP server. */
export interface ServerAuthorization {
  /** The MCP server's URL as the settings give it: the `resource` of every request (RFC 8707). */
  readonly resource: string
  /** The authorization server's issuer identifier. */
  readonly issuer: string
  readonly metadata: AuthorizationServerMetadata
  /** The scope the server asks for: its 401 challenge's `scope`, else its metadata's `scopes_supported`. */
  readonly scope?: string | undefined
}

export interface DiscoverOptions {
  readonly fetch?: FetchLike | undefined
}

/** URLs compared as the WHATWG parser normalises them (case of scheme and host, default ports, empty path). */
function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href
}

const LOCAL_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/** https, or http only on this machine (as `upstreams.NAME.url` allows): tokens never cross a network in clear. */
function secureUrl(url: string): boolean {
  if (!URL.canParse(url)) return false
  const { protocol, hostname } = new URL(url)
  return protocol === 'https:' || (protocol === 'http:' && LOCAL_HOSTS.has(hostname))
}

function cannotDiscover(resource: string, what: string, cause?: unknown): WardenError {
  return new WardenError(
    'ERR_UPSTREAM_UNAVAILABLE',
    `MCP Warden could not find where to sign in for ${resource}: ${what}. Check that the server is reachable, or ask your administrator whether it uses your organisation's sign-in (auth: organisation).`,
    { details: { reason: 'authorization-discovery' }, ...(cause === undefined ? {} : { cause }) },
  )
}

/** An unauthenticated `initialize`, as a client's first request: the server's 401 says where its metadata is. */
async function probe(resource: string, fetchFn: FetchLike): Promise<{ resourceMetadata?: string | undefined; scope?: string | undefined }> {
  const response = await fetchFn(resource, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'mcp-warden', version: '0' } } }),
    redirect: 'error',
  })
  await response.body?.cancel()
  if (response.status !== 401) return {}
  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'))
  return { resourceMetadata: challenge?.resourceMetadata, scope: challenge?.scope }
}

/**
 * Discovers the authorization server of the MCP server at `resource`. Rejects with ERR_UPSTREAM_UNAVAILABLE
 * (`details.reason: 'authorization-discovery'`) when the server or its authorization server cannot be found or
 * is refused.
 *
 * @example
 * const found = await discoverServerAuthorization('https://wiki.example.com/mcp')
 * found.metadata.authorization_endpoint // where the browser goes
 */
export async function discoverServerAuthorization(resource: string, options: DiscoverOptions = {}): Promise<ServerAuthorization> {
  const fetchFn = options.fetch ?? fetch
  let challenge
  try {
    challenge = await probe(resource, fetchFn)
  } catch (cause) {
    throw cannotDiscover(resource, 'the server did not answer', cause)
  }
  if (challenge.resourceMetadata !== undefined && !URL.canParse(challenge.resourceMetadata)) {
    throw cannotDiscover(resource, 'its 401 answer names no valid resource_metadata URL')
  }
  let protectedResource
  try {
    protectedResource = await discoverOAuthProtectedResourceMetadata(resource, { resourceMetadataUrl: challenge.resourceMetadata }, fetchFn)
  } catch (cause) {
    throw cannotDiscover(resource, 'it publishes no usable protected-resource metadata (RFC 9728)', cause)
  }
  if (!sameUrl(protectedResource.resource, resource)) {
    throw cannotDiscover(resource, `its protected-resource metadata is for another resource (${protectedResource.resource})`)
  }
  const issuer = protectedResource.authorization_servers?.[0]
  if (issuer === undefined) throw cannotDiscover(resource, 'its protected-resource metadata names no authorization server')
  let metadata
  try {
    metadata = await discoverAuthorizationServerMetadata(issuer, { fetchFn })
  } catch (cause) {
    throw cannotDiscover(resource, `its authorization server ${issuer} publishes no usable metadata`, cause)
  }
  if (metadata === undefined) throw cannotDiscover(resource, `its authorization server ${issuer} publishes no metadata (RFC 8414 or OpenID Connect discovery)`)
  if (!sameUrl(metadata.issuer, issuer)) throw cannotDiscover(resource, `the metadata of ${issuer} names another issuer (${metadata.issuer})`)
  const endpoints = [issuer, metadata.authorization_endpoint, metadata.token_endpoint, ...(metadata.registration_endpoint === undefined ? [] : [metadata.registration_endpoint])]
  if (!endpoints.every(secureUrl)) throw cannotDiscover(resource, `its authorization server ${issuer} has endpoints that do not use https`)
  if (!(metadata.code_challenge_methods_supported ?? []).includes('S256')) {
    throw cannotDiscover(resource, `its authorization server ${issuer} does not offer PKCE with S256, which MCP authorization requires`)
  }
  const scope = challenge.scope ?? (protectedResource.scopes_supported?.length ? protectedResource.scopes_supported.join(' ') : undefined)
  return { resource, issuer, metadata, scope }
}
