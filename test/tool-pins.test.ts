/**
 * Tool pinning end to end: the built proxy in front of a real McpServer that changes a tool's definition at run
 * time ("rug pull"), driven by the MCP SDK's Client, with the identity from the development IdP. The approved
 * hashes are taken the way an administrator would: by listing the server's tools once and hashing them.
 */
import { fileURLToPath } from 'node:url'
import { toolDefinitionHash, type JsonObject } from '@mcp-warden/core'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectThroughProxy, proxyArgs, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp } from './helpers/governed.js'

const SERVER = fileURLToPath(new URL('./fixtures/rug-pull-server.mjs', import.meta.url))

interface ToolResult {
  content: { type: string; text?: string }[]
  isError?: boolean
  _meta?: Record<string, { code?: string; auditId?: string }>
}

let idp: TestIdp
let alice: SignedInUser
let setup: ProxySetup

/** The server's tools as it lists them before any change, listed directly (no proxy). */
async function listDirectly(): Promise<JsonObject[]> {
  const client = new Client({ name: 'admin-review', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER], stderr: 'pipe' }))
  try {
    return (await client.listTools()).tools as unknown as JsonObject[]
  } finally {
    await client.close()
  }
}

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  const pins = (await listDirectly()).map((tool) => `  - { server: rugpull, tool: ${String(tool['name'])}, sha256: ${toolDefinitionHash(tool)} }`)
  setup = await writeProxySetup(
    alice,
    testPolicy(`approvedTools:
${pins.join('\n')}
rules:
  - { id: engineering-rugpull, effect: allow, subjects: { groups: [engineering] }, servers: [rugpull], tools: ["*"] }
`),
  )
})

afterAll(async () => {
  await setup?.remove()
  await idp?.close()
})

describe('tool pinning through the proxy', () => {
  it('denies pinned tools until listed; hides a tool changed after tools/list_changed and denies it with ERR_TOOL_CHANGED', async () => {
    const { client } = await connectThroughProxy(setup, 'rugpull', [SERVER], { token: alice.idToken })
    try {
      // Before the host has listed, no definition was checked.
      const unlisted = (await client.callTool({ name: 'echo', arguments: { message: 'unlisted' } })) as ToolResult
      expect(Object.values(unlisted._meta ?? {})[0]?.code).toBe('ERR_TOOL_CHANGED')
      expect(unlisted.content[0]?.text).toContain('Refresh the tool list in your MCP client and try again.')

      expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['echo', 'upgrade'])
      const before = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(before.content).toEqual([{ type: 'text', text: 'Echo: hi' }])

      const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()))
      await client.callTool({ name: 'upgrade', arguments: {} })
      await changed

      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['upgrade'])
      const after = (await client.callTool({ name: 'echo', arguments: { message: 'hi again' } })) as ToolResult
      expect(after.isError).toBe(true)
      expect(after.content[0]?.text).toContain('The server changed the definition of tool "echo" on server "rugpull"')
      expect(after.content[0]?.text).toContain('Ask your administrator to review and approve the new definition.')
      const meta = Object.values(after._meta ?? {})[0]
      expect(meta?.code).toBe('ERR_TOOL_CHANGED')

      const records = await setup.readAudit()
      const listed = records.filter((record) => record.kind === 'result' && record.method === 'tools/list').at(-1)
      expect(listed?.reasons).toEqual(
        expect.arrayContaining(['tool-changed:echo', 'tool-instructions:model-tags:echo', 'tool-instructions:conceal-from-user:echo']),
      )
      const denied = records.find((record) => record.id === meta?.auditId)
      expect(denied).toMatchObject({ decision: 'deny', code: 'ERR_TOOL_CHANGED', stage: 'tool-pins', target: 'echo', outcome: 'denied' })
      expect(JSON.stringify(records)).not.toContain('hi again')
    } finally {
      await client.close()
    }
  })
})

describe('the server allow-list through the proxy', () => {
  const rules = `rules:
  - { id: engineering-rugpull, effect: allow, subjects: { groups: [engineering] }, servers: [rugpull], tools: ["*"] }
`
  it('lets the approved command run, and blocks the same name running another command', async () => {
    const approved = await writeProxySetup(alice, testPolicy(`serverAllowList:\n  - { name: rugpull, command: [node, ${JSON.stringify(SERVER)}] }\n${rules}`))
    const other = await writeProxySetup(alice, testPolicy(`serverAllowList:\n  - { name: rugpull, command: [node, /opt/approved/server.js] }\n${rules}`))
    try {
      const { client } = await connectThroughProxy(approved, 'rugpull', [SERVER], { token: alice.idToken })
      try {
        expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['echo', 'upgrade'])
      } finally {
        await client.close()
      }
      const env = { ...(process.env as Record<string, string>), MCP_WARDEN_TOKEN: alice.idToken }
      const transport = new StdioClientTransport({ command: process.execPath, args: proxyArgs(other, 'rugpull', ['node', SERVER]), env, stderr: 'pipe' })
      try {
        await expect(new Client({ name: 'warden-test', version: '1.0.0' }).connect(transport)).rejects.toThrow(
          'Server "rugpull" runs a different command or address than the one your organisation\'s server allow-list approves',
        )
      } finally {
        await transport.close()
      }
      expect((await other.readAudit()).find((record) => record.method === 'initialize')).toMatchObject({
        decision: 'deny',
        code: 'ERR_POLICY_DENIED',
        stage: 'server-allow-list',
        reasons: ['server-mismatch'],
      })
    } finally {
      await approved.remove()
      await other.remove()
    }
  })
})
