/**
 * shared/src/limits/limits-stage.ts — the pipeline stage that stops runaway loops: rate limits and budgets.
 *
 * What it governs: every request to the server that the policy addresses by name — `tool`, `prompt`, `resource`
 * and `completion` operations. Each such call takes one token from every rate limit in the policy decision's
 * obligations, and its `cost` from every budget (a call with cost 0 is not counted against budgets). Lists,
 * protocol methods, notifications and everything travelling to the client pass untouched.
 *
 * Time: buckets refill on `clock.monotonic()`, so setting the wall clock back never refills one; budget periods
 * come from `clock.now()` in UTC, and the store never moves a budget back to an earlier period (limit-store.ts).
 * Fails closed: no identity, no allow decision, or a store that throws → deny with ERR_INTERNAL.
 */
import { isWardenError, WardenError } from '../errors.js'
import type { Identity, MessageContext, Operation, PolicyDecision, Stage, Verdict } from '../pipeline/types.js'
import { systemClock, type Clock } from '../pipeline/types.js'
import { budgetPeriodEnd, budgetPeriodKey } from './budget-period.js'
import { limitKey, runLimitChecks, type LimitCheck, type LimitOutcome, type LimitTarget } from './limit-checks.js'
import type { LimitStore } from './limit-store.js'

/** Options of {@link limitsStage}. */
export interface LimitsStageOptions {
  /** Where buckets and budget counters live. */
  readonly store: LimitStore
  /** Defaults to the system clock; tests inject a fake one. */
  readonly clock?: Clock | undefined
}

type GovernedOperation = Extract<Operation, { kind: 'tool' | 'prompt' | 'resource' | 'completion' }>

const GOVERNED_KINDS: ReadonlySet<Operation['kind']> = new Set(['tool', 'prompt', 'resource', 'completion'])
const STORE_METHODS = ['consumeRate', 'refundRate', 'chargeBudget', 'refundBudget'] as const
const RETRY_LATER = 'Try again in a moment; if it keeps failing, restart MCP Warden or tell your administrator.'

function hasFunctions(value: unknown, names: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  )
}

function isGoverned(context: MessageContext, operation: Operation): operation is GovernedOperation {
  return context.direction === 'to-server' && GOVERNED_KINDS.has(operation.kind)
}

function limitTarget(server: string, operation: GovernedOperation): LimitTarget {
  switch (operation.kind) {
    case 'tool':
      return { server, target: encodeURIComponent(operation.name) }
    case 'prompt':
      return { server, target: `prompt:${encodeURIComponent(operation.name)}` }
    case 'resource':
      return { server, target: `resource:${encodeURIComponent(operation.uri)}` }
    case 'completion':
      return { server, target: `completion:${encodeURIComponent(operation.ref)}` }
  }
}

/** How a message names what was called. Resource URIs and completion refs are left out: they can carry data. */
function describeCall(server: string, operation: GovernedOperation): string {
  switch (operation.kind) {
    case 'tool':
      return `"${server}/${operation.name}"`
    case 'prompt':
      return `prompt "${server}/${operation.name}"`
    case 'resource':
      return `resources of "${server}"`
    case 'completion':
      return `completions of "${server}"`
  }
}

function planChecks(identity: Identity, decision: PolicyDecision, where: LimitTarget, nowMs: number): LimitCheck[] {
  const { rateLimits, budgets, cost } = decision.obligations
  const checks: LimitCheck[] = rateLimits.map((spec) => ({ kind: 'rate', spec, key: limitKey('rate', spec, identity, where) }))
  if (cost === 0) return checks
  for (const spec of budgets) {
    const key = limitKey('budget', spec, identity, where)
    checks.push({ kind: 'budget', spec, key, periodKey: budgetPeriodKey(spec.period, nowMs) })
  }
  return checks
}

function internalError(message: string, cause?: unknown): WardenError {
  return new WardenError('ERR_INTERNAL', message, { stage: 'limits', cause, details: { reason: 'limits-unchecked' } })
}

