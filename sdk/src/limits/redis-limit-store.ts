/**
 * sdk/src/limits/redis-limit-store.ts — a LimitStore in Redis, for an app that runs governClient on several
 * instances: every instance that shares the server shares one limit per user, exactly.
 *
 * Each operation is one Lua script on one key (limit-scripts.ts), atomic on the server; buckets are timed by the
 * server's clock, so the `nowMs` callers pass is ignored (the contract in @mcp-warden/core's limit-store.ts allows
 * it for shared stores). Keys are `<keyPrefix>bucket:<key>` and `<keyPrefix>budget:<key>`; a bucket expires once it
 * would be full again, a budget counter `budgetTtlSeconds` after its last charge. Needs Redis 5 or later.
 */
import { createHash } from 'node:crypto'
import { createClient } from '@redis/client'
import { assertBudgetArguments, assertRateArguments, WardenError, type BudgetResult, type LimitStore, type RateResult } from '@mcp-warden/core'
import { BUDGET_SCRIPT, RATE_SCRIPT } from './limit-scripts.js'

/** What the store needs of a Redis client: node-redis's `sendCommand` (a client from `createClient`). */
export interface RedisCommandClient {
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>
}

/** Options of {@link createRedisLimitStore}: give `url` (the store connects and owns the connection) or `client`. */
export interface RedisLimitStoreOptions {
  /** `redis[s]://[[user][:password]@]host[:port][/db]`. Never logged or put in an error message. */
  readonly url?: string | undefined
  /** A connected node-redis client the app owns (and closes); the store only sends commands on it. */
  readonly client?: RedisCommandClient | undefined
  /** Prefix of every key. Default `mcp-warden:limits:`. */
  readonly keyPrefix?: string | undefined
  /** How long a budget counter outlives its last charge; longer than the longest period (a month). Default 40 days. */
  readonly budgetTtlSeconds?: number | undefined
  /** A call that gets no answer in this time fails (and so the tool call is denied). Default 2000 ms. */
  readonly commandTimeoutMs?: number | undefined
  /** Connection errors of a client the store owns (it reconnects by itself); default: ignored. */
  readonly onError?: ((error: unknown) => void) | undefined
}

/** A {@link LimitStore} in Redis; `close` closes the connection the store opened (not an app's `client`). */
export interface RedisLimitStore extends LimitStore {
  close(): Promise<void>
}

const DEFAULT_PREFIX = 'mcp-warden:limits:'
const DEFAULT_BUDGET_TTL_SECONDS = 40 * 86_400
const DEFAULT_TIMEOUT_MS = 2000
const UNREACHABLE = 'The shared limit store (Redis) did not answer, so the call was not made. Check that Redis is running and reachable from this instance, then try again.'

interface Script {
  readonly text: string
  readonly sha: string
}

function script(text: string): Script {
  return { text, sha: createHash('sha1').update(text).digest('hex') }
}

const RATE = script(RATE_SCRIPT)
const BUDGET = script(BUDGET_SCRIPT)

