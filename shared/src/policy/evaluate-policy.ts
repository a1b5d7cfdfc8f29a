/**
 * shared/src/policy/evaluate-policy.ts — the policy decision for one operation.
 *
 * Deny by default: a tool call, prompt, resource read or completion is allowed only when an allow rule applies,
 * and any applying deny rule overrides every allow rule. Operations that carry no tool effect (protocol, lists,
 * server-to-host features, responses) need no rule; methods the proxy could not classify are denied unless
 * listed in `allowMethods`.
 *
 * Completions (`completion/complete`) reveal suggested argument values, not results, so they are decided like
 * listing: allowed when the user could use the prompt or resource named by `ref` at all (allow rules' `when`
 * conditions are not checked, as the completion carries no call arguments; deny rules with conditions do not
 * apply). The ref is looked up both as a prompt name and as a resource URI, as the operation does not say which.
 *
 * Costs: tool calls cost their `costs` entry (default 1), prompts, resources and completions 1, the rest 0.
 */
import type { Identity, Operation, PolicyDecision } from '../pipeline/types.js'
import { internalsOf } from './compiled-policy.js'
import type { CompiledPolicy, CostTable, PolicyInternals, SessionTransport } from './compiled-policy.js'
import { hasDotSegments } from './dot-segments.js'
import { explainDeniedByRules, explainDotSegments, explainMalformed, explainNoRule, explainUnknownMethod } from './explain.js'
import type { ExplainTarget } from './explain.js'
import { normalizeName } from './glob.js'
import { makeDecision } from './make-decision.js'
import { emptyMatch, finishMatch, matchRules } from './match-rules.js'
import type { MatchResult } from './match-rules.js'

/** What `evaluatePolicy` decides about. */
export interface PolicyRequest {
  /** The verified identity; `undefined` matches no rule. */
  readonly identity: Identity | undefined
  /** The configured server name. */
  readonly server: string
  readonly operation: Operation
  /**
   * How the server is reached (`SessionInfo.transport`). `pathUnder` conditions resolve paths on disk only for
   * `stdio`; otherwise, and when left out, they are checked lexically.
   */
  readonly transport?: SessionTransport | undefined
}

/**
 * Decides one operation. Pure and allocation-light: the rules were indexed at load.
 *
 * @example
 * evaluatePolicy(policy, { identity, server: 'fs', operation: { kind: 'tool', method: 'tools/call', name: 'read_file', arguments: {} } })
 */
export function evaluatePolicy(policy: CompiledPolicy, request: PolicyRequest): PolicyDecision {
  const inner = internalsOf(policy, 'evaluatePolicy')
  const operation = request.operation
  switch (operation.kind) {
    case 'tool':
    case 'prompt':
      return decideCall(inner, request, operation)
    case 'resource':
      return decideResource(inner, request, operation.uri)
    case 'completion':
      return decideCompletion(inner, request, operation.ref)
    case 'unknown':
      if (inner.allowMethods.has(operation.method)) return inner.passDecisions['allowed-method']
      return deny(inner, [], explainUnknownMethod(String(operation.method), inner.revision))
    case 'protocol':
    case 'list':
    case 'client-feature':
    case 'response':
      return inner.passDecisions[operation.kind]
    default:
      return deny(inner, [], explainMalformed(inner.revision))
  }
}

type CallOperation = Extract<Operation, { kind: 'tool' | 'prompt' }>

function decideCall(inner: PolicyInternals, request: PolicyRequest, operation: CallOperation): PolicyDecision {
  if (typeof operation.name !== 'string') return deny(inner, [], explainMalformed(inner.revision))
  const name = normalizeName(operation.name)
  const target: ExplainTarget = { kind: operation.kind, name, server: request.server }
  const identity = request.identity
  if (identity === undefined) return deny(inner, [], explainNoRule(inner.revision, target, 'no-identity'))
  const result = emptyMatch()
  const query = { identity, server: request.server, kind: operation.kind, name, listing: false, arguments: operation.arguments, transport: request.transport }
  matchRules(inner.rules, query, result)
  return conclude(inner, result, target, operation.kind === 'tool' ? costOf(inner.costs, request.server, name) : 1)
}

function decideResource(inner: PolicyInternals, request: PolicyRequest, uri: unknown): PolicyDecision {
  if (typeof uri !== 'string') return deny(inner, [], explainMalformed(inner.revision))
  if (hasDotSegments(uri)) return deny(inner, [], explainDotSegments(inner.revision, request.server))
  const name = normalizeName(uri)
  const target: ExplainTarget = { kind: 'resource', name, server: request.server }
  const identity = request.identity
  if (identity === undefined) return deny(inner, [], explainNoRule(inner.revision, target, 'no-identity'))
  const result = emptyMatch()
  matchRules(inner.rules, { identity, server: request.server, kind: 'resource', name, listing: false, arguments: undefined }, result)
  return conclude(inner, result, target, 1)
}

/** The classifier names a completion's reference `prompt:<name>` or `resource:<uri template>`. */
function splitRef(ref: string): { kind: 'prompt' | 'resource'; name: string } | undefined {
  if (ref.startsWith('prompt:')) return { kind: 'prompt', name: ref.slice('prompt:'.length) }
  if (ref.startsWith('resource:')) return { kind: 'resource', name: ref.slice('resource:'.length) }
  return undefined
}

function decideCompletion(inner: PolicyInternals, request: PolicyRequest, ref: unknown): PolicyDecision {
  const parsed = typeof ref === 'string' ? splitRef(ref) : undefined
  if (parsed === undefined) return deny(inner, [], explainMalformed(inner.revision))
  if (parsed.kind === 'resource' && hasDotSegments(parsed.name)) return deny(inner, [], explainDotSegments(inner.revision, request.server))
  const name = normalizeName(parsed.name)
  const target: ExplainTarget = { kind: 'completion', name, server: request.server }
  const identity = request.identity
  if (identity === undefined) return deny(inner, [], explainNoRule(inner.revision, target, 'no-identity'))
  const result = emptyMatch()
  matchRules(inner.rules, { identity, server: request.server, kind: parsed.kind, name, listing: true, arguments: undefined }, result)
  return conclude(inner, result, target, 1)
}

/** Deny when a deny rule applies, else ask by the first ask rule, else allow by the first allow rule, else deny. */
function conclude(inner: PolicyInternals, result: MatchResult, target: ExplainTarget, cost: number): PolicyDecision {
  finishMatch(result)
  if (result.denies !== undefined) {
    const ruleIds = result.denies.map((rule) => rule.id)
    return deny(inner, ruleIds, explainDeniedByRules(ruleIds, inner.revision, target))
  }
  if (result.ask !== undefined) return result.ask.askDecision(cost)
  if (result.allow !== undefined) return result.allow.allowDecision(cost)
  return deny(inner, [], explainNoRule(inner.revision, target, result.conditionsFailed ? 'arguments' : 'no-rule'))
}

function deny(inner: PolicyInternals, ruleIds: readonly string[], explanation: string): PolicyDecision {
  return makeDecision({ effect: 'deny', ruleIds, revision: inner.revision, explanation, obligations: inner.defaults, cost: 0 })
}

function costOf(costs: CostTable, server: string, tool: string): number {
  if (costs.exact.size === 0 && costs.patterns.length === 0) return 1
  const key = `${server}/${tool}`
  const exact = costs.exact.get(key)
  if (exact !== undefined) return exact
  for (const entry of costs.patterns) if (entry.glob.matches(key)) return entry.cost
  return 1
}
