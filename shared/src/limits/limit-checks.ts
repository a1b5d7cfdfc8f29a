/**
 * shared/src/limits/limit-checks.ts — which buckets and counters one call touches, and taking them all or none.
 *
 * Keys name the limit and the person, and for `user-tool` scope the server and target too:
 *   rate:<specId>:<issuer>|<subject>[:<server>/<target>]     budget:<specId>:<issuer>|<subject>[:<server>/<target>]
 * Every part is percent-encoded (RFC 3986 §2.1, as `encodeURIComponent` does), so an issuer URL's `:` or a
 * subject holding `|` can never make two people's keys collide. `<target>` is the tool name, or `prompt:`,
 * `resource:`, `completion:` followed by the prompt name, resource URI or completion ref.
 * Budget keys carry no period: the period key goes to the store beside the key, so the store can refuse to
 * move a budget back to an earlier period.
 */
import type { BudgetSpec, Identity, RateLimitSpec } from '../pipeline/types.js'
import type { BudgetResult, LimitStore, RateResult } from './limit-store.js'

/** Rate limits count calls: every call takes one token, whatever its cost. */
const RATE_COST = 1

/** One bucket or counter a call must pass. */
export type LimitCheck =
  | { readonly kind: 'rate'; readonly spec: RateLimitSpec; readonly key: string }
  | { readonly kind: 'budget'; readonly spec: BudgetSpec; readonly key: string; readonly periodKey: string }

/** What {@link runLimitChecks} found. `refunded` is false when giving back an earlier take failed. */
export type LimitOutcome =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'rate-exceeded'; readonly spec: RateLimitSpec; readonly result: RateResult; readonly refunded: boolean }
  | { readonly kind: 'budget-exceeded'; readonly spec: BudgetSpec; readonly result: BudgetResult; readonly refunded: boolean }
  | { readonly kind: 'failed'; readonly cause: unknown; readonly refunded: boolean }

/** Where a `user-tool` limit applies: the configured server and the encoded target (see the file comment). */
export interface LimitTarget {
  readonly server: string
  readonly target: string
}

type Taken = { readonly kind: 'rate'; readonly check: LimitCheck & { kind: 'rate' } } | {
  readonly kind: 'budget'
  readonly check: LimitCheck & { kind: 'budget' }
  readonly periodKey: string
}

type Denial = Exclude<LimitOutcome, { kind: 'allowed' } | { kind: 'failed' }>

/**
 * The store key of a limit for one person (and, for `user-tool` scope, one target).
 * A scope other than `user-tool` counts for the whole user: the stricter reading of a malformed policy.
 *
 * @example
 * limitKey('rate', { id: 'default', scope: 'user' }, identity, { server: 'fs', target: 'read_file' })
 * // → 'rate:default:https%3A%2F%2Fidp.example.com|alice'
 */
export function limitKey(
  prefix: 'rate' | 'budget',
  spec: Pick<RateLimitSpec, 'id' | 'scope'>,
  identity: Pick<Identity, 'issuer' | 'subject'>,
  where: LimitTarget,
): string {
  const enc = encodeURIComponent
  const user = `${prefix}:${enc(spec.id)}:${enc(identity.issuer)}|${enc(identity.subject)}`
  return spec.scope === 'user-tool' ? `${user}:${enc(where.server)}/${where.target}` : user
}

async function take(store: LimitStore, check: LimitCheck, cost: number, nowMs: number): Promise<Taken | Denial> {
  if (check.kind === 'rate') {
    const result = await store.consumeRate(check.key, check.spec, RATE_COST, nowMs)
    return result.allowed ? { kind: 'rate', check } : { kind: 'rate-exceeded', spec: check.spec, result, refunded: true }
  }
  const result = await store.chargeBudget(check.key, check.spec.limit, check.periodKey, cost)
  if (!result.allowed) return { kind: 'budget-exceeded', spec: check.spec, result, refunded: true }
  return { kind: 'budget', check, periodKey: result.periodKey }
}

/** Gives back every take, newest first; true when all refunds succeeded. */
async function refundAll(store: LimitStore, taken: readonly Taken[], cost: number, nowMs: number): Promise<boolean> {
  let refunded = true
  for (const item of [...taken].reverse()) {
    try {
      if (item.kind === 'rate') await store.refundRate(item.check.key, item.check.spec, RATE_COST, nowMs)
      else await store.refundBudget(item.check.key, item.periodKey, cost)
    } catch {
      refunded = false
    }
  }
  return refunded
}

/**
 * Takes every check in order: one token per rate limit, `cost` per budget. The first denial or store error
 * stops, and what the earlier checks took is given back, so a call that is not allowed consumes nothing.
 *
 * @example
 * const outcome = await runLimitChecks(store, checks, 1, clock.monotonic())
 * if (outcome.kind !== 'allowed') // deny
 */
export async function runLimitChecks(
  store: LimitStore,
  checks: readonly LimitCheck[],
  cost: number,
  nowMs: number,
): Promise<LimitOutcome> {
  const taken: Taken[] = []
  for (const check of checks) {
    let step: Taken | Denial
    try {
      step = await take(store, check, cost, nowMs)
    } catch (cause) {
      return { kind: 'failed', cause, refunded: await refundAll(store, taken, cost, nowMs) }
    }
    if (step.kind === 'rate' || step.kind === 'budget') taken.push(step)
    else return { ...step, refunded: await refundAll(store, taken, cost, nowMs) }
  }
  return { kind: 'allowed' }
}
