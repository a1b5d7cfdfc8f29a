/**
 * shared/src/policy/compile-policy.ts — turns a validated document into a `CompiledPolicy`.
 *
 * Everything that can be decided at load is decided here: patterns compiled, rules indexed, obligations merged and
 * frozen, decisions for operations that need no rule built once. Evaluation then mostly reads.
 *
 * Obligations: a rule's `content` overrides the defaults field by field (`types` merged per entity type, the
 * rule's entry winning); a rule's `rateLimits` or `budgets`, when given, replace the defaults' list (`[]` means
 * none). Without `defaults`, content is redacted, results are not scanned and there are no limits.
 */
import type { BudgetSpec, PolicyDecision, RateLimitSpec } from '../pipeline/types.js'
import { compileConditions } from './argument-conditions.js'
import { registerCompiledPolicy } from './compiled-policy.js'
import type { BaseObligations, CompiledPolicy, CompiledRule, CostTable, PassKind, PolicyInternals } from './compiled-policy.js'
import { explainAllow } from './explain.js'
import { compileGlob } from './glob.js'
import type { Glob } from './glob.js'
import { makeDecision } from './make-decision.js'
import type { PolicyContent, PolicyDocument, PolicyRule } from './policy-schema.js'
import { buildRuleIndex } from './rule-index.js'
import { compileSubjects } from './subject-matcher.js'

type Defaults = NonNullable<PolicyDocument['defaults']>

const PASS_EXPLANATIONS: Readonly<Record<PassKind, string>> = {
  protocol: 'Protocol messages need no rule.',
  list: 'Listing needs no rule; the results are filtered to what you may use.',
  'client-feature': 'Requests from the server to the host, and their answers, need no rule.',
  response: 'Responses and other messages from the server need no rule.',
  'allowed-method': 'The method is listed in allowMethods.',
}

/**
 * Compiles a validated document. The document is frozen, not copied.
 *
 * @example const policy = compilePolicy(PolicySchema.parse(data))
 */
export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const revision = document.revision
  const defaults = baseObligations(document.defaults ?? {}, undefined)
  const rules = document.rules.map((rule, index) => compileRule(rule, index, document))
  const passDecisions = Object.fromEntries(
    Object.entries(PASS_EXPLANATIONS).map(([kind, explanation]) => [
      kind,
      makeDecision({ effect: 'allow', ruleIds: [], revision, explanation, obligations: defaults, cost: 0 }),
    ]),
  ) as Record<PassKind, PolicyDecision>
  const inner: PolicyInternals = {
    revision,
    rules: buildRuleIndex(rules),
    costs: compileCosts(document.costs ?? {}),
    allowMethods: new Set(document.allowMethods ?? []),
    defaults,
    passDecisions,
  }
  return registerCompiledPolicy(Object.freeze({ revision, document: deepFreeze(document) }), inner)
}

function compileRule(rule: PolicyRule, index: number, document: PolicyDocument): CompiledRule {
  const obligations = baseObligations(document.defaults ?? {}, rule)
  const explanation = explainAllow(rule.id, document.revision)
  const decisions = new Map<number, PolicyDecision>()
  return {
    index,
    id: rule.id,
    effect: rule.effect,
    matchesSubject: compileSubjects(rule.subjects),
    servers: rule.servers.map(compileGlob),
    targets: {
      tool: rule.tools?.map(compileGlob),
      prompt: rule.prompts?.map(compileGlob),
      resource: rule.resources?.map(compileGlob),
    },
    conditions: compileConditions(rule.when, rule.arguments),
    allowDecision(cost) {
      let made = decisions.get(cost)
      if (made === undefined) {
        made = makeDecision({ effect: 'allow', ruleIds: [rule.id], revision: document.revision, explanation, obligations, cost })
        decisions.set(cost, made)
      }
      return made
    },
    askDecision(cost) {
      const timeout = rule.askTimeoutSeconds ?? DEFAULT_ASK_TIMEOUT_SECONDS
      const explanation = `Rule "${rule.id}" asks a person to approve the call first (policy revision ${document.revision}).`
      return makeDecision({ effect: 'ask', ruleIds: [rule.id], revision: document.revision, explanation, obligations, cost, askTimeoutSeconds: timeout })
    },
  }
}

/** Seconds an `ask` rule waits for an answer when it names no `askTimeoutSeconds`. */
export const DEFAULT_ASK_TIMEOUT_SECONDS = 120

function baseObligations(defaults: Defaults, rule: PolicyRule | undefined): BaseObligations {
  const content: PolicyContent = { ...defaults.content, ...rule?.content }
  const types = { ...defaults.content?.types, ...rule?.content?.types }
  const rateLimits: readonly RateLimitSpec[] = rule?.rateLimits ?? defaults.rateLimits ?? []
  const budgets: readonly BudgetSpec[] = rule?.budgets ?? defaults.budgets ?? []
  return Object.freeze({
    contentActions: Object.freeze(types),
    defaultContentAction: content.action ?? 'redact',
    scanResults: content.scanResults ?? false,
    rateLimits: Object.freeze(rateLimits.map((spec) => Object.freeze({ ...spec }))),
    budgets: Object.freeze(budgets.map((spec) => Object.freeze({ ...spec }))),
  })
}

function compileCosts(costs: Readonly<Record<string, number>>): CostTable {
  const exact = new Map<string, number>()
  const patterns: { glob: Glob; cost: number }[] = []
  for (const [key, cost] of Object.entries(costs)) {
    const glob = compileGlob(key)
    if (glob.literal !== undefined) exact.set(glob.literal, cost)
    else patterns.push({ glob, cost })
  }
  // Array.prototype.sort is stable (ECMA-262 since 2019): equal specificity keeps document order.
  patterns.sort((a, b) => b.glob.specificity - a.glob.specificity)
  return { exact, patterns }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
