/**
 * `effect: ask` through MCP elicitation, end to end: the built proxy in front of server-everything, driven by the
 * MCP SDK's Client declaring the elicitation capability, with the identity from the development IdP. The person's
 * answer is the Client's ElicitRequest handler; the proxy's own questions never reach the server, and the server's
 * own elicitation still does its round trip through the proxy.
 */
import type { AuditRecord } from '@mcp-warden/core'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byId, EVERYTHING_SERVER, spawnRaw } from './helpers/cli.js'
import { connectThroughProxy, proxyArgs, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp, type ToolResult } from './helpers/governed.js'

const POLICY = testPolicy(`rules:
  - { id: echo-needs-approval, effect: ask, askTimeoutSeconds: 60, subjects: { groups: [engineering] }, servers: [everything], tools: [echo] }
  - { id: sums-quick-approval, effect: ask, askTimeoutSeconds: 1, subjects: { groups: [engineering] }, servers: [everything], tools: [get-sum] }
  - { id: elicit-allowed, effect: allow, subjects: { groups: [engineering] }, servers: [everything], tools: [trigger-elicitation-request] }
`)

type Answer = (request: ElicitRequest, signal: AbortSignal) => Promise<ElicitResult>

let idp: TestIdp
let alice: SignedInUser
let setup: ProxySetup
let client: Client
let answer: Answer
const asked: ElicitRequest[] = []
const cancelled: boolean[] = []

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  setup = await writeProxySetup(alice, POLICY)
  ;({ client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], {
    token: alice.idToken,
    capabilities: { capabilities: { elicitation: {} } },
  }))
  client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
    asked.push(request)
    const result = await answer(request, extra.signal)
    cancelled.push(extra.signal.aborted)
    return result
  })
})

afterAll(async () => {
  await client?.close()
  await setup?.remove()
  await idp?.close()
})

async function callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult
}

async function decisionFor(target: string): Promise<AuditRecord | undefined> {
  const records = (await setup.readAudit()).filter((r) => r.kind === 'decision' && r.method === 'tools/call' && r.target === target)
  return records.at(-1)
}

describe('effect: ask through the host (MCP elicitation)', () => {
  it('asks the person with names only; an approved call reaches the server and the audit record says how', async () => {
    answer = async () => ({ action: 'accept', content: { approve: true } })
    asked.length = 0
    const result = await callTool('echo', { message: 'ship it' })
    expect(result.isError ?? false).toBe(false)
    expect(result.content[0]?.text).toBe('Echo: ship it')
    expect(asked).toHaveLength(1)
    const params = asked[0]?.params as { message: string; requestedSchema: { properties: Record<string, { type: string }> } }
    expect(params.message).toContain('Server: everything')
    expect(params.message).toContain('Tool: echo')
    expect(params.message).toContain('Rule: echo-needs-approval')
    expect(params.message).toContain('Arguments: message')
    expect(params.message).not.toContain('ship it')
    expect(params.requestedSchema.properties['approve']?.type).toBe('boolean')
    expect(await decisionFor('echo')).toMatchObject({
      decision: 'allow',
      reasons: ['echo-needs-approval', 'approval:allowed-by-user', 'approval-via:elicitation'],
    })
  })

  it('denies a declined call with a reason, and an accept without approve: true too', async () => {
    for (const reply of [{ action: 'decline' }, { action: 'accept', content: { approve: false } }] as const) {
      answer = async () => reply
      const result = await callTool('echo', { message: 'not this' })
      expect(result.isError).toBe(true)
      expect(result._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_POLICY_DENIED')
      expect(result.content[0]?.text).toContain('declined by you')
      expect(await decisionFor('echo')).toMatchObject({ decision: 'deny', code: 'ERR_POLICY_DENIED', reasons: ['echo-needs-approval', 'approval:declined', 'approval-via:elicitation'] })
    }
  })

  it('denies with ERR_APPROVAL_TIMEOUT when nobody answers in askTimeoutSeconds, and cancels its question', async () => {
    answer = (_request, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ action: 'cancel' }), { once: true }))
    const started = performance.now()
    const result = await callTool('get-sum', { a: 1, b: 2 })
    expect(performance.now() - started).toBeGreaterThanOrEqual(950)
    expect(result.isError).toBe(true)
    expect(result._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_APPROVAL_TIMEOUT')
    expect(result.content[0]?.text).toContain('within 1 s')
    expect(await decisionFor('get-sum')).toMatchObject({ decision: 'deny', code: 'ERR_APPROVAL_TIMEOUT', reasons: ['sums-quick-approval', 'approval:timeout'] })
    // The proxy's notifications/cancelled aborted the host's handler (the SDK Client then sends no answer).
    await expect.poll(() => cancelled.at(-1)).toBe(true)
  })

  it("relays the server's own elicitation to the host and the answer back to the server", async () => {
    answer = async (request) => {
      expect((request.params as { message: string }).message).toBe('Please provide inputs for the following fields:')
      return { action: 'accept', content: { name: 'Ada' } }
    }
    const result = await callTool('trigger-elicitation-request', {})
    expect(result.isError ?? false).toBe(false)
    expect(result.content.map((c) => c.text).join('\n')).toContain('- Name: Ada')
  })
})

