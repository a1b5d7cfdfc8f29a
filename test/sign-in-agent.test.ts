/**
 * Sign-in and the agent, end to end with real parts: `mcp-warden login --device` against the development IdP
 * (oidc-provider), the session in a real gnome-keyring on a private D-Bus bus, proxies that start and share one
 * agent, published MCP servers over stdio and a Streamable HTTP server that checks its bearer token's audience.
 *
 * Needs dbus-daemon, gnome-keyring-daemon and gdbus (`.ci/with-keyring.sh` / CI): skipped with a message without
 * them, and failing instead when MCP_WARDEN_REQUIRE_KEYCHAIN=1.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stopAgent } from './helpers/agent-session.js'
import { startBearerServer, type BearerServer } from './helpers/bearer-server.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy } from './helpers/governed.js'
import { connectProxy, echo, EVERYTHING, keyringSuite, startSignedInWorld, type SignedInWorld } from './helpers/signed-in-world.js'

const { skip, title } = keyringSuite('sign-in and the agent')

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const DENIAL = 'dev.mcpwarden/denial'
const RECORDER = fileURLToPath(new URL('./fixtures/raw-recording-server.mjs', import.meta.url))
/** A stdio server listed in the settings' upstreams: it gets a token issued for this resource under `_meta`. */
const RECORDER_RESOURCE = 'https://recorder.internal/mcp'
// Limits and a budget too: they are kept by the agent, so a proxy's limits stage goes over its socket.
const POLICY = testPolicy(
  `costs:
  "*/*": 1
rules:
  - id: engineers-echo
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything, remote, recorder]
    tools: [echo]
`,
  `content: { action: redact }
  rateLimits:
    - { id: per-tool-per-minute, scope: user-tool, capacity: 50, windowSeconds: 60 }
  budgets:
    - { id: daily-budget, scope: user, limit: 100, period: day }`,
)

let world: SignedInWorld
let remote: BearerServer

/** Processes running `mcp-warden agent` with this file's settings (other test files start agents of their own). */
function agentProcesses(): number[] {
  const pids: number[] = []
  const mine = `MCP_WARDEN_DEV_SETTINGS=${world.env['MCP_WARDEN_DEV_SETTINGS']}`
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (!argv.includes(CLI) || !argv.includes('agent')) continue
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(mine)) pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

/** A host (the SDK's Client) that launched the proxy in front of server-everything, the recorder, or the HTTP server. */
function connectHost(upstream: 'stdio' | 'http' | 'recorder'): Promise<Client> {
  return connectProxy(
    world,
    upstream === 'stdio'
      ? { name: 'everything', upstream: EVERYTHING }
      : upstream === 'recorder'
        ? { name: 'recorder', upstream: { command: [process.execPath, RECORDER, join(world.dir, 'recorder.jsonl')] } }
        : { name: 'remote', upstream: { url: remote.url } },
  )
}

