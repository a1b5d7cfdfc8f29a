/**
 * shared/src/limits/memory-limit-store.ts — a LimitStore in the memory of one process.
 *
 * Every method runs synchronously between the caller's awaits, so each check-and-take is atomic (the
 * contract in limit-store.ts). State dies with the process; the per-user agent will hold a store that survives
 * restarts. Memory is bounded by `maxKeys`: see `makeRoom` for what is evicted first.
 */
import type { BudgetResult, LimitStore, RateResult, RateWindow } from './limit-store.js'

/** Options of {@link createMemoryLimitStore}. */
export interface MemoryLimitStoreOptions {
  /** Most keys (buckets plus budget counters) kept at once; a positive integer, default 10,000. */
  readonly maxKeys?: number | undefined
}

interface Bucket {
  readonly kind: 'rate'
  tokens: number
  /** Latest monotonic time this bucket was refilled to. */
  updatedMs: number
  capacity: number
  windowSeconds: number
}

interface Counter {
  readonly kind: 'budget'
  periodKey: string
  used: number
}

type Entry = Bucket | Counter

const DEFAULT_MAX_KEYS = 10_000
/** Floating-point slack: ten refills of a tenth of a token make a whole token, and 0.1 + 0.2 fits a limit of 0.3. */
const EPSILON = 1e-9

function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`LimitStore: ${name} must be a non-empty string`)
}

function assertAmount(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`LimitStore: ${name} must be a finite number >= 0`)
  }
}

function assertWindow(spec: RateWindow): void {
  if (typeof spec !== 'object' || spec === null || !Number.isFinite(spec.capacity) || spec.capacity < 1) {
    throw new TypeError('LimitStore: spec.capacity must be a finite number >= 1')
  }
  if (!Number.isFinite(spec.windowSeconds) || spec.windowSeconds <= 0) {
    throw new TypeError('LimitStore: spec.windowSeconds must be a finite number > 0')
  }
}

function assertRateArguments(key: string, spec: RateWindow, cost: number, nowMs: number): void {
  assertText(key, 'key')
  assertWindow(spec)
  assertAmount(cost, 'cost')
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new TypeError('LimitStore: nowMs must be a finite number')
}

function tokensPerMs(bucket: Bucket): number {
  return bucket.capacity / (bucket.windowSeconds * 1000)
}

/** Tokens the bucket would hold at `nowMs`; time before `updatedMs` refills nothing. */
function tokensAt(bucket: Bucket, nowMs: number): number {
  const elapsed = Math.max(0, nowMs - bucket.updatedMs)
  return Math.min(bucket.capacity, bucket.tokens + elapsed * tokensPerMs(bucket))
}

/** Brings a bucket up to `nowMs` under the current spec (a policy update may have changed it). */
function refill(bucket: Bucket, spec: RateWindow, nowMs: number): void {
  bucket.tokens = tokensAt(bucket, nowMs)
  bucket.updatedMs = Math.max(bucket.updatedMs, nowMs)
  bucket.capacity = spec.capacity
  bucket.windowSeconds = spec.windowSeconds
  bucket.tokens = Math.min(bucket.tokens, spec.capacity)
}

function retryAfter(bucket: Bucket, cost: number): number {
  if (cost > bucket.capacity) return Number.POSITIVE_INFINITY
  return Math.max(1, Math.ceil((cost - bucket.tokens) / tokensPerMs(bucket)))
}

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
    // A later period starts empty; an earlier one (the wall clock went back) is counted in the latest one.
    if (periodKey > counter.periodKey) {
      counter.periodKey = periodKey
      counter.used = 0
    }
    touch(key, counter)
    return counter
  }

  return {
    async consumeRate(key, spec, cost, nowMs): Promise<RateResult> {
      assertRateArguments(key, spec, cost, nowMs)
      const bucket = bucketFor(key, spec, nowMs)
      if (bucket.tokens + EPSILON < cost) {
        return { allowed: false, remaining: Math.floor(bucket.tokens + EPSILON), retryAfterMs: retryAfter(bucket, cost) }
      }
      bucket.tokens = Math.max(0, bucket.tokens - cost)
      return { allowed: true, remaining: Math.floor(bucket.tokens + EPSILON), retryAfterMs: 0 }
    },

    async refundRate(key, spec, cost, nowMs): Promise<void> {
      assertRateArguments(key, spec, cost, nowMs)
      const bucket = bucketFor(key, spec, nowMs)
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + cost)
    },

    async chargeBudget(key, limit, periodKey, cost): Promise<BudgetResult> {
      assertText(key, 'key')
      assertAmount(limit, 'limit')
      assertText(periodKey, 'periodKey')
      assertAmount(cost, 'cost')
      const counter = counterFor(key, periodKey)
      const allowed = counter.used + cost <= limit + EPSILON
      if (allowed) counter.used += cost
      return { allowed, used: counter.used, remaining: Math.max(0, limit - counter.used), periodKey: counter.periodKey }
    },

    async refundBudget(key, periodKey, cost): Promise<void> {
      assertText(key, 'key')
      assertText(periodKey, 'periodKey')
      assertAmount(cost, 'cost')
      const found = entries.get(key)
      if (found?.kind === 'budget' && found.periodKey === periodKey) found.used = Math.max(0, found.used - cost)
    },
  }
}
