/**
 * A stdio server learns who calls from `_meta['dev.mcpwarden/identity']`: the built proxy in front of a real SDK
 * server that records every line it receives, with a real IdP issuing the identity.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectThroughProxy, startTestIdp, testPolicy, writeProxySetup, type ProxySetup, type SignedInUser, type TestIdp } from './helpers/governed.js'

const SERVER = fileURLToPath(new URL('./fixtures/raw-recording-server.mjs', import.meta.url))
const KEY = 'dev.mcpwarden/identity'
const POLICY = testPolicy(`rules:
  - id: engineering-records
    effect: allow
    subjects: { groups: [engineering] }
    servers: [records]
    tools: [echo]
`)

interface Received {
  id?: number | string
  method?: string
  params?: { arguments?: unknown; _meta?: Record<string, unknown> }
}

let idp: TestIdp
let alice: SignedInUser
let setup: ProxySetup
let dir: string

beforeAll(async () => {
  idp = await startTestIdp()
  alice = await idp.signIn('alice')
  setup = await writeProxySetup(alice, POLICY)
  dir = await mkdtemp(join(tmpdir(), 'warden-meta-'))
})

afterAll(async () => {
  await setup?.remove()
  await idp?.close()
  await rm(dir, { recursive: true, force: true })
})

async function received(log: string): Promise<Received[]> {
  const text = await readFile(log, 'utf8')
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Received)
}

describe('the verified identity on requests to a stdio server', () => {
  it('arrives under _meta on every request, replaces a value the host put there, and leaves arguments alone', async () => {
    const log = join(dir, 'received.jsonl')
    const { client } = await connectThroughProxy(setup, 'records', [SERVER, log], { token: alice.idToken })
    const args = { message: 'hello from alice', tags: ['a', 'b'] }
    try {
      const result = await client.callTool({
        name: 'echo',
        arguments: args,
        _meta: { [KEY]: { iss: 'https://evil.example', sub: 'admin', groups: ['admins'] }, 'example.com/trace': 't-1' },
      })
      expect(result).toMatchObject({ content: [{ type: 'text', text: 'Echo: hello from alice' }] })
    } finally {
      await client.close()
    }
    // Attached after content safety: the email under _meta is the verified one, not redacted as PII.
    const expected = { iss: alice.issuer, sub: decodeJwt(alice.idToken).sub, email: 'alice@example.com', groups: ['engineering'] }
    const messages = await received(log)
    const call = messages.find((m) => m.method === 'tools/call')
    expect(call?.params?._meta).toEqual({ [KEY]: expected, 'example.com/trace': 't-1' })
    expect(call?.params?.arguments).toEqual(args)
    expect(JSON.stringify(messages)).not.toContain('admin')
    expect(messages.find((m) => m.method === 'initialize')?.params?._meta).toEqual({ [KEY]: expected })
    // Notifications carry no identity; responses neither (there are none here).
    expect(messages.find((m) => m.method === 'notifications/initialized')?.params?._meta?.[KEY]).toBeUndefined()
    // The audit record does not count it as a change of the message.
    const record = (await setup.readAudit()).find((r) => r.kind === 'decision' && r.target === 'echo')
    expect(record).toMatchObject({ decision: 'allow', modifications: [] })
  })

  it('removes a spoofed identity when no one is signed in, from what reaches the server', async () => {
    const log = join(dir, 'signed-out.jsonl')
    const { client } = await connectThroughProxy(setup, 'records', [SERVER, log])
    try {
      // ping needs no identity, so it reaches the server: without what the host claimed.
      await client.request({ method: 'ping', params: { _meta: { [KEY]: { sub: 'admin' }, keep: 'yes' } } }, EmptyResultSchema)
      const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' }, _meta: { [KEY]: { sub: 'admin' } } })
      expect(result).toMatchObject({ isError: true, _meta: { 'dev.mcpwarden/denial': { code: 'ERR_SIGNED_OUT' } } })
    } finally {
      await client.close()
    }
    const messages = await received(log)
    expect(messages.some((m) => m.method === 'tools/call')).toBe(false)
    expect(messages.find((m) => m.method === 'ping')?.params?._meta).toEqual({ keep: 'yes' })
    expect(JSON.stringify(messages)).not.toContain('admin')
  })
})