describe('effect: ask with nobody to ask', () => {
  it('denies when the host cannot elicit and no agent is in use, saying how to approve such calls', async () => {
    const { client: plain } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await plain.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(result.isError).toBe(true)
      expect(result._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_POLICY_DENIED')
      expect(result.content[0]?.text).toContain('"everything/echo" needs your approval, and MCP Warden has no way to ask you')
      expect(result.content[0]?.text).toContain('Use an MCP client that supports elicitation, or put `agent: {}` in the proxy configuration')
      expect(await decisionFor('echo')).toMatchObject({ decision: 'deny', stage: 'approval', reasons: ['echo-needs-approval', 'approval:unavailable'] })
    } finally {
      await plain.close()
    }
  })
})

describe('request ids of the proxy and the host', () => {
  it('keeps the host\'s string ids apart from the proxy\'s own "mcp-warden:" questions', async () => {
    const env = { ...process.env, MCP_WARDEN_TOKEN: alice.idToken }
    const proxy = spawnRaw(proxyArgs(setup, 'everything', ['node', EVERYTHING_SERVER, 'stdio']), env)
    try {
      const send = (message: unknown): void => proxy.send(`${JSON.stringify(message)}\n`)
      send({ jsonrpc: '2.0', id: 'mcp-warden:init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { elicitation: { form: {} } }, clientInfo: { name: 'raw', version: '1' } } })
      await proxy.waitFor(byId('mcp-warden:init'))
      send({ jsonrpc: '2.0', method: 'notifications/initialized' })
      // The host happens to use the proxy's prefix for its own request: it is relayed and answered as usual.
      send({ jsonrpc: '2.0', id: 'mcp-warden:0', method: 'tools/call', params: { name: 'echo', arguments: { message: 'ids' } } })
      const question = (await proxy.waitFor((m) => (m as { method?: string }).method === 'elicitation/create')) as { id: string }
      expect(question.id).toMatch(/^mcp-warden:[0-9a-f-]{36}$/)
      // An answer to a question the proxy never asked is dropped (logged), not forwarded to the server.
      send({ jsonrpc: '2.0', id: 'mcp-warden:not-asked', result: { action: 'accept', content: { approve: true } } })
      send({ jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { approve: true } } })
      const result = (await proxy.waitFor(byId('mcp-warden:0'))) as { result: { content: { text: string }[] } }
      expect(result.result.content[0]?.text).toBe('Echo: ids')
      expect(proxy.stderr()).toContain('dropped an answer from the client to mcp-warden:not-asked')
    } finally {
      proxy.child.stdin.end()
      await proxy.exited
    }
  })
})
