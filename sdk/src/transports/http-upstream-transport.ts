/**
 * sdk/src/transports/http-upstream-transport.ts — a Transport to a remote MCP server over Streamable HTTP
 * (MCP 2025-11-25, Transports § Streamable HTTP), sending an access token for that server as
 * `Authorization: Bearer` on every HTTP request.
 *
 * Built on the SDK's StreamableHTTPClientTransport (sessions, SSE streams, server→client requests and
 * notifications, resumption), so the bridge can put it where a StdioChildTransport goes. What it adds:
 * - the bearer token, asked for per request from an injected `getToken`, with one retry on 401;
 * - a request that could not be delivered (server down, token refused) is ANSWERED with an error response
 *   through `onmessage` — ERR_UPSTREAM_UNAVAILABLE, ERR_IDENTITY_UNKNOWN, or the WardenError `getToken` threw — so
 *   the requester never waits for ever; a failed notification or response is reported through `onerror`;
 * - the negotiated protocol version is read from the initialize result and sent as `MCP-Protocol-Version`;
 * - `close()` ends the HTTP session (DELETE) when the server gave one.
 * The transport stays open while the server is down: the next request is tried again.
 *
 * Limits, inherited from HTTP and the SDK: each message is its own POST, so two messages sent back to back may
 * reach the server in either order (a host's initialize → initialized is safe: it waits for the result); the
 * standalone GET stream is retried twice after a disconnect and then left closed; a 404 for a session the server
 * forgot is answered as ERR_UPSTREAM_UNAVAILABLE rather than starting a new session.
 */
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { FetchLike, Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { isWardenError, toErrorResponse, WardenError, type JsonRpcId } from '@mcp-warden/core'
import { createBearerFetch, type UpstreamTokenSource } from './bearer-fetch.js'

/** Options of {@link createHttpUpstreamTransport}. */
export interface HttpUpstreamTransportOptions {
  /** The server's MCP endpoint. https, or http on a loopback address (127.0.0.1, ::1, localhost). */
  readonly url: string | URL
  /** An access token whose audience is this server; called for every HTTP request. Never logged. */
  readonly getToken: UpstreamTokenSource
  /** The fetch underneath; default the global fetch. */
  readonly fetch?: FetchLike | undefined
  /** Called when the server refused a freshly obtained token too (HTTP 401 twice in a row). */
  readonly onAuthFailure?: ((failure: { readonly url: URL; readonly status: number }) => void) | undefined
  /** How long close() waits for the server to end the session. Default 2000 ms. */
  readonly closeTimeoutMs?: number | undefined
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])
const DEFAULT_CLOSE_TIMEOUT_MS = 2000

/**
 * The Transport returned by {@link createHttpUpstreamTransport}.
 */
export class HttpUpstreamTransport implements Transport {
  onclose?: (() => void) | undefined
  onerror?: ((error: Error) => void) | undefined
  onmessage?: Transport['onmessage']

  readonly #url: URL
  readonly #inner: StreamableHTTPClientTransport
  readonly #options: HttpUpstreamTransportOptions
  /** Ids of initialize requests sent, so their result can set the protocol version header. */
  readonly #initializing = new Set<JsonRpcId>()
  #closing = false

