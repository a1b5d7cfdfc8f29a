/**
 * The SDK end to end: a custom app's MCP SDK Client wrapped with governClient, talking to the published
 * server-everything over stdio, with per-session identities from the development IdP.
 */
import { createMemoryAuditSink, createMemoryLimitStore, createTokenVerifier, parsePolicy, type MemoryAuditSink } from '@mcp-warden/core'
import { createSessionGovernance, governClient } from '@mcp-warden/sdk'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER } from './helpers/cli.js'
import { startTestIdp, type SignedInUser, type TestIdp, type ToolResult } from './helpers/governed.js'

const policy = parsePolicy(`version: 1
revision: sdk-1
defaults:
  content: { action: redact }
  rateLimits: [ { id: three-per-minute, scope: user, capacity: 3, windowSeconds: 60 } ]
rules:
  - { id: engineering-echo, effect: allow, subjects: { groups: [engineering] }, servers: [everything], tools: [echo] }
`)


let idp: TestIdp
let alice: SignedInUser
let bob: SignedInUser
let audit: MemoryAuditSink
const limitStore = createMemoryLimitStore()

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  bob = await idp.signIn('bob')
  audit = createMemoryAuditSink()
})

afterAll(async () => idp?.close())

async function sessionFor(token: string | (() => string)): Promise<Client> {
  const governance = createSessionGovernance({
    server: 'everything',
    token,
    verifier: createTokenVerifier({ issuer: idp.issuer, audience: idp.clientId }),
    policy,
    limitStore,
    audit,
  })
  const client = new Client({ name: 'custom-app', version: '1.0.0' })
  await governClient(client, new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], stderr: 'ignore' }), governance)
  return client
}

describe('governClient', () => {
  it('governs each session with its own identity, and limits hold per user across sessions', async () => {
    const aliceA = await sessionFor(alice.idToken)
    const aliceB = await sessionFor(() => alice.idToken)
    const bobs = await sessionFor(bob.idToken)
    try {
      const redacted = (await aliceA.callTool({ name: 'echo', arguments: { message: 'ping dave@example.net' } })) as ToolResult
      expect(redacted.content).toEqual([{ type: 'text', text: 'Echo: ping [REDACTED:EMAIL]' }])
      const denied = (await bobs.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(denied).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_POLICY_DENIED' } } })
      expect((await aliceB.listTools()).tools.map((t) => t.name)).toEqual(['echo'])

      // alice has used 1 of 3 calls; her second session shares the bucket.
      await aliceB.callTool({ name: 'echo', arguments: { message: '2' } })
      await aliceA.callTool({ name: 'echo', arguments: { message: '3' } })
      const limited = (await aliceB.callTool({ name: 'echo', arguments: { message: '4' } })) as ToolResult
      expect(limited).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_LIMIT_EXCEEDED' } } })
    } finally {
      await Promise.all([aliceA.close(), aliceB.close(), bobs.close()])
    }
    const calls = audit.records.filter((r) => r.kind === 'decision' && r.method === 'tools/call')
    expect(calls.map((r) => [r.identity?.email, r.decision, r.code ?? null])).toEqual([
      ['alice@example.com', 'allow', null],
      ['bob@example.com', 'deny', 'ERR_POLICY_DENIED'],
      ['alice@example.com', 'allow', null],
      ['alice@example.com', 'allow', null],
      ['alice@example.com', 'deny', 'ERR_LIMIT_EXCEEDED'],
    ])
    expect(new Set(calls.map((r) => r.sessionId)).size).toBe(3)
    expect(JSON.stringify(audit.records)).not.toContain('dave@example.net')
  })
})
