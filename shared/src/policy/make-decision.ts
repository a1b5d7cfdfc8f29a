/**
 * shared/src/policy/make-decision.ts — builds the frozen `PolicyDecision` objects the policy stage hands on.
 *
 * Decisions are shared between calls (one per rule and cost, one per operation kind that needs no rule), so they
 * are frozen: no later stage can change the obligations another call will see.
 */
import type { PolicyDecision } from '../pipeline/types.js'
import type { BaseObligations } from './compiled-policy.js'

/** The parts of a decision. */
export interface DecisionFields {
  readonly effect: 'allow' | 'deny' | 'ask'
  readonly ruleIds: readonly string[]
  readonly revision: string
  readonly explanation: string
  readonly obligations: BaseObligations
  readonly cost: number
  /** For `ask` only. */
  readonly askTimeoutSeconds?: number
}

/**
 * A frozen decision.
 *
 * @example makeDecision({ effect: 'deny', ruleIds: [], revision: 'r1', explanation, obligations, cost: 0 })
 */
export function makeDecision(fields: DecisionFields): PolicyDecision {
  const obligations = Object.freeze({ ...fields.obligations, cost: fields.cost })
  return Object.freeze({
    effect: fields.effect,
    ruleIds: Object.freeze([...fields.ruleIds]),
    revision: fields.revision,
    explanation: fields.explanation,
    obligations,
    ...(fields.askTimeoutSeconds === undefined ? {} : { askTimeoutSeconds: fields.askTimeoutSeconds }),
  })
}
