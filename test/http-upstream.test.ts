/**
 * `mcp-warden proxy --url`: the built CLI between an SDK Client (the host, over stdio) and a real Streamable HTTP
 * MCP server in its own process, which accepts only an access token from the development IdP whose audience is
 * its own URL (RFC 8707), checked with jose against the IdP's JWKS.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBearerServer, type BearerServer } from './helpers/bearer-server.js'
import { CLI, runNode } from './helpers/cli.js'
import { testPolicy, writeProxySetup, type ProxySetup, type ToolResult } from './helpers/governed.js'
import { signInAs, startDevIdp, type DevIdp } from './helpers/idp.js'

const POLICY = testPolicy(`rules:
  - id: engineering-crm
    effect: allow
    subjects: { groups: [engineering] }
    servers: [crm]
    tools: [echo, ask]
`)


let dir: string
let idp: DevIdp
let server: BearerServer
let setup: ProxySetup
let idToken: string
let accessToken: string

function startServer(name: string): Promise<BearerServer> {
  return startBearerServer(idp.issuer, join(dir, `${name}.jsonl`))
}

/** The host: an SDK Client that launched `mcp-warden proxy --url`. Its stderr is kept to check nothing leaks. */
async function launch(url: string, env: Record<string, string | undefined>, capabilities: ConstructorParameters<typeof Client>[1] = { capabilities: {} }) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'proxy', '--config', setup.configPath, '--name', 'crm', '--url', url],
    env: { ...(process.env as Record<string, string>), MCP_WARDEN_TOKEN: idToken, ...env } as Record<string, string>,
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const client = new Client({ name: 'warden-test', version: '1.0.0' }, capabilities)
  return { client, transport, stderr: () => stderr }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'warden-http-'))
  idp = await startDevIdp()
  server = await startServer('crm')
  ;({ idToken, accessToken } = await signInAs(idp, 'alice', { resource: server.url }))
  setup = await writeProxySetup({ issuer: idp.issuer, clientId: idp.clientId }, POLICY)
})

afterAll(async () => {
  await server?.stop()
  await setup?.remove()
  await idp?.close()
  await rm(dir, { recursive: true, force: true })
})

const DENIAL = 'dev.mcpwarden/denial'

