/**
 * shared/src/limits/memory-limit-store.ts — a LimitStore in the memory of one process.
 *
 * Every method runs synchronously between the caller's awaits, so each check-and-take is atomic (the
 * contract in limit-store.ts). State dies with the process; the per-user agent will hold a store that survives
 * restarts. Memory is bounded by `maxKeys`: see `makeRoom` for what is evicted first.
 */
import type { BudgetResult, LimitStore, RateResult, RateWindow } from './limit-store.js'
import { advancePeriod, assertBudgetArguments, assertRateArguments, chargeCounter, EPSILON, refill, takeTokens, tokensAt, type Bucket } from './token-bucket.js'

/** Options of {@link createMemoryLimitStore}. */
export interface MemoryLimitStoreOptions {
  /** Most keys (buckets plus budget counters) kept at once; a positive integer, default 10,000. */
  readonly maxKeys?: number | undefined
}

interface Counter {
  readonly kind: 'budget'
  periodKey: string
  used: number
}

type Entry = Bucket | Counter

const DEFAULT_MAX_KEYS = 10_000

/**
 * Creates a {@link LimitStore} held in this process's memory.
 *
 * When a new key would exceed `maxKeys`, the store first drops every bucket that has refilled completely
 * (a new bucket starts full, so nothing is lost), and only if none is, the least recently used key
 * (which forgets that key's usage: size `maxKeys` well above the number of keys in use).
 *
 * @example
 * const store = createMemoryLimitStore({ maxKeys: 1000 })
 * await store.chargeBudget('budget:daily:https%3A%2F%2Fidp|alice', 100, '2026-11-24', 5)
 * // → { allowed: true, used: 5, remaining: 95, periodKey: '2026-11-24' }
 */
export function createMemoryLimitStore(options: MemoryLimitStoreOptions = {}): LimitStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createMemoryLimitStore: options must be an object')
  }
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new TypeError('createMemoryLimitStore: options.maxKeys must be a positive integer')
  }
  // A Map iterates in insertion order; `touch` re-inserts on use, so the first key is the least recently used.
  const entries = new Map<string, Entry>()
  let latestMs = Number.NEGATIVE_INFINITY

  function touch(key: string, entry: Entry): void {
    entries.delete(key)
    if (entries.size >= maxKeys) makeRoom()
    entries.set(key, entry)
  }

  function makeRoom(): void {
    for (const [key, entry] of entries) {
      if (entry.kind === 'rate' && tokensAt(entry, latestMs) + EPSILON >= entry.capacity) entries.delete(key)
    }
    if (entries.size < maxKeys) return
    const oldest = entries.keys().next()
    if (oldest.done !== true) entries.delete(oldest.value)
  }

  function bucketFor(key: string, spec: RateWindow, nowMs: number): Bucket {
    latestMs = Math.max(latestMs, nowMs)
    const found = entries.get(key)
    const { capacity, windowSeconds } = spec
    const bucket: Bucket =
      found?.kind === 'rate' ? found : { kind: 'rate', tokens: capacity, updatedMs: nowMs, capacity, windowSeconds }
    refill(bucket, spec, nowMs)
    touch(key, bucket)
    return bucket
  }

  function counterFor(key: string, periodKey: string): Counter {
    const found = entries.get(key)
    const counter: Counter = found?.kind === 'budget' ? found : { kind: 'budget', periodKey, used: 0 }
    advancePeriod(counter, periodKey)
    touch(key, counter)
    return counter
  }

  return {
    async consumeRate(key, spec, cost, nowMs): Promise<RateResult> {
      assertRateArguments(key, spec, cost, nowMs)
      return takeTokens(bucketFor(key, spec, nowMs), cost)
    },

    async refundRate(key, spec, cost, nowMs): Promise<void> {
      assertRateArguments(key, spec, cost, nowMs)
      const bucket = bucketFor(key, spec, nowMs)
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + cost)
    },

    async chargeBudget(key, limit, periodKey, cost): Promise<BudgetResult> {
      assertBudgetArguments(key, periodKey, cost, limit)
      return chargeCounter(counterFor(key, periodKey), limit, cost)
    },

    async refundBudget(key, periodKey, cost): Promise<void> {
      assertBudgetArguments(key, periodKey, cost)
      const found = entries.get(key)
      if (found?.kind === 'budget' && found.periodKey === periodKey) found.used = Math.max(0, found.used - cost)
    },
  }
}
