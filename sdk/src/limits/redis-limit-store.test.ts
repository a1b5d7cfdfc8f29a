import { createClient } from '@redis/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { limitStoreContract } from '../../../shared/src/limits/testing/limit-store-contract.js'
import { redisAvailability, startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.js'
import { createRedisLimitStore, type RedisLimitStore } from './redis-limit-store.js'

const redis = redisAvailability()
let server: RedisServer
let prefixes = 0

describe.skipIf(!redis.available)('createRedisLimitStore against a real redis-server', () => {
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  // Every case gets keys of its own under a fresh prefix, on the same server.
  const fresh = (): Promise<RedisLimitStore> => createRedisLimitStore({ url: server.url, keyPrefix: `t${(prefixes += 1)}:` })
  limitStoreContract('redis', fresh, { ownClock: true }, (store) => (store as RedisLimitStore).close())

  it('holds one limit for two instances hammering it: capacity 50, 2 × 100 calls → exactly 50', async () => {
    const keyPrefix = `t${(prefixes += 1)}:`
    const stores = [await createRedisLimitStore({ url: server.url, keyPrefix }), await createRedisLimitStore({ url: server.url, keyPrefix })]
    const spec = { capacity: 50, windowSeconds: 3600 }
    const results = await Promise.all(stores.flatMap((store) => Array.from({ length: 100 }, () => store.consumeRate('rate:alice', spec, 1, 0))))
    expect(results.filter((r) => r.allowed)).toHaveLength(50)
    const budgets = await Promise.all(stores.flatMap((store) => Array.from({ length: 100 }, () => store.chargeBudget('budget:alice', 12.5, '2026-12-04', 0.25))))
    expect(budgets.filter((r) => r.allowed)).toHaveLength(50)
    await Promise.all(stores.map((store) => store.close()))
  })

  it('refills on the server clock, whatever nowMs the caller passes', async () => {
    const store = await fresh()
    const spec = { capacity: 2, windowSeconds: 0.2 } // one token every 100 ms
    await store.consumeRate('k', spec, 2, 0)
    const denied = await store.consumeRate('k', spec, 1, 1e12)
    expect(denied).toMatchObject({ allowed: false })
    expect(denied.retryAfterMs).toBeGreaterThan(0)
    expect(denied.retryAfterMs).toBeLessThanOrEqual(100)
    await new Promise((resolve) => setTimeout(resolve, denied.retryAfterMs + 5)) // the refill under test takes real time
    expect(await store.consumeRate('k', spec, 1, 0)).toMatchObject({ allowed: true })
    await store.close()
  })

  it('namespaces its keys under the prefix and gives them a time to live', async () => {
    const client = createClient({ url: server.url })
    await client.connect()
    const store = await createRedisLimitStore({ client, keyPrefix: 'app1:', budgetTtlSeconds: 3600 })
    await store.consumeRate('rate:alice', { capacity: 10, windowSeconds: 60 }, 1, 0)
    await store.chargeBudget('budget:alice', 10, '2026-12', 1)
    expect((await client.keys('app1:*')).sort()).toEqual(['app1:bucket:rate:alice', 'app1:budget:budget:alice'])
    expect(await client.pTTL('app1:bucket:rate:alice')).toBeGreaterThan(6000) // one token back in 6 s, plus 1 s
    expect(await client.pTTL('app1:bucket:rate:alice')).toBeLessThanOrEqual(7000)
    expect(await client.pTTL('app1:budget:budget:alice')).toBeGreaterThan(3_590_000)
    await store.close() // the app's client stays open
    expect(await client.ping()).toBe('PONG')
    client.destroy()
  })

  it('fails closed with a message that says what to do when Redis goes away', async () => {
    const own = await startRedisServer()
    const store = await createRedisLimitStore({ url: own.url })
    await own.stop()
    await expect(store.consumeRate('k', { capacity: 1, windowSeconds: 1 }, 1, 0)).rejects.toMatchObject({
      code: 'ERR_INTERNAL',
      message: 'The shared limit store (Redis) did not answer, so the call was not made. Check that Redis is running and reachable from this instance, then try again.',
    })
    await store.close().catch(() => {})
  })

  it('fails closed within commandTimeoutMs when Redis does not answer', async () => {
    const admin = createClient({ url: server.url })
    await admin.connect()
    const store = await createRedisLimitStore({ url: server.url, keyPrefix: `t${(prefixes += 1)}:`, commandTimeoutMs: 100 })
    await admin.sendCommand(['CLIENT', 'PAUSE', '1000', 'ALL']) // every client's commands wait for a second
    const started = performance.now()
    await expect(store.chargeBudget('b', 1, 'p1', 1)).rejects.toMatchObject({ code: 'ERR_INTERNAL' })
    expect(performance.now() - started).toBeLessThan(900)
    await admin.sendCommand(['CLIENT', 'UNPAUSE'])
    await store.close()
    admin.destroy()
  })

  it('rejects a URL it cannot connect to, without repeating the URL', async () => {
    const error = await createRedisLimitStore({ url: 'redis://:secret@127.0.0.1:1' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_INTERNAL' })
    expect((error as Error).message).not.toContain('secret')
  })
})

describe('createRedisLimitStore options', () => {
  it.each([
    [{}, 'createRedisLimitStore: give exactly one of options.url and options.client'],
    [{ url: 'http://localhost' }, 'createRedisLimitStore: options.url must be a redis:// or rediss:// URL'],
    [{ client: {} }, 'createRedisLimitStore: options.client must be a node-redis client (sendCommand)'],
    [{ url: 'redis://localhost', budgetTtlSeconds: 0 }, 'createRedisLimitStore: options.budgetTtlSeconds must be a positive integer'],
  ])('rejects %j', async (options, message) => {
    await expect(createRedisLimitStore(options as never)).rejects.toThrow(new TypeError(message))
  })
})