describe.skipIf(skip)(title, () => {
  beforeAll(async () => {
    world = await startSignedInWorld({
      prefix: 'warden-sign-in-',
      policy: POLICY,
      prepare: async ({ idp, dir }) => {
        remote = await startBearerServer(idp.issuer, join(dir, 'remote.jsonl'))
        return { settings: `upstreams:\n  remote: { url: "${remote.url}" }\n  recorder: { url: "${RECORDER_RESOURCE}" }\n` }
      },
    })
  })

  afterAll(async () => {
    await remote?.stop()
    await world?.stop()
  })

  it('signs in with a device code the person approves at the IdP, and keeps the session in the keychain', async () => {
    const result = await world.login('alice')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Signed in as alice@example.com at ${world.idp.issuer}. The session is kept in your keychain.`)
    expect(world.idp.grants()[DEVICE_GRANT]).toBe(1)

    const status = await runNode([CLI, 'status', '--json'], world.env)
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({
      session: { state: 'signed-in', user: { subject: 'alice', email: 'alice@example.com', issuer: world.idp.issuer }, refreshable: true },
      keychain: 'available',
      settings: { source: 'development-override', issuer: world.idp.issuer },
      agent: { running: false },
    })
    expect(status.stdout).not.toMatch(/eyJ/) // no token in the report
  })

  it('two proxies start one agent; both calls are in its audit log under the signed-in person', async () => {
    const hosts = await Promise.all([connectHost('stdio'), connectHost('stdio')])
    try {
      const results = await Promise.all(hosts.map((host, i) => echo(host, `hello from proxy ${i}`)))
      expect(results.map((r) => [r.isError ?? false, r.content[0]?.text])).toEqual([
        [false, 'Echo: hello from proxy 0'],
        [false, 'Echo: hello from proxy 1'],
      ])
    } finally {
      await Promise.all(hosts.map((host) => host.close()))
    }
    const calls = (await world.readAudit()).filter((r) => r.method === 'tools/call' && r.kind === 'decision')
    expect(calls).toHaveLength(2)
    expect(calls.every((r) => r.decision === 'allow' && r.outcome === 'forwarded' && r.identity?.email === 'alice@example.com')).toBe(true)
    expect(new Set(calls.map((r) => r.sessionId)).size).toBe(2)
    expect(agentProcesses()).toHaveLength(1)

    const status = JSON.parse((await runNode([CLI, 'status', '--json'], world.env)).stdout) as { agent: { running: boolean } }
    expect(status.agent.running).toBe(true)
  })

  it('ten proxies at once share the agent: one sign-in, one refresh for the HTTP server, whose tokens all carry its audience', async () => {
    const before = world.idp.grants()
    const hosts = await Promise.all(Array.from({ length: 10 }, () => connectHost('http')))
    try {
      const results = await Promise.all(hosts.map((host, i) => echo(host, `call ${i}`)))
      expect(results.filter((r) => r.isError === true)).toEqual([])
    } finally {
      await Promise.all(hosts.map((host) => host.close()))
    }
    const received = (await remote.entries()).filter((entry) => entry.tool === 'echo')
    expect(received).toHaveLength(10)
    expect(received.every((entry) => entry.sub === 'alice' && entry.aud === remote.url)).toBe(true)
    const after = world.idp.grants()
    expect(after[DEVICE_GRANT]).toBe(before[DEVICE_GRANT])
    // The agent asked for the server's token once (RFC 8707 resource on a refresh) and served it to all ten.
    expect((after['refresh_token'] ?? 0) - (before['refresh_token'] ?? 0)).toBe(1)
    expect(agentProcesses()).toHaveLength(1)
  })

  it('gives a stdio server listed in the settings a token issued for it, with the identity under _meta', async () => {
    const host = await connectHost('recorder')
    try {
      expect((await echo(host, 'who am I')).isError ?? false).toBe(false)
    } finally {
      await host.close()
    }
    const lines = (await readFile(join(world.dir, 'recorder.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { method?: string; params?: { _meta?: Record<string, { sub?: string; token?: string }> } })
    const identity = lines.find((line) => line.method === 'tools/call')?.params?._meta?.['dev.mcpwarden/identity']
    expect(identity?.sub).toBe('alice')
    const claims = JSON.parse(Buffer.from(identity?.token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown; sub?: unknown }
    expect(claims).toMatchObject({ aud: RECORDER_RESOURCE, sub: 'alice' })
  })

  it('fails closed while the agent is gone, and a new agent serves the next call', async () => {
    const host = await connectHost('stdio')
    try {
      expect((await echo(host, 'before')).isError ?? false).toBe(false)
      await stopAgent(world.env['XDG_RUNTIME_DIR']!, 'SIGKILL')
      const refused = await echo(host, 'while it is gone')
      expect(refused.isError).toBe(true)
      expect(refused._meta?.[DENIAL]?.code).toBe('ERR_AGENT_UNAVAILABLE')
      expect(refused.content[0]?.text).toContain('mcp-warden agent')
      const after = await echo(host, 'after')
      expect([after.isError ?? false, after.content[0]?.text]).toEqual([false, 'Echo: after'])
      expect(agentProcesses()).toHaveLength(1)
    } finally {
      await host.close()
    }
  })

  it('signs out: the IdP revokes the session and every proxy refuses with what to do', async () => {
    const result = await runNode([CLI, 'logout'], world.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Your refresh token was revoked at the identity provider')
    const host = await connectHost('stdio')
    try {
      const refused = await echo(host, 'after logout')
      expect(refused.isError).toBe(true)
      expect(refused._meta?.[DENIAL]?.code).toBe('ERR_SIGNED_OUT')
      expect(refused.content[0]?.text).toContain('mcp-warden login')
    } finally {
      await host.close()
    }
    const status = await runNode([CLI, 'status'], world.env)
    expect(status.code).toBe(1)
    expect(status.stdout).toContain('Sign in with `mcp-warden login`')
  })
})