function checkOptions(options: RedisLimitStoreOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('createRedisLimitStore: options must be an object')
  if ((options.url === undefined) === (options.client === undefined)) throw new TypeError('createRedisLimitStore: give exactly one of options.url and options.client')
  if (options.url !== undefined && (typeof options.url !== 'string' || !/^rediss?:\/\//.test(options.url))) {
    throw new TypeError('createRedisLimitStore: options.url must be a redis:// or rediss:// URL')
  }
  if (options.client !== undefined && typeof options.client?.sendCommand !== 'function') {
    throw new TypeError('createRedisLimitStore: options.client must be a node-redis client (sendCommand)')
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') throw new TypeError('createRedisLimitStore: options.keyPrefix must be a string')
  for (const name of ['budgetTtlSeconds', 'commandTimeoutMs'] as const) {
    const value = options[name]
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new TypeError(`createRedisLimitStore: options.${name} must be a positive integer`)
  }
}

async function connect(url: string, onError: (error: unknown) => void): Promise<{ client: RedisCommandClient; close: () => Promise<void> }> {
  let connected = false
  const client = createClient({
    url,
    // Commands fail at once while disconnected (the call is denied) instead of queueing until Redis is back.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      // The first connection fails fast (the factory rejects); later drops are retried with a capped back-off.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, 2000) : cause),
    },
  })
  client.on('error', onError)
  try {
    await client.connect()
  } catch (cause) {
    client.destroy()
    throw new WardenError('ERR_INTERNAL', 'Could not connect to the Redis limit store. Check options.url and that Redis is running.', { cause })
  }
  connected = true
  return { client, close: () => client.close() }
}

/**
 * Connects (with `url`) or adopts a client, and returns a store whose buckets and budgets every instance shares.
 *
 * @example
 * const limits = await createRedisLimitStore({ url: process.env.REDIS_URL })
 * const client = governClient(new Client({ name: 'app', version: '1.0.0' }), { limits, … })
 * // on shutdown
 * await limits.close()
 */
export async function createRedisLimitStore(options: RedisLimitStoreOptions): Promise<RedisLimitStore> {
  checkOptions(options)
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX
  const budgetTtlMs = String((options.budgetTtlSeconds ?? DEFAULT_BUDGET_TTL_SECONDS) * 1000)
  const timeout = options.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS
  const owned = options.url === undefined ? undefined : await connect(options.url, options.onError ?? (() => {}))
  const client = owned?.client ?? (options.client as RedisCommandClient)

  /** EVALSHA, and EVAL (which caches the script) when the server does not have it yet. */
  async function evaluate(script: Script, key: string, args: readonly string[]): Promise<unknown[]> {
    try {
      return (await client.sendCommand(['EVALSHA', script.sha, '1', key, ...args])) as unknown[]
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
      return (await client.sendCommand(['EVAL', script.text, '1', key, ...args])) as unknown[]
    }
  }

  /**
   * One script call that answers within `timeout` or fails. node-redis's own command timeout only covers the wait
   * to be written, not the wait for the reply, so the deadline is kept here (the script may still run afterwards).
   */
  async function run(script: Script, key: string, args: readonly string[]): Promise<unknown[]> {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout)
    })
    try {
      return await Promise.race([evaluate(script, key, args), deadline])
    } catch (cause) {
      throw new WardenError('ERR_INTERNAL', UNREACHABLE, { stage: 'limits', cause })
    } finally {
      clearTimeout(timer)
    }
  }

  async function rate(key: string, capacity: number, windowSeconds: number, cost: number, refund: boolean): Promise<RateResult> {
    const [allowed, remaining, retry] = await run(RATE, `${prefix}bucket:${key}`, [String(capacity), String(windowSeconds), String(cost), refund ? '1' : '0'])
    const retryAfterMs = retry === 'inf' ? Number.POSITIVE_INFINITY : Number(retry)
    return { allowed: Number(allowed) === 1, remaining: Number(remaining), retryAfterMs }
  }

  async function budget(key: string, limit: number, periodKey: string, cost: number, mode: 'charge' | 'refund'): Promise<BudgetResult> {
    const [allowed, used, period] = await run(BUDGET, `${prefix}budget:${key}`, [String(limit), periodKey, String(cost), mode, budgetTtlMs])
    const total = Number(used)
    return { allowed: Number(allowed) === 1, used: total, remaining: Math.max(0, limit - total), periodKey: String(period) }
  }

  return {
    async consumeRate(key, spec, cost, nowMs) {
      assertRateArguments(key, spec, cost, nowMs)
      return rate(key, spec.capacity, spec.windowSeconds, cost, false)
    },
    async refundRate(key, spec, cost, nowMs) {
      assertRateArguments(key, spec, cost, nowMs)
      await rate(key, spec.capacity, spec.windowSeconds, cost, true)
    },
    async chargeBudget(key, limit, periodKey, cost) {
      assertBudgetArguments(key, periodKey, cost, limit)
      return budget(key, limit, periodKey, cost, 'charge')
    },
    async refundBudget(key, periodKey, cost) {
      assertBudgetArguments(key, periodKey, cost)
      await budget(key, 0, periodKey, cost, 'refund')
    },
    async close() {
      await owned?.close()
    },
  }
}
