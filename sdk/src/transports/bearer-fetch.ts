/**
 * sdk/src/transports/bearer-fetch.ts — a fetch that sends `Authorization: Bearer <token>` on every request, with
 * the token asked for per request (so a refreshed token applies at once), and one retry with a fresh token when
 * the server answers 401 (MCP 2025-11-25, Authorization § Access Token Usage: the token goes in the header of
 * every HTTP request, never in the URL).
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js'
import { WardenError } from '@mcp-warden/core'

/** What a token source is told: the server it is for, and whether the server refused the previous token. */
export interface UpstreamTokenRequest {
  /** The MCP endpoint the token is sent to; its audience must be this server (RFC 8707). */
  readonly url: URL
  /** True after the server answered 401: return a newly obtained token, not a cached one. */
  readonly retry: boolean
}

/** Returns an access token for `request.url`, or throws (a WardenError such as ERR_SIGNED_OUT is passed on). */
export type UpstreamTokenSource = (request: UpstreamTokenRequest) => Promise<string>

/** Options of {@link createBearerFetch}. */
export interface BearerFetchOptions {
  readonly url: URL
  readonly getToken: UpstreamTokenSource
  /** The fetch underneath; default the global fetch. */
  readonly fetch?: FetchLike | undefined
}

/** A header value must not carry line breaks or controls; a token source that returns one is broken. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/

async function tokenFor(getToken: UpstreamTokenSource, url: URL, retry: boolean): Promise<string> {
  const token: unknown = await getToken({ url, retry })
  if (typeof token !== 'string' || !TOKEN_CHARS.test(token)) {
    // Never echo the value: it may be a token.
    throw new WardenError(
      'ERR_IDENTITY_UNKNOWN',
      `MCP Warden has no usable access token for the MCP server at ${url.origin}. Sign in to MCP Warden (\`mcp-warden login\`) and try again.`,
      { stage: 'proxy', details: { reason: 'no-upstream-token' } },
    )
  }
  return token
}

/**
 * Wraps `fetch` so every request carries the bearer token from `getToken`.
 *
 * @example
 * const fetchWithToken = createBearerFetch({ url, getToken: async ({ retry }) => agent.upstreamToken(url, { fresh: retry }) })
 * const transport = new StreamableHTTPClientTransport(url, { fetch: fetchWithToken })
 */
export function createBearerFetch(options: BearerFetchOptions): FetchLike {
  const { url, getToken } = options
  const base: FetchLike = options.fetch ?? ((input, init) => fetch(input, init))
  async function attempt(input: string | URL, init: RequestInit | undefined, retry: boolean): Promise<Response> {
    const headers = new Headers(init?.headers)
    headers.set('authorization', `Bearer ${await tokenFor(getToken, url, retry)}`)
    return base(input, { ...init, headers })
  }
  return async (input, init) => {
    const first = await attempt(input, init, false)
    // A body that is a stream was consumed by the first attempt and cannot be sent again; the SDK sends strings.
    if (first.status !== 401 || init?.body instanceof ReadableStream) return first
    await first.body?.cancel().catch(() => {})
    return attempt(input, init, true)
  }
}