  constructor(options: HttpUpstreamTransportOptions) {
    this.#url = checkOptions(options)
    this.#options = options
    const fetch = createBearerFetch({ url: this.#url, getToken: options.getToken, fetch: options.fetch })
    this.#inner = new StreamableHTTPClientTransport(this.#url, { fetch })
    this.#inner.onmessage = (message) => {
      this.#observe(message)
      this.onmessage?.(message)
    }
    this.#inner.onerror = (error) => {
      if (!this.#closing) this.onerror?.(error)
    }
    this.#inner.onclose = () => this.onclose?.()
  }

  /** The HTTP session id the server assigned, once initialized. */
  get sessionId(): string | undefined {
    return this.#inner.sessionId
  }

  start(): Promise<void> {
    return this.#inner.start()
  }

  /** Posts the message; a request that cannot be delivered is answered with an error (see the file comment). */
  async send(message: JSONRPCMessage | JSONRPCMessage[], options?: TransportSendOptions): Promise<void> {
    const messages = Array.isArray(message) ? message : [message]
    for (const item of messages) if ('method' in item && item.method === 'initialize' && 'id' in item) this.#initializing.add(item.id)
    try {
      await this.#inner.send(message as JSONRPCMessage, options)
    } catch (error) {
      // The inner transport has reported `error` through onerror already.
      const failure = this.#toWardenError(error)
      for (const item of messages) {
        if (!('method' in item) || !('id' in item)) continue
        this.#initializing.delete(item.id)
        this.onmessage?.(toErrorResponse(item.id, failure, { asToolResult: item.method === 'tools/call' }) as JSONRPCMessage)
      }
    }
  }

  /** Ends the HTTP session (bounded by `closeTimeoutMs`), then closes; `onclose` fires. */
  async close(): Promise<void> {
    if (this.#closing) return
    this.#closing = true
    if (this.#inner.sessionId !== undefined) {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS)))
      await Promise.race([this.#inner.terminateSession().catch(() => {}), timeout])
      clearTimeout(timer)
    }
    await this.#inner.close()
  }

  #observe(message: JSONRPCMessage): void {
    if (!('id' in message) || 'method' in message || message.id === undefined || !this.#initializing.delete(message.id)) return
    const version = 'result' in message ? message.result['protocolVersion'] : undefined
    if (typeof version === 'string') this.#inner.setProtocolVersion(version)
  }

  #toWardenError(error: unknown): WardenError {
    if (isWardenError(error)) return error
    const origin = this.#url.origin
    if (error instanceof StreamableHTTPError && error.code === 401) {
      this.#options.onAuthFailure?.({ url: this.#url, status: 401 })
      return new WardenError(
        'ERR_IDENTITY_UNKNOWN',
        `The MCP server at ${origin} refused MCP Warden's credentials, even a freshly obtained token. Sign in to MCP Warden again (\`mcp-warden login\`); if it keeps happening, ask your administrator whether your account may use this server.`,
        { stage: 'proxy', cause: error, details: { reason: 'http-401' } },
      )
    }
    if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) {
      return new WardenError(
        'ERR_UPSTREAM_UNAVAILABLE',
        `The MCP server at ${origin} answered HTTP ${error.code}. Try again later; if it persists, check the server or ask its administrator.`,
        { stage: 'proxy', cause: error, details: { reason: `http-${error.code}` } },
      )
    }
    const code = networkCode(error)
    return new WardenError(
      'ERR_UPSTREAM_UNAVAILABLE',
      `Could not reach the MCP server at ${origin}${code === undefined ? '' : ` (${code})`}. Check that it is running and that the URL in your MCP client configuration is right, then try again.`,
      { stage: 'proxy', cause: error, details: { reason: code ?? 'unreachable' } },
    )
  }
}

/** `fetch failed` hides the reason in `cause` (undici): ECONNREFUSED, ENOTFOUND, … */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause
  return typeof cause?.code === 'string' ? cause.code : undefined
}

function checkOptions(options: HttpUpstreamTransportOptions): URL {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  const raw = options.url
  if (!(raw instanceof URL) && !(typeof raw === 'string' && URL.canParse(raw))) throw new TypeError('"url" must be an absolute URL')
  const url = new URL(raw)
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
  // A bearer token in clear text could be read on the way (OAuth 2.1 §1.5); loopback never leaves the machine.
  if (!secure) throw new TypeError('"url" must use https (http is allowed only for 127.0.0.1, [::1] and localhost)')
  if (url.username !== '' || url.password !== '') throw new TypeError('"url" must not contain credentials; they come from getToken')
  if (typeof options.getToken !== 'function') throw new TypeError('"getToken" must be a function returning a Promise of the access token')
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('"fetch" must be a function')
  const timeout = options.closeTimeoutMs
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new TypeError('closeTimeoutMs must be a positive number of milliseconds')
  return url
}

/**
 * A Transport to a Streamable HTTP MCP server that authenticates every HTTP request with a bearer token.
 *
 * @example
 * const upstream = createHttpUpstreamTransport({
 *   url: 'https://mcp.example.com/mcp',
 *   getToken: async ({ url, retry }) => agent.upstreamToken(url.href, { fresh: retry }),
 * })
 * const bridge = createBridge({ client: hostTransport, server: upstream, governance })
 * await bridge.start()
 */
export function createHttpUpstreamTransport(options: HttpUpstreamTransportOptions): HttpUpstreamTransport {
  return new HttpUpstreamTransport(options)
}
