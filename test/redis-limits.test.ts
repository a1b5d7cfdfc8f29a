/**
 * The SDK's Redis limit store across processes: two app instances (two Node processes, two connections) hammer one
 * user's rate limit and budget on a real redis-server at the same moment, and together get exactly the limit.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
})
