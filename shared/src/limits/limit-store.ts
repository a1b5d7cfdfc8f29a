/**
 * shared/src/limits/limit-store.ts — where rate-limit buckets and budget counters live.
 *
 * The limits stage talks to a store only through this interface, so the in-memory store of today and the
 * per-user agent's ledger or a Redis store of tomorrow are interchangeable. Every method is async for that reason.
 *
 * Contract every implementation keeps:
 *  - **Atomic per key.** `consumeRate` and `chargeBudget` check and take in one indivisible step (in memory:
 *    synchronous code between two awaits; in Redis: one Lua script or MULTI/EXEC on that key). Two concurrent
 *    calls must never both be allowed the last token or the last unit of budget.
 *  - **A denied check takes nothing.** A call that is not allowed leaves the bucket and the counter as they were.
 *  - **Refunds are compensations.** The stage takes its checks one after the other and, when a later check denies
 *    or fails, gives back what the earlier ones took (`refundRate`, `refundBudget`). Between take and refund a
 *    concurrent call can see the lower balance and be denied: the error is on the side of denying, never of
 *    letting more through than the limit (a "check all, then commit" scheme over per-key operations would let
 *    two calls pass the same check before either commits).
 *  - **Budget periods never go back.** A store keeps, per key, the latest period key it has charged; a charge
 *    that names an earlier period (the wall clock jumped backwards) is counted in the latest one instead of
 *    starting a fresh, empty period. Period keys of one budget sort lexicographically in time order.
 */

/** The shape of a token bucket: `capacity` calls in a burst, refilled at `capacity / windowSeconds` per second. */
export interface RateWindow {
  /** Bucket size, at least 1. A new bucket starts full. */
  readonly capacity: number
  /** Seconds to refill an empty bucket completely; greater than 0. */
  readonly windowSeconds: number
}

/** The answer of {@link LimitStore.consumeRate}. */
export interface RateResult {
  readonly allowed: boolean
  /** Whole tokens left after this call (after the refill up to now). */
  readonly remaining: number
  /** 0 when allowed; otherwise milliseconds until `cost` tokens are back (`Infinity` if `cost > capacity`). */
  readonly retryAfterMs: number
}

/** The answer of {@link LimitStore.chargeBudget}. */
export interface BudgetResult {
  readonly allowed: boolean
  /** Cost used in the period, including this call when it was allowed. */
  readonly used: number
  /** `limit - used`, never below 0. */
  readonly remaining: number
  /** The period actually charged: the one asked for, or a later one the store has already seen (never earlier). */
  readonly periodKey: string
}

/**
 * Storage for rate limits (token buckets) and budgets (cost per period). See the file comment for the contract.
 *
 * @example
 * const key = 'rate:default:https%3A%2F%2Fidp.example.com|alice'
 * const result = await store.consumeRate(key, { capacity: 10, windowSeconds: 60 }, 1, clock.monotonic())
 * if (!result.allowed) console.error(`try again in ${result.retryAfterMs} ms`)
 */
export interface LimitStore {
  /**
   * Refills the bucket `key` up to `nowMs`, then takes `cost` tokens if that many are there.
   * `nowMs` is monotonic time: a value lower than one seen before refills nothing. A store shared by several
   * processes (Redis) uses its own time source instead, because monotonic clocks of two processes do not compare.
   */
  consumeRate(key: string, spec: RateWindow, cost: number, nowMs: number): Promise<RateResult>
  /** Gives back `cost` tokens taken by a call that a later check denied; the bucket never exceeds its capacity. */
  refundRate(key: string, spec: RateWindow, cost: number, nowMs: number): Promise<void>
  /** Adds `cost` to the counter of `key` in `periodKey` if the total stays within `limit`. */
  chargeBudget(key: string, limit: number, periodKey: string, cost: number): Promise<BudgetResult>
  /** Takes `cost` back off the counter, if `periodKey` is still its current period; never below 0. */
  refundBudget(key: string, periodKey: string, cost: number): Promise<void>
}
