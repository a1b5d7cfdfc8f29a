/**
 * shared/src/policy/policy-stage.ts — the pipeline stage that applies the policy.
 *
 * Towards the server, every message is decided by `evaluatePolicy`; a deny stops it with ERR_POLICY_DENIED and an
 * allow puts the decision (and its obligations) on the context for the later stages and the audit record.
 * Towards the host, nothing is denied here: list results are filtered to what the user may use, and other messages
 * carry the decision made on the request they answer (or, when there is none, the allow-with-defaults decision).
 */
import { WardenError } from '../errors.js'
import type { MessageContext, Stage, Verdict } from '../pipeline/types.js'
import { internalsOf, isCompiledPolicy } from './compiled-policy.js'
import type { CompiledPolicy } from './compiled-policy.js'
import { evaluatePolicy } from './evaluate-policy.js'
import { filterListResult } from './filter-list-result.js'

/** Options of `policyStage`. */
export interface PolicyStageOptions {
  /**
   * The policy, or a function returning the current one (called once per message, so a policy refresh takes
   * effect on the next message). A function that throws makes the pipeline fail closed.
   */
  readonly policy: CompiledPolicy | (() => CompiledPolicy)
  /** True when an `approvalStage` follows: `ask` decisions pass to it. Otherwise they are denied (fail closed). */
  readonly approvals?: boolean
}

const NEXT_STEP = 'Ask your administrator if you need access.'

/**
 * Builds the policy stage.
 *
 * @example createPipeline({ stages: [identityStage(…), policyStage({ policy: () => agent.policy() }), …], audit })
 * @throws TypeError when `options.policy` is neither a policy from `parsePolicy` nor a function.
 */
export function policyStage(options: PolicyStageOptions): Stage {
  if (typeof options !== 'object' || options === null) throw new TypeError('policyStage: options must be an object')
  const source: unknown = options.policy
  if (typeof source !== 'function' && !isCompiledPolicy(source)) {
    throw new TypeError('policyStage: options.policy must be a CompiledPolicy from parsePolicy() or a function returning one')
  }
  const current = typeof source === 'function' ? () => checked(source()) : () => source as CompiledPolicy
  return {
    name: 'policy',
    process(context) {
      const policy = current()
      // Anything not plainly towards the host is decided: a malformed direction must not skip the policy.
      return context.direction === 'to-client' ? relayToClient(policy, context) : decideRequest(policy, context, options.approvals === true)
    },
  }
}

function checked(value: unknown): CompiledPolicy {
  if (!isCompiledPolicy(value)) throw new TypeError('policyStage: options.policy() must return a CompiledPolicy from parsePolicy()')
  return value
}

function decideRequest(policy: CompiledPolicy, context: MessageContext, approvals: boolean): Verdict {
  const decision = evaluatePolicy(policy, {
    identity: context.identity,
    server: context.session.server,
    operation: context.operation,
    transport: context.session.transport,
  })
  if (decision.effect === 'allow' || (decision.effect === 'ask' && approvals)) return { action: 'pass', context: { ...context, decision } }
  const error = new WardenError('ERR_POLICY_DENIED', `${decision.explanation} ${NEXT_STEP}`, {
    stage: 'policy',
    details: { ruleIds: decision.ruleIds, revision: decision.revision },
  })
  return { action: 'deny', error, context: { ...context, decision } }
}

function relayToClient(policy: CompiledPolicy, context: MessageContext): Verdict {
  const decision = context.requestDecision ?? internalsOf(policy, 'policyStage').passDecisions.response
  const operation = context.operation
  if (operation.kind === 'response') {
    const request = { policy, identity: context.identity, server: context.session.server, of: operation.of }
    const filtered = filterListResult(request, context.message)
    if (filtered !== undefined) {
      const modifications = [...context.modifications, 'filtered' as const]
      return { action: 'pass', context: { ...context, message: filtered, modifications, decision } }
    }
  }
  return { action: 'pass', context: { ...context, decision } }
}