describe('mcp-warden proxy --url in front of a Streamable HTTP server', () => {
  it('governs a call and delivers it with a bearer token whose audience is that server', async () => {
    const host = await launch(server.url, { MCP_WARDEN_UPSTREAM_TOKEN: accessToken })
    await host.client.connect(host.transport)
    try {
      const result = (await host.client.callTool({ name: 'echo', arguments: { message: 'hello over http' } })) as ToolResult
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello over http' }])
      // Content safety still applies: a card number is blocked by the policy and never reaches the server.
      const blocked = (await host.client.callTool({ name: 'echo', arguments: { message: 'card 4111 1111 1111 1111' } })) as ToolResult
      expect(blocked).toMatchObject({ isError: true, _meta: { [DENIAL]: { code: 'ERR_CONTENT_BLOCKED' } } })
      const { tools } = await host.client.listTools()
      expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'echo'])
    } finally {
      await host.client.close()
    }
    const calls = (await server.entries()).filter((e) => e['tool'] === 'echo')
    expect(calls).toEqual([expect.objectContaining({ message: 'hello over http', sub: 'alice', aud: server.url })])
    const records = await setup.readAudit()
    expect(records.find((r) => r.kind === 'decision' && r.target === 'echo' && r.decision === 'allow')).toMatchObject({
      server: 'crm',
      identity: { issuer: idp.issuer, email: 'alice@example.com' },
      reasons: ['engineering-crm'],
    })
    expect(host.stderr()).not.toContain(accessToken)
    expect(JSON.stringify(records)).not.toContain(accessToken)
  })

  it('relays the server\'s sampling request and progress notification over the HTTP stream', async () => {
    const host = await launch(server.url, { MCP_WARDEN_UPSTREAM_TOKEN: accessToken }, { capabilities: { sampling: {} } })
    const prompts: unknown[] = []
    host.client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      prompts.push(request.params.messages)
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled reply' } }
    })
    await host.client.connect(host.transport)
    const progress: number[] = []
    try {
      const result = (await host.client.callTool({ name: 'ask', arguments: { prompt: 'Say hi' } }, undefined, {
        onprogress: (p) => progress.push(p.progress),
      })) as ToolResult
      expect(result.content).toEqual([{ type: 'text', text: 'Sampled: sampled reply' }])
      expect(prompts).toEqual([[{ role: 'user', content: { type: 'text', text: 'Say hi' } }]])
      expect(progress).toEqual([1])
    } finally {
      await host.client.close()
    }
  })

  it('retries once with a fresh token when the server refuses it, then tells the host to sign in again', async () => {
    const before = (await server.entries()).filter((e) => e['refused'] !== undefined).length
    // The ID token is issued for Warden (audience = its client id), not for this server: the server must refuse it.
    const host = await launch(server.url, { MCP_WARDEN_UPSTREAM_TOKEN: idToken })
    const failure = await host.client.connect(host.transport).then(() => undefined, (error: unknown) => error)
    await host.client.close()
    expect(failure).toMatchObject({ code: -31902, data: { code: 'ERR_IDENTITY_UNKNOWN' } })
    expect((failure as Error).message).toContain('mcp-warden login')
    const refused = (await server.entries()).filter((e) => e['refused'] !== undefined).slice(before)
    expect(refused).toEqual([{ refused: 'POST', reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }, { refused: 'POST', reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' }])
    expect(host.stderr()).toContain('refused the access token twice')
    expect(host.stderr()).not.toContain(idToken)
  })

  it('says "sign in" without contacting the server when there is no access token', async () => {
    const before = (await server.entries()).length
    const host = await launch(server.url, { MCP_WARDEN_UPSTREAM_TOKEN: undefined })
    const failure = await host.client.connect(host.transport).then(() => undefined, (error: unknown) => error)
    await host.client.close()
    expect(failure).toMatchObject({ code: -31903, data: { code: 'ERR_SIGNED_OUT' } })
    expect((failure as Error).message).toContain('MCP_WARDEN_UPSTREAM_TOKEN is not set')
    expect((await server.entries()).length).toBe(before)
  })

  it('answers ERR_UPSTREAM_UNAVAILABLE while the server is down, and keeps answering', async () => {
    const doomed = await startServer('doomed')
    const { accessToken: token } = await signInAs(idp, 'alice', { resource: doomed.url })
    const host = await launch(doomed.url, { MCP_WARDEN_UPSTREAM_TOKEN: token })
    await host.client.connect(host.transport)
    try {
      expect(await host.client.callTool({ name: 'echo', arguments: { message: 'before' } })).toMatchObject({ content: [{ text: 'Echo: before' }] })
      await doomed.stop()
      for (const message of ['after', 'again']) {
        const result = (await host.client.callTool({ name: 'echo', arguments: { message } })) as ToolResult
        expect(result).toMatchObject({ isError: true, _meta: { [DENIAL]: { code: 'ERR_UPSTREAM_UNAVAILABLE' } } })
        expect(result.content[0]?.text).toContain(new URL(doomed.url).origin)
        expect(result.content[0]?.text).toContain('Check that it is running')
      }
    } finally {
      await host.client.close()
    }
    expect(host.stderr()).not.toContain(token)
    const results = (await setup.readAudit()).filter((r) => r.kind === 'result' && r.target === 'echo' && r.outcome === 'tool-error')
    expect(results.length).toBeGreaterThanOrEqual(2)
  })

  it('refuses to send a token over plain http to a host that is not this machine (exit 2)', async () => {
    const { code, stderr, stdout } = await runNode([CLI, 'proxy', '--config', setup.configPath, '--url', 'http://mcp.example.com/mcp'], {
      ...process.env,
      MCP_WARDEN_UPSTREAM_TOKEN: accessToken,
    })
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('--url must use https (http is allowed only for 127.0.0.1, [::1] and localhost).')
    expect(stderr).not.toContain(accessToken)
  })
})
