/**
 * The SDK's Redis limit store across instances of an app: two Node processes (two connections) hammer one user's
 * rate limit and budget on a real redis-server at the same moment and together get exactly the limit; and two
 * governClient sessions, each with its own store as two instances would have, share one user's limit through the
 * whole pipeline (development IdP tokens, the published server-everything).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createMemoryAuditSink, createTokenVerifier, parsePolicy } from '@mcp-warden/core'
import { createRedisLimitStore, createSessionGovernance, governClient, type RedisLimitStore } from '@mcp-warden/sdk'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVERYTHING_SERVER } from './helpers/cli.js'
import { startTestIdp } from './helpers/governed.js'
import { redisAvailability, startRedisServer, type RedisServer } from './helpers/redis-server.js'

const HAMMER = fileURLToPath(new URL('./fixtures/redis-hammer.mjs', import.meta.url))
const redis = redisAvailability()
let server: RedisServer

interface Instance {
  ready: Promise<void>
  go(): void
  result: Promise<{ rates: number; budgets: number }>
}

function instance(env: NodeJS.ProcessEnv): Instance {
  const child = spawn(process.execPath, [HAMMER], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.startsWith('ready\n')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`instance exited with ${code} before it was ready:\n${stderr}`)))
  })
  const result = new Promise<{ rates: number; budgets: number }>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`instance exited with ${code}:\n${stderr}`))
      else resolve(JSON.parse(stdout.slice('ready\n'.length)) as { rates: number; budgets: number })
    })
  })
  return { ready, go: () => child.stdin.end('go\n'), result }
}

describe.skipIf(!redis.available)('the Redis limit store shared by two app instances', () => {
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('lets exactly the capacity (40) and the budget (30 / 0.5 = 60 calls) through, of 2 × 150 concurrent calls each', async () => {
    const env = { REDIS_URL: server.url, KEY_PREFIX: 'hammer:', CALLS: '150' }
    const instances = [instance(env), instance(env)]
    await Promise.all(instances.map((i) => i.ready))
    for (const i of instances) i.go()
    const [a, b] = await Promise.all(instances.map((i) => i.result))
    expect(a!.rates + b!.rates).toBe(40)
    expect(a!.budgets + b!.budgets).toBe(60)
  })

  it('holds one user\'s limit across two governed sessions of two instances, and not another user\'s', async () => {
    const idp = await startTestIdp()
    const stores: RedisLimitStore[] = []
    const clients: Client[] = []
    try {
      const policy = parsePolicy(`version: 1
revision: redis-1
defaults:
  rateLimits: [ { id: five-per-hour, scope: user, capacity: 5, windowSeconds: 3600 } ]
rules:
  - { id: echo, effect: allow, subjects: { groups: [engineering, sales] }, servers: [everything], tools: [echo] }
`)
      const verifier = createTokenVerifier({ issuer: idp.issuer, audience: idp.clientId })
      const session = async (token: string): Promise<Client> => {
        const limitStore = await createRedisLimitStore({ url: server.url, keyPrefix: 'governed:' }) // one per instance
        stores.push(limitStore)
        const governance = createSessionGovernance({ server: 'everything', token, verifier, policy, limitStore, audit: createMemoryAuditSink() })
        const client = new Client({ name: 'instance', version: '1.0.0' })
        await governClient(client, new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], stderr: 'ignore' }), governance)
        clients.push(client)
        return client
      }
      const alice = await idp.signIn('alice')
      const [first, second] = [await session(alice.idToken), await session(alice.idToken)]
      const echo = (client: Client) => client.callTool({ name: 'echo', arguments: { message: 'hi' } }) as Promise<{ isError?: boolean; content: { text?: string }[]; _meta?: Record<string, { code?: string }> }>
      const results = await Promise.all([first, second].flatMap((client) => Array.from({ length: 6 }, () => echo(client))))
      expect(results.filter((r) => r.isError !== true)).toHaveLength(5)
      const denied = results.find((r) => r.isError === true)
      expect(denied?._meta?.['dev.mcpwarden/denial']?.code).toBe('ERR_LIMIT_EXCEEDED')
      expect(denied?.content[0]?.text).toMatch(/^Rate limit "five-per-hour" reached for "everything\/echo": try again in \d+ seconds\.$/)
      const bob = await idp.signIn('bob')
      expect((await echo(await session(bob.idToken))).isError).not.toBe(true)
    } finally {
      for (const client of clients) await client.close()
      for (const store of stores) await store.close()
      await idp.close()
    }
  })
})
