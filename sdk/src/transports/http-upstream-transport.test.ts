import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { WardenError } from '@mcp-warden/core'
import { describe, expect, it } from 'vitest'
import { createHttpUpstreamTransport, type HttpUpstreamTransportOptions } from './http-upstream-transport.js'

const URL_ = 'http://127.0.0.1:9/mcp'

interface Seen {
  readonly method: string
  readonly headers: Headers
  readonly body: unknown
}

/** A fake server: answers each POSTed request with `answer(status)` and records what it received. */
function fakeFetch(statuses: number[]): { fetch: NonNullable<HttpUpstreamTransportOptions['fetch']>; seen: Seen[] } {
  const seen: Seen[] = []
  const fetch: HttpUpstreamTransportOptions['fetch'] = async (_url, init) => {
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    seen.push({ method: init?.method ?? 'GET', headers: new Headers(init?.headers), body })
    const status = statuses.shift() ?? 200
    if (status !== 200) return new Response('{"error":"invalid_token"}', { status })
    const request = body as { id?: number; method?: string }
    if (request.id === undefined) return new Response(null, { status: 202 })
    const result = request.method === 'initialize' ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } : {}
    return Response.json({ jsonrpc: '2.0', id: request.id, result }, { headers: { 'mcp-session-id': 'session-1' } })
  }
  return { fetch, seen }
}

async function open(options: Partial<HttpUpstreamTransportOptions> & Pick<HttpUpstreamTransportOptions, 'fetch'>) {
  const tokens: boolean[] = []
  const transport = createHttpUpstreamTransport({
    url: URL_,
    getToken: async ({ retry }) => (tokens.push(retry), `token-${tokens.length}`),
    ...options,
  })
  const received: JSONRPCMessage[] = []
  transport.onmessage = (message) => received.push(message)
  transport.onerror = () => {}
  await transport.start()
  return { transport, received, tokens }
}

const call = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: {} } })

describe('createHttpUpstreamTransport', () => {
  it('sends a bearer token asked for on every request, and the negotiated protocol version after initialize', async () => {
    const { fetch, seen } = fakeFetch([])
    const { transport, received, tokens } = await open({ fetch })
    await transport.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } } })
    await transport.send(call(1))
    expect(seen.map((s) => s.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2'])
    expect(tokens).toEqual([false, false])
    expect(seen[1]?.headers.get('mcp-protocol-version')).toBe('2025-06-18')
    expect(seen[1]?.headers.get('mcp-session-id')).toBe('session-1')
    expect(received.map((m) => ('id' in m ? m.id : undefined))).toEqual([0, 1])
  })

  it('retries once with a fresh token when the server answers 401', async () => {
    const { fetch, seen } = fakeFetch([401])
    const { transport, received, tokens } = await open({ fetch })
    await transport.send(call(1))
    expect(tokens).toEqual([false, true])
    expect(seen.map((s) => s.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2'])
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }])
  })

  it('answers a tool call with a tool error when the server refuses the fresh token too, and never shows the token', async () => {
    const { fetch } = fakeFetch([401, 401])
    const failures: number[] = []
    const { transport, received } = await open({ fetch, onAuthFailure: ({ status }) => failures.push(status) })
    await transport.send(call(7))
    expect(failures).toEqual([401])
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({ id: 7, result: { isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_IDENTITY_UNKNOWN' } } } })
    const text = JSON.stringify(received[0])
    expect(text).toContain('mcp-warden login')
    expect(text).not.toContain('token-')
  })

  it('answers a request with ERR_UPSTREAM_UNAVAILABLE when the server cannot be reached', async () => {
    const fetch: HttpUpstreamTransportOptions['fetch'] = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) })
    }
    const { transport, received } = await open({ fetch })
    await transport.send({ jsonrpc: '2.0', id: 'r', method: 'resources/list', params: {} })
    expect(received).toEqual([
      { jsonrpc: '2.0', id: 'r', error: expect.objectContaining({ data: expect.objectContaining({ code: 'ERR_UPSTREAM_UNAVAILABLE' }) }) },
    ])
    expect(JSON.stringify(received[0])).toContain('ECONNREFUSED')
  })

  it('answers with the error the token source threw, without calling the server', async () => {
    const { fetch, seen } = fakeFetch([])
    const { transport, received } = await open({
      fetch,
      getToken: async () => {
        throw new WardenError('ERR_SIGNED_OUT', 'Sign in to MCP Warden.')
      },
    })
    await transport.send(call(2))
    expect(seen).toEqual([])
    expect(received[0]).toMatchObject({ id: 2, result: { isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_SIGNED_OUT' } } } })
  })

  it('refuses a token that could not be a header value, without echoing it', async () => {
    const { fetch, seen } = fakeFetch([])
    const { transport, received } = await open({ fetch, getToken: async () => 'secret\r\nX-Injected: 1' })
    await transport.send(call(3))
    expect(seen).toEqual([])
    expect(received[0]).toMatchObject({ result: { _meta: { 'dev.mcpwarden/denial': { code: 'ERR_IDENTITY_UNKNOWN' } } } })
    expect(JSON.stringify(received[0])).not.toContain('secret')
  })

  it('ends the HTTP session on close', async () => {
    const { fetch, seen } = fakeFetch([])
    const { transport } = await open({ fetch })
    await transport.send(call(1))
    let closed = false
    transport.onclose = () => (closed = true)
    await transport.close()
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE' })
    expect(seen.at(-1)?.headers.get('authorization')).toBe('Bearer token-2')
    expect(closed).toBe(true)
  })

  it.each([
    ['http://mcp.example.com/mcp', /https/],
    ['not a url', /absolute URL/],
    ['https://user:pw@mcp.example.com/mcp', /credentials/],
  ])('refuses the URL %s', (url, message) => {
    expect(() => createHttpUpstreamTransport({ url, getToken: async () => 't' })).toThrow(message)
  })

  it('refuses a missing token source', () => {
    expect(() => createHttpUpstreamTransport({ url: URL_ } as unknown as HttpUpstreamTransportOptions)).toThrow(TypeError)
  })
})
