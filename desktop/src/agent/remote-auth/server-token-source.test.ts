import { describe, expect, it } from 'vitest'
import { createMemorySecretStore } from '../secrets/memory-secret-store.js'
import type { AgentSession } from '../session/agent-session.js'
import { createServerTokenSource } from './server-token-source.js'
import { serverAccount, type ServerTokenRecord } from './server-token-record.js'
import { withServerTokens } from './with-server-tokens.js'

const WIKI = 'https://wiki.example.com/mcp'
const AS = 'https://auth.example.com'
const NOW = 1_800_000_000

function record(overrides: Partial<ServerTokenRecord> = {}): ServerTokenRecord {
  return {
    v: 1,
    resource: WIKI,
    issuer: AS,
    metadata: { issuer: AS, authorization_endpoint: `${AS}/authorize`, token_endpoint: `${AS}/token`, response_types_supported: ['code'] },
    client: { client_id: 'registered-1' },
    accessToken: 'access-1',
    refreshToken: 'refresh-1',
    expiresAt: NOW + 3600,
    ...overrides,
  }
}

/** The token endpoint: answers each refresh with `answer(n)` and records the requests' bodies. */
function tokenEndpoint(answer: (n: number) => Response | Promise<Response>) {
  const bodies: URLSearchParams[] = []
  const fetch = async (_url: string | URL, init?: RequestInit): Promise<Response> => {
    bodies.push(new URLSearchParams(String(init?.body)))
    return answer(bodies.length)
  }
  return { fetch, bodies }
}

const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const clock = { now: () => NOW * 1000, monotonic: () => 0 }

async function setup(stored: ServerTokenRecord | undefined, answer: (n: number) => Response | Promise<Response> = () => json({ error: 'server_error' }, 500)) {
  const secrets = createMemorySecretStore()
  if (stored !== undefined) await secrets.set(serverAccount(WIKI), JSON.stringify(stored))
  const endpoint = tokenEndpoint(answer)
  const source = createServerTokenSource({ servers: { wiki: WIKI }, secrets, clock, fetch: endpoint.fetch })
  return { secrets, source, bodies: endpoint.bodies }
}

describe('createServerTokenSource', () => {
  it('serves a fresh stored token without asking the authorization server, for the URL however it is spelled', async () => {
    const { source, bodies } = await setup(record())
    expect(source.handles('HTTPS://Wiki.Example.com:443/mcp')).toBe(true)
    expect(source.handles('https://wiki.example.com/other')).toBe(false)
    expect(await source.token('HTTPS://Wiki.Example.com:443/mcp')).toEqual({ token: 'access-1', expiresAt: NOW + 3600 })
    expect(bodies).toHaveLength(0)
  })

  it('without tokens is signed out and names the command that signs in', async () => {
    const { source } = await setup(undefined)
    await expect(source.token(WIKI)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', details: { server: 'wiki' }, message: expect.stringContaining('Run `mcp-warden login --server wiki`') })
    await expect(source.token('https://other.example.com/mcp')).rejects.toMatchObject({ code: 'ERR_USAGE' })
  })

  it('refreshes once for concurrent callers, with the resource, and keeps the rotated refresh token', async () => {
    const { source, bodies, secrets } = await setup(record({ expiresAt: NOW + 30 }), () => json({ access_token: 'access-2', token_type: 'Bearer', expires_in: 600, refresh_token: 'refresh-2' }))
    const tokens = await Promise.all([source.token(WIKI), source.token(WIKI), source.token(WIKI)])
    expect(tokens).toEqual(Array(3).fill({ token: 'access-2', expiresAt: NOW + 600 }))
    expect(bodies).toHaveLength(1)
    expect(Object.fromEntries(bodies[0]!)).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1', resource: WIKI, client_id: 'registered-1' })
    expect(JSON.parse((await secrets.get(serverAccount(WIKI)))!)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2', expiresAt: NOW + 600 })
  })

  it('forgets a refresh token the authorization server refuses', async () => {
    const { source, secrets } = await setup(record({ expiresAt: NOW - 1 }), () => json({ error: 'invalid_grant' }, 400))
    await expect(source.token(WIKI)).rejects.toMatchObject({ code: 'ERR_SIGNED_OUT', message: expect.stringContaining('no longer accepts your sign-in') })
    expect(await secrets.get(serverAccount(WIKI))).toBeUndefined()
  })

  it('keeps using a still-valid token while the authorization server fails, and says it is unavailable once it has expired', async () => {
    const failing = async (): Promise<Response> => {
      throw new TypeError('fetch failed')
    }
    const soon = await setup(record({ expiresAt: NOW + 30 }), failing)
    expect(await soon.source.token(WIKI)).toEqual({ token: 'access-1', expiresAt: NOW + 30 })
    const expired = await setup(record({ expiresAt: NOW - 1 }), failing)
    await expect(expired.source.token(WIKI)).rejects.toMatchObject({ code: 'ERR_IDP_UNAVAILABLE', details: { server: 'wiki' } })
    expect(await expired.secrets.get(serverAccount(WIKI))).toBeDefined()
  })

  it('re-reads the keychain after reload', async () => {
    const { source, secrets } = await setup(record())
    expect((await source.token(WIKI)).token).toBe('access-1')
    await secrets.set(serverAccount(WIKI), JSON.stringify(record({ accessToken: 'access-9' })))
    expect((await source.token(WIKI)).token).toBe('access-1')
    source.reload()
    expect((await source.token(WIKI)).token).toBe('access-9')
  })

  it('is never given a token by the organisation session for a server with its own authorization server', async () => {
    const { source } = await setup(record())
    const asked: string[] = []
    const org = {
      status: async () => ({ state: 'signed-out', reason: 'never' }) as const,
      idToken: async () => ({ token: 'id', expiresAt: NOW }),
      upstreamToken: async (resource: string) => {
        asked.push(resource)
        return { token: 'org', expiresAt: NOW }
      },
      reload: async () => ({ state: 'signed-out', reason: 'never' }) as const,
    } satisfies AgentSession
    const session = withServerTokens(org, source)
    expect((await session.upstreamToken(WIKI)).token).toBe('access-1')
    expect((await session.upstreamToken('https://crm.example.com/mcp')).token).toBe('org')
    expect(asked).toEqual(['https://crm.example.com/mcp'])
  })
})
