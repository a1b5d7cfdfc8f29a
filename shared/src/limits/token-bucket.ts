/**
 * shared/src/limits/token-bucket.ts — the arithmetic and argument checks every in-process LimitStore shares
 * (the memory store and the file store), so both keep the contract of limit-store.ts the same way.
 */
import type { BudgetResult, RateResult, RateWindow } from './limit-store.js'

/** A token bucket as the in-process stores hold it. */
export interface Bucket {
  readonly kind: 'rate'
  tokens: number
  /** Latest monotonic time this bucket was refilled to. */
  updatedMs: number
  capacity: number
  windowSeconds: number
}

/** Floating-point slack: ten refills of a tenth of a token make a whole token, and 0.1 + 0.2 fits a limit of 0.3. */
export const EPSILON = 1e-9

export function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`LimitStore: ${name} must be a non-empty string`)
}

export function assertAmount(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`LimitStore: ${name} must be a finite number >= 0`)
  }
}

export function assertWindow(spec: RateWindow): void {
  if (typeof spec !== 'object' || spec === null || !Number.isFinite(spec.capacity) || spec.capacity < 1) {
    throw new TypeError('LimitStore: spec.capacity must be a finite number >= 1')
  }
  if (!Number.isFinite(spec.windowSeconds) || spec.windowSeconds <= 0) {
    throw new TypeError('LimitStore: spec.windowSeconds must be a finite number > 0')
  }
}

/**
 * Throws the contract's TypeError for misused `consumeRate` / `refundRate` arguments; for LimitStore implementations.
 *
 * @example
 * assertRateArguments(key, spec, cost, nowMs) // TypeError('LimitStore: spec.capacity must be a finite number >= 1')
 */
export function assertRateArguments(key: string, spec: RateWindow, cost: number, nowMs: number): void {
  assertText(key, 'key')
  assertWindow(spec)
  assertAmount(cost, 'cost')
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new TypeError('LimitStore: nowMs must be a finite number')
}

/**
 * Throws the contract's TypeError for misused `chargeBudget` / `refundBudget` arguments (`limit` only for a charge).
 *
 * @example
 * assertBudgetArguments(key, periodKey, cost, limit) // TypeError('LimitStore: periodKey must be a non-empty string')
 */
export function assertBudgetArguments(key: string, periodKey: string, cost: number, limit = 0): void {
  assertText(key, 'key')
  assertAmount(limit, 'limit')
  assertText(periodKey, 'periodKey')
  assertAmount(cost, 'cost')
}

/** Tokens refilled per millisecond. */
export function tokensPerMs(bucket: Pick<Bucket, 'capacity' | 'windowSeconds'>): number {
  return bucket.capacity / (bucket.windowSeconds * 1000)
}

/** Tokens the bucket would hold at `nowMs`; time before `updatedMs` refills nothing. */
export function tokensAt(bucket: Bucket, nowMs: number): number {
  const elapsed = Math.max(0, nowMs - bucket.updatedMs)
  return Math.min(bucket.capacity, bucket.tokens + elapsed * tokensPerMs(bucket))
}

/** Brings a bucket up to `nowMs` under the current spec (a policy update may have changed it). */
export function refill(bucket: Bucket, spec: RateWindow, nowMs: number): void {
  bucket.tokens = tokensAt(bucket, nowMs)
  bucket.updatedMs = Math.max(bucket.updatedMs, nowMs)
  bucket.capacity = spec.capacity
  bucket.windowSeconds = spec.windowSeconds
  bucket.tokens = Math.min(bucket.tokens, spec.capacity)
}

/** Milliseconds until `cost` tokens are back; Infinity when `cost` exceeds the capacity. */
export function retryAfter(bucket: Bucket, cost: number): number {
  if (cost > bucket.capacity) return Number.POSITIVE_INFINITY
  return Math.max(1, Math.ceil((cost - bucket.tokens) / tokensPerMs(bucket)))
}

/** Takes `cost` tokens from a refilled bucket if that many are there; a denied take leaves it as it was. */
export function takeTokens(bucket: Bucket, cost: number): RateResult {
  if (bucket.tokens + EPSILON < cost) {
    return { allowed: false, remaining: Math.floor(bucket.tokens + EPSILON), retryAfterMs: retryAfter(bucket, cost) }
  }
  bucket.tokens = Math.max(0, bucket.tokens - cost)
  return { allowed: true, remaining: Math.floor(bucket.tokens + EPSILON), retryAfterMs: 0 }
}

/** A budget's counter in its current period. */
export interface BudgetCounter {
  periodKey: string
  used: number
}

/** A later period starts empty; an earlier one (the wall clock went back) is counted in the latest one. */
export function advancePeriod(counter: BudgetCounter, periodKey: string): void {
  if (periodKey > counter.periodKey) {
    counter.periodKey = periodKey
    counter.used = 0
  }
}

/** Adds `cost` to the counter if the total stays within `limit`. */
export function chargeCounter(counter: BudgetCounter, limit: number, cost: number): BudgetResult {
  const allowed = counter.used + cost <= limit + EPSILON
  if (allowed) counter.used += cost
  return { allowed, used: counter.used, remaining: Math.max(0, limit - counter.used), periodKey: counter.periodKey }
}