/** The stage runs after identity and policy; reaching it without their results is a wiring bug: fail closed. */
function uncheckedBecause(why: string): WardenError {
  return internalError(`Usage limits could not be checked because ${why}. ${RETRY_LATER}`)
}

function seconds(ms: number): string {
  const n = Math.max(1, Math.ceil(ms / 1000))
  return n === 1 ? '1 second' : `${n} seconds`
}

function exceededError(outcome: Exclude<LimitOutcome, { kind: 'allowed' | 'failed' }>, what: string, cost: number): WardenError {
  const refund = outcome.refunded ? {} : { refundFailed: true }
  if (outcome.kind === 'rate-exceeded') {
    const { spec, result } = outcome
    const message = `Rate limit "${spec.id}" reached for ${what}: try again in ${seconds(result.retryAfterMs)}.`
    const details = { limit: spec.id, retryAfterMs: result.retryAfterMs, ...refund }
    return new WardenError('ERR_LIMIT_EXCEEDED', message, { stage: 'limits', details })
  }
  const { spec, result } = outcome
  const resetsAt = new Date(budgetPeriodEnd(result.periodKey)).toISOString()
  const state =
    result.used >= spec.limit
      ? `is used up (${result.used}/${spec.limit})`
      : `has ${result.remaining} of ${spec.limit} left, and this call costs ${cost}`
  const message = `Budget "${spec.id}" for this ${spec.period} ${state}. It resets at ${resetsAt}.`
  const details = { limit: spec.id, resetsAt, used: result.used, ...refund }
  return new WardenError('ERR_LIMIT_EXCEEDED', message, { stage: 'limits', details })
}

function validateOptions(options: LimitsStageOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('limitsStage: options must be an object')
  if (!hasFunctions(options.store, STORE_METHODS)) {
    throw new TypeError(`limitsStage: options.store must be a LimitStore (${STORE_METHODS.join(', ')})`)
  }
  if (options.clock !== undefined && !hasFunctions(options.clock, ['now', 'monotonic'])) {
    throw new TypeError('limitsStage: options.clock must be a Clock (now, monotonic)')
  }
}

/**
 * Builds the limits stage. It denies with ERR_LIMIT_EXCEEDED when a rate limit or budget is reached, and a
 * denied call consumes nothing (see `runLimitChecks`).
 *
 * @example
 * const stage = limitsStage({ store: createMemoryLimitStore() })
 * const verdict = await stage.process(context) // context.identity and context.decision set by earlier stages
 */
export function limitsStage(options: LimitsStageOptions): Stage {
  validateOptions(options)
  const store = options.store
  const clock = options.clock ?? systemClock

  async function limits(context: MessageContext): Promise<Verdict> {
    const operation = context.operation
    if (!isGoverned(context, operation)) return { action: 'pass', context }
    const { identity, decision } = context
    if (identity === undefined) return { action: 'deny', error: uncheckedBecause('the call has no verified identity') }
    if (decision?.effect !== 'allow') return { action: 'deny', error: uncheckedBecause('the call has no policy decision') }
    // A store's own WardenError already says what to do (e.g. which ledger file is damaged); other causes do not.
    const failed = (cause: unknown): Verdict => ({
      action: 'deny',
      error: internalError(`Usage limits could not be checked, so the call was not made. ${isWardenError(cause) ? cause.message : RETRY_LATER}`, cause),
    })
    try {
      const server = context.session.server
      const checks = planChecks(identity, decision, limitTarget(server, operation), clock.now())
      const outcome = await runLimitChecks(store, checks, decision.obligations.cost, clock.monotonic())
      if (outcome.kind === 'allowed') return { action: 'pass', context }
      if (outcome.kind === 'failed') return failed(outcome.cause)
      return { action: 'deny', error: exceededError(outcome, describeCall(server, operation), decision.obligations.cost) }
    } catch (cause) {
      return failed(cause)
    }
  }

  return { name: 'limits', process: limits }
}
