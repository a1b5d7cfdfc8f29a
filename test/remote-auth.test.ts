/**
 * An MCP server with its own authorization server, with real parts: a second oidc-provider (the development IdP
 * with dynamic client registration) as that server's authorization server, and a Streamable HTTP MCP server in
 * its own process that sends 401 with `resource_metadata` and accepts only that authorization server's tokens
 * for its own URL. The sign-in runs in this process; the browser is played over HTTP by the IdP's `authorize`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServerTokenSource, forgetServerTokens, readServerTokens, signInToServer, type ServerTokenRecord } from '../desktop/src/agent/remote-auth/index.js'
import { createMemorySecretStore } from '../desktop/src/agent/secrets/memory-secret-store.js'
import type { ClientPage } from '../desktop/src/demo/dev-idp-approve.js'
import { signInAs, startDevIdp, type DevIdp } from './helpers/idp.js'
import { startBearerServer, type BearerServer } from './helpers/bearer-server.js'

let dir: string
let serverAs: DevIdp
let server: BearerServer

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-remote-auth-'))
  serverAs = await startDevIdp({ registration: true, deviceFlow: false })
  server = await startBearerServer(serverAs.issuer, join(dir, 'wiki.jsonl'), 'protected-resource')
})

afterAll(async () => {
  await server?.stop()
  await serverAs?.close()
  await rm(dir, { recursive: true, force: true })
})

async function echo(token: string | undefined, message: string): Promise<string> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } })
  const client = new Client({ name: 'remote-auth-test', version: '1.0.0' })
  await client.connect(transport)
  try {
    const result = await client.callTool({ name: 'echo', arguments: { message } })
    return (result.content as { text: string }[])[0]!.text
  } finally {
    await client.close()
  }
}

/** Signs in as `accountId`; the browser page the loopback redirect answered comes back too. */
async function signIn(secrets: ReturnType<typeof createMemorySecretStore>, accountId: string | 'deny') {
  let page: Promise<ClientPage> | undefined
  const done = signInToServer({
    name: 'wiki',
    resource: server.url,
    secrets,
    openBrowser: async (url) => {
      page = serverAs.authorize(url, accountId === 'deny' ? 'deny' : { accountId })
      page.catch(() => undefined)
    },
  })
  const result = await done.catch((error: unknown) => error as Error)
  return { result, page: await page }
}

describe('an MCP server with its own authorization server', () => {
  it('refuses a call without a token, naming where its metadata is', async () => {
    await expect(echo(undefined, 'hi')).rejects.toThrow()
    expect((await server.entries()).at(-1)).toMatchObject({ refused: 'POST', reason: 'missing' })
  })

  it('signs in by discovery, dynamic registration and PKCE with the resource; its tokens call the server and refresh once for concurrent callers', async () => {
    const secrets = createMemorySecretStore()
    const { result, page } = await signIn(secrets, 'alice')
    expect(result).toMatchObject({ issuer: serverAs.issuer, refreshable: true, scope: 'mcp' })
    expect(page?.html).toContain('signed in to wiki')
    const record = (await readServerTokens(secrets, server.url)) as ServerTokenRecord
    expect(record.client.client_id).not.toBe(serverAs.clientId) // registered for this sign-in
    expect(JSON.stringify(await server.entries())).not.toContain(record.accessToken)

    let now = Date.now()
    const clock = { now: () => now, monotonic: () => now }
    const source = createServerTokenSource({ servers: { wiki: server.url }, secrets, clock })
    expect(source.handles(server.url)).toBe(true)
    expect(source.handles('http://127.0.0.1:1/other')).toBe(false)
    const first = await source.token(server.url)
    expect(first.token).toBe(record.accessToken)
    expect(await echo(first.token, 'one')).toBe('Echo: one')
    expect((await server.entries()).at(-1)).toMatchObject({ tool: 'echo', sub: 'alice', aud: server.url, clientId: record.client.client_id })

    now += 3600 * 1000 // the access token has expired
    const refreshesBefore = serverAs.grants()['refresh_token'] ?? 0
    const tokens = await Promise.all([source.token(server.url), source.token(server.url), source.token(server.url)])
    expect(serverAs.grants()['refresh_token']).toBe(refreshesBefore + 1)
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1)
    expect(tokens[0]!.token).not.toBe(first.token)
    expect(await echo(tokens[0]!.token, 'two')).toBe('Echo: two')
    const stored = (await readServerTokens(secrets, server.url)) as ServerTokenRecord
    expect(stored.accessToken).toBe(tokens[0]!.token)
    expect(stored.refreshToken).not.toBe(record.refreshToken) // rotated, and the rotation kept

    // Logout revokes the refresh token; a stale copy of the record is then refused and forgotten.
    expect(await forgetServerTokens(server.url, { secrets })).toEqual({ removed: true, revoked: true })
    await expect(source.token(server.url)).resolves.toBeDefined() // still held in memory until reload
    source.reload()
    await expect(source.token(server.url)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', message: expect.stringContaining('mcp-warden login --server wiki') })
    await secrets.set(`server:${server.url}`, JSON.stringify({ ...stored, expiresAt: 0 }))
    await expect(source.token(server.url)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', message: expect.stringContaining('no longer accepts your sign-in') })
    expect(await secrets.get(`server:${server.url}`)).toBeUndefined()
  })

  it('keeps nothing when the person denies access', async () => {
    const secrets = createMemorySecretStore()
    const { result, page } = await signIn(secrets, 'deny')
    expect(result).toMatchObject({ code: 'ERR_SIGNED_OUT', message: expect.stringContaining('access was denied') })
    expect(page?.html).toContain('sign-in-failed')
    expect(await readServerTokens(secrets, server.url)).toBeUndefined()
  })

  it('is refused a token the organisation IdP minted for the same URL', async () => {
    const orgIdp = await startDevIdp()
    try {
      const { accessToken } = await signInAs(orgIdp, 'alice', { resource: server.url })
      await expect(echo(accessToken, 'x')).rejects.toThrow()
      expect((await server.entries()).at(-1)).toMatchObject({ refused: 'POST' })
    } finally {
      await orgIdp.close()
    }
  })
})
