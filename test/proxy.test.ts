/**
 * The governed stdio proxy end to end: the built CLI in front of the published MCP servers, driven by the MCP
 * SDK's Client, with a real OIDC provider on loopback issuing the identity.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER, FILESYSTEM_SERVER } from './helpers/cli.js'
import { connectThroughProxy, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp, type ToolResult } from './helpers/governed.js'

const POLICY = testPolicy(`rules:
  - id: engineering-everything
    effect: allow
    subjects: { groups: [engineering] }
    servers: [everything]
    tools: [echo, get-sum, get-env, trigger-sampling-request]
  - id: engineering-reads-files
    effect: allow
    subjects: { groups: [engineering] }
    servers: [files]
    tools: [read_text_file, list_allowed_directories, list_directory]
`)

let idp: TestIdp
let alice: SignedInUser
let bob: SignedInUser
let setup: ProxySetup

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  bob = await idp.signIn('bob')
  setup = await writeProxySetup(alice, POLICY)
})

afterAll(async () => {
  await setup?.remove()
  await idp?.close()
})

describe('mcp-warden proxy in front of server-everything', () => {
  it('lets an allowed call reach the server unchanged and records who made it', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'hello from alice' } })) as ToolResult
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello from alice' }])
    } finally {
      await client.close()
    }
    const records = await setup.readAudit()
    const call = records.find((r) => r.kind === 'decision' && r.target === 'echo')
    expect(call).toMatchObject({
      decision: 'allow',
      outcome: 'forwarded',
      server: 'everything',
      identity: { issuer: alice.issuer, email: 'alice@example.com' },
      reasons: ['engineering-everything'],
      policyRevision: 'test-1',
    })
    expect(records.find((r) => r.kind === 'result' && r.target === 'echo')).toMatchObject({ outcome: 'ok' })
    expect(JSON.stringify(records)).not.toContain('hello from alice')
  })

  it('filters tools/list to what the user may call', async () => {
    // server-everything offers trigger-sampling-request only to clients that can sample.
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], {
      token: alice.idToken,
      capabilities: { capabilities: { sampling: {} } },
    })
    try {
      const { tools } = await client.listTools()
      expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'get-env', 'get-sum', 'trigger-sampling-request'])
    } finally {
      await client.close()
    }
  })

  it('answers a call the policy denies with a tool error that says why, without reaching the server', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: bob.idToken })
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(result.isError).toBe(true)
      expect(result._meta?.['dev.mcpwarden/denial']).toMatchObject({ code: 'ERR_POLICY_DENIED' })
      expect(result.content[0]?.text).toMatch(/Ask your administrator/)
      expect(result.content[0]?.text).not.toContain('Echo')
      const { tools } = await client.listTools()
      expect(tools).toEqual([])
    } finally {
      await client.close()
    }
  })

  it('refuses every call when no one is signed in, and says how to sign in', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'])
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(result).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_SIGNED_OUT' } } })
      expect(result.content[0]?.text).toContain('mcp-warden login')
    } finally {
      await client.close()
    }
  })

  it('refuses a token from another issuer or audience', async () => {
    const other = await writeProxySetup({ issuer: alice.issuer, clientId: 'some-other-client' }, POLICY)
    const { client } = await connectThroughProxy(other, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'hi' } })) as ToolResult
      expect(result).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_IDENTITY_UNKNOWN' } } })
    } finally {
      await client.close()
      await other.remove()
    }
  })

  it('redacts an e-mail address so the server never receives it', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'mail carol@example.org now' } })) as ToolResult
      // server-everything echoes what it received: the proof that the value never reached it.
      expect(result.content[0]?.text).toBe('Echo: mail [REDACTED:EMAIL] now')
    } finally {
      await client.close()
    }
    const records = await setup.readAudit()
    expect(records.some((r) => r.findings.some((f) => f.type === 'EMAIL' && f.path === '/message' && f.action === 'redact'))).toBe(true)
    expect(JSON.stringify(records)).not.toContain('carol@example.org')
  })

  it('blocks a card number and the call never reaches the server', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await client.callTool({ name: 'echo', arguments: { message: 'pay with 4111 1111 1111 1111' } })) as ToolResult
      expect(result).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_CONTENT_BLOCKED' } } })
      expect(result.content[0]?.text).not.toContain('4111')
    } finally {
      await client.close()
    }
  })

  it('relays the server\'s sampling request to the client and the answer back', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], {
      token: alice.idToken,
      capabilities: { capabilities: { sampling: {} } },
    })
    const prompts: unknown[] = []
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      prompts.push(request.params.messages)
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled reply' } }
    })
    try {
      const result = (await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'Say hi', maxTokens: 5 } })) as ToolResult
      expect(prompts).toHaveLength(1)
      expect(JSON.stringify(result.content)).toContain('sampled reply')
    } finally {
      await client.close()
    }
  })

  it('never passes Warden\'s own variables, such as the token, to the server', async () => {
    const { client } = await connectThroughProxy(setup, 'everything', [EVERYTHING_SERVER, 'stdio'], { token: alice.idToken })
    try {
      const result = (await client.callTool({ name: 'get-env', arguments: {} })) as ToolResult
      const text = result.content.map((c) => c.text ?? '').join('')
      expect(text).toContain('PATH')
      expect(text).not.toContain('MCP_WARDEN_TOKEN')
      expect(text).not.toContain(alice.idToken.slice(0, 40))
    } finally {
      await client.close()
    }
  })
})

describe('mcp-warden proxy in front of server-filesystem', () => {
  it('allows reading and denies writing, and the denied write never touches the disk', async () => {
    const root = await mkdtemp(join(tmpdir(), 'warden-fs-'))
    const { client } = await connectThroughProxy(setup, 'files', [FILESYSTEM_SERVER, root], { token: alice.idToken })
    try {
      const target = join(root, 'note.txt')
      const write = (await client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })) as ToolResult
      expect(write).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_POLICY_DENIED' } } })
      expect(existsSync(target)).toBe(false)
      const list = (await client.callTool({ name: 'list_allowed_directories', arguments: {} })) as ToolResult
      expect(list.isError).not.toBe(true)
      expect(list.content[0]?.text).toContain(root)
    } finally {
      await client.close()
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('reversible redaction (tokenize)', () => {
  it('the server sees only placeholders, and the host gets its own values back', async () => {
    const policy = testPolicy(
      `rules:
  - { id: echo, effect: allow, subjects: { groups: [engineering] }, servers: [recorder], tools: [echo] }
`,
      'content: { action: redact, types: { EMAIL: tokenize, CREDIT_CARD: tokenize } }',
    )
    const tokenizing = await writeProxySetup(alice, policy)
    const received = join(tokenizing.dir, 'received.txt')
    const { client } = await connectThroughProxy(tokenizing, 'recorder', [fileURLToPath(new URL('./fixtures/recording-server.mjs', import.meta.url)), received], {
      token: alice.idToken,
    })
    try {
      const first = (await client.callTool({ name: 'echo', arguments: { message: 'mail ada@example.org about 4111 1111 1111 1111' } })) as ToolResult
      const second = (await client.callTool({ name: 'echo', arguments: { message: 'cc ada@example.org and bob@example.org' } })) as ToolResult
      expect(first.content[0]?.text).toBe('Echo: mail ada@example.org about 4111 1111 1111 1111')
      expect(second.content[0]?.text).toBe('Echo: cc ada@example.org and bob@example.org')
      expect(await readFile(received, 'utf8')).toBe('mail [EMAIL_1] about [CREDIT_CARD_1]\ncc [EMAIL_1] and [EMAIL_2]\n')
    } finally {
      await client.close()
      await tokenizing.remove()
    }
  })
})
